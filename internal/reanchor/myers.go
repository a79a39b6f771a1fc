package reanchor

// Bit-parallel edit distance (Myers 1999, in Hyyrö's formulation, with
// Myers' blocks for patterns longer than 64 code points). One column of the
// dynamic-programming matrix costs one pass over ceil(m/64) machine words,
// so matching a 200-rune quote against a 1,000-rune window is 4,000 word
// operations instead of 200,000 cell updates.
//
// Insertions, deletions and substitutions all cost 1.

// pattern is a string prepared for bit-parallel matching.
type pattern struct {
	m      int
	blocks int
	last   uint64 // the bit of the pattern's last row in the last block
	ascii  [128]int32
	other  map[rune]int32
	peq    []uint64 // peq[id*blocks+b]: rows of block b equal to the rune with that id; id 0 matches nothing
	pv, mv []uint64 // scratch
	score  []int    // scratch
}

func newPattern(p []rune) *pattern {
	m := len(p)
	blocks := (m + 63) / 64
	if blocks == 0 {
		blocks = 1
	}
	pt := &pattern{m: m, blocks: blocks}
	if m > 0 {
		pt.last = 1 << uint((m-1)%64)
	}
	ids := int32(1)
	id := func(r rune) int32 {
		if r >= 0 && r < 128 {
			if pt.ascii[r] == 0 {
				pt.ascii[r] = ids
				ids++
			}
			return pt.ascii[r]
		}
		if pt.other == nil {
			pt.other = make(map[rune]int32)
		}
		x, ok := pt.other[r]
		if !ok {
			x = ids
			pt.other[r] = x
			ids++
		}
		return x
	}
	rowID := make([]int32, m)
	for i, r := range p {
		rowID[i] = id(r)
	}
	pt.peq = make([]uint64, int(ids)*blocks)
	for i, x := range rowID {
		pt.peq[int(x)*blocks+i/64] |= 1 << uint(i%64)
	}
	pt.pv = make([]uint64, blocks)
	pt.mv = make([]uint64, blocks)
	pt.score = make([]int, blocks)
	return pt
}

func (pt *pattern) idOf(r rune) int {
	if r >= 0 && r < 128 {
		return int(pt.ascii[r])
	}
	return int(pt.other[r]) // nil map reads are fine
}

// reset starts a new matrix. In search mode the pattern may start anywhere
// in the text (row 0 is all zeros); otherwise the distance is global.
func (pt *pattern) reset() {
	for b := range pt.blocks {
		pt.pv[b] = ^uint64(0)
		pt.mv[b] = 0
		rows := 64 * (b + 1)
		if rows > pt.m {
			rows = pt.m
		}
		pt.score[b] = rows
	}
}

// step advances every block by one text rune and returns the distance in
// the pattern's last row for the text read so far.
func (pt *pattern) step(r rune, search bool) int {
	base := pt.idOf(r) * pt.blocks
	hin := 1
	if search {
		hin = 0
	}
	last := pt.blocks - 1
	for b := 0; b <= last; b++ {
		high := uint64(1) << 63
		if b == last {
			high = pt.last
		}
		eq := pt.peq[base+b]
		pv, mv := pt.pv[b], pt.mv[b]
		xv := eq | mv
		if hin < 0 {
			eq |= 1
		}
		xh := (((eq & pv) + pv) ^ pv) | eq
		ph := mv | ^(xh | pv)
		mh := pv & xh
		hout := 0
		if ph&high != 0 {
			hout = 1
		} else if mh&high != 0 {
			hout = -1
		}
		ph <<= 1
		mh <<= 1
		if hin < 0 {
			mh |= 1
		} else if hin > 0 {
			ph |= 1
		}
		pt.pv[b] = mh | ^(xv | ph)
		pt.mv[b] = ph & xv
		pt.score[b] += hout
		hin = hout
	}
	return pt.score[last]
}

// distance is the edit distance between the pattern and t.
func (pt *pattern) distance(t []rune) int {
	if pt.m == 0 {
		return len(t)
	}
	pt.reset()
	d := pt.m
	for _, r := range t {
		d = pt.step(r, false)
	}
	return d
}

// bestEnd finds where in t[lo:hi] the pattern ends with the fewest errors
// (semi-global: the match may start anywhere). It returns the exclusive end
// and the error count; among equal counts it prefers the end nearest want.
func (pt *pattern) bestEnd(t []rune, lo, hi, want int) (end, errs int) {
	pt.reset()
	end, errs = -1, pt.m+1
	for j := lo; j < hi; j++ {
		d := pt.step(t[j], true)
		if d < errs || (d == errs && absInt(j+1-want) < absInt(end-want)) {
			end, errs = j+1, d
		}
	}
	return end, errs
}

// bestStart is bestEnd run backwards: pt must be the reversed quote. It
// scans t[lo:hi] from hi down and returns the start with the fewest errors,
// preferring, among equal counts, the longest match (the smallest start).
func (pt *pattern) bestStart(t []rune, lo, hi int) (start, errs int) {
	pt.reset()
	start, errs = hi, pt.m+1
	for j := hi - 1; j >= lo; j-- {
		d := pt.step(t[j], true)
		if d <= errs {
			start, errs = j, d
		}
	}
	return start, errs
}

// editDistance is the edit distance between a and b. It is used on short
// strings (context windows, quotes); the longer string is the text.
func editDistance(a, b []rune) int {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) == 0 {
		return len(b)
	}
	if len(a) <= 64 {
		return distance64(a, b)
	}
	return newPattern(a).distance(b)
}

// distance64 is the single-word case of pattern.distance without the
// allocation of a pattern; a has 1 to 64 runes.
func distance64(a, b []rune) int {
	m := len(a)
	high := uint64(1) << uint(m-1)
	var ascii [128]uint64 // match vectors of ASCII runes; others are looked up in a
	for i, x := range a {
		if x >= 0 && x < 128 {
			ascii[x] |= 1 << uint(i)
		}
	}
	pv, mv := ^uint64(0), uint64(0)
	score := m
	for _, r := range b {
		var eq uint64
		if r >= 0 && r < 128 {
			eq = ascii[r]
		} else {
			for i, x := range a {
				if x == r {
					eq |= 1 << uint(i)
				}
			}
		}
		xv := eq | mv
		xh := (((eq & pv) + pv) ^ pv) | eq
		ph := mv | ^(xh | pv)
		mh := pv & xh
		if ph&high != 0 {
			score++
		} else if mh&high != 0 {
			score--
		}
		ph = ph<<1 | 1
		mh <<= 1
		pv = mh | ^(xv | ph)
		mv = ph & xv
	}
	return score
}

// similarity is 1 - editDistance/max(len) in [0,1]; two empty strings are
// identical.
func similarity(a, b []rune) float64 {
	n := max(len(a), len(b))
	if n == 0 {
		return 1
	}
	return 1 - float64(editDistance(a, b))/float64(n)
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// commonPrefix is the number of leading runes a and b share.
func commonPrefix(a, b []rune) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// commonSuffix is the number of trailing runes a and b share.
func commonSuffix(a, b []rune) int {
	n := min(len(a), len(b))
	for i := 1; i <= n; i++ {
		if a[len(a)-i] != b[len(b)-i] {
			return i - 1
		}
	}
	return n
}

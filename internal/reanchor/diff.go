package reanchor

import (
	"slices"
	"sort"
	"unicode"
)

// The diff between the old and the new text is computed once per Reanchor
// call and expressed as equal blocks of code points. It runs in four steps:
//
//  1. The common prefix and suffix are trimmed (cheap, and most revisions
//     touch a small part of an article).
//  2. The rest is aligned paragraph by paragraph (lines, as tokens), and
//     then word by word within each group of changed paragraphs, so that
//     words are never aligned across a paragraph that did not change (a
//     word that is unique in a deleted sentence and in a look-alike two
//     paragraphs away must not pull them together). At both levels,
//     tokens that occur exactly once on each side anchor the alignment
//     (patience diff: longest increasing subsequence of the unique pairs)
//     and the stretches between anchors are aligned with a longest common
//     subsequence table when small, or with Myers' O(ND) algorithm. A
//     stretch too large for that within maxMyersCost is treated as
//     replaced, so the cost is near-linear for any pair of texts, and the
//     result does not depend on a clock (unlike diff-match-patch's
//     timeout). Word tokens are words, whitespace runs and single
//     punctuation runes.
//  3. Pure insertions and deletions are slid to sentence and paragraph
//     boundaries when the text allows (deleting "The plan would cost £2bn. "
//     rather than "cost £2bn. The plan would "), and tiny equalities inside
//     rewritten stretches ("the", " ") are folded into the change, so a
//     rewritten sentence is not stitched to its replacement by common words.
//  4. A one-word-for-one-word substitution ("4.2" → "4.3", "Smith" →
//     "Smyth") is refined to single code points.

// block says that old[o:o+l] equals new[n:n+l] and is unchanged text.
type block struct{ o, n, l int }

// diffResult is the alignment of two texts.
type diffResult struct {
	blocks     []block // sorted by o and by n; starts and ends with a zero-length sentinel
	oldN, newN int
}

const (
	// maxMyersCost bounds the work of one Myers run, (n+m)·D token steps,
	// and maxMyersD its edits (its trace holds about D²/2 entries).
	maxMyersCost = 1 << 22
	maxMyersD    = 2048
	// smallSegment is the size (n·m tokens) under which a stretch is
	// aligned with a full LCS table rather than through patience anchors.
	smallSegment = 1 << 14
	// maxCleanupRunes is the longest equality that cleanup may fold into
	// the surrounding change.
	maxCleanupRunes = 16
)

type token struct {
	start, end int32 // rune offsets
	id         int32
	kind       uint8
}

const (
	tokWord uint8 = iota
	tokSpace
	tokPunct
)

func isWordRune(r rune) bool {
	if r < 0x80 {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// tokenizer interns token texts across both sides of a diff, keyed by a
// 64-bit hash of the runes (collisions are detected and probed past).
type tokenizer struct {
	ids  map[uint64]int32
	text [][]rune // text[id]
}

func (tz *tokenizer) intern(w []rune) int32 {
	h := uint64(14695981039346656037)
	for _, r := range w {
		h ^= uint64(r)
		h *= 1099511628211
	}
	for {
		id, ok := tz.ids[h]
		if !ok {
			id = int32(len(tz.text))
			tz.ids[h] = id
			tz.text = append(tz.text, w)
			return id
		}
		if slices.Equal(tz.text[id], w) {
			return id
		}
		h++ // a collision: probe the next key
	}
}

func (tz *tokenizer) tokens(src []rune, lo, hi int) []token {
	out := make([]token, 0, (hi-lo)/3+1)
	for i := lo; i < hi; {
		j := i + 1
		kind := tokPunct
		switch r := src[i]; {
		case isWordRune(r):
			kind = tokWord
			for j < hi && isWordRune(src[j]) {
				j++
			}
		case unicode.IsSpace(r):
			kind = tokSpace
			for j < hi && unicode.IsSpace(src[j]) {
				j++
			}
		}
		out = append(out, token{start: int32(i), end: int32(j), id: tz.intern(src[i:j]), kind: kind})
		i = j
	}
	return out
}

// computeDiff aligns old and new.
func computeDiff(old, nw []rune) *diffResult {
	d := &diffResult{oldN: len(old), newN: len(nw)}
	// Trim the common prefix and suffix, backed off to a line break so that
	// an edit next to them can still slide to a sentence boundary.
	pre := commonPrefix(old, nw)
	if pre < len(old) || pre < len(nw) {
		for pre > 0 && old[pre-1] != '\n' {
			pre--
		}
	}
	suf := commonSuffix(old[pre:], nw[pre:])
	if suf < len(old)-pre || suf < len(nw)-pre {
		for suf > 0 && old[len(old)-suf] != '\n' {
			suf--
		}
	}
	var blocks []block
	if pre > 0 {
		blocks = append(blocks, block{0, 0, pre})
	}
	oHi, nHi := len(old)-suf, len(nw)-suf
	if pre < oHi && pre < nHi {
		// Paragraphs first: identical paragraphs anchor the alignment, and
		// words are only aligned within each changed group of paragraphs,
		// never across an unchanged one.
		tz := &tokenizer{ids: make(map[uint64]int32)}
		ua, ub := tz.lines(old, pre, oHi), tz.lines(nw, pre, nHi)
		ud := newTokenDiff(ua, ub, len(tz.text))
		ud.rec(0, len(ua), 0, len(ub))
		at := func(u []token, i, end int) int {
			if i < len(u) {
				return int(u[i].start)
			}
			return end
		}
		for _, o := range ud.ops() {
			oLo, oTo := at(ua, o.a0, oHi), at(ua, o.a1, oHi)
			nLo, nTo := at(ub, o.b0, nHi), at(ub, o.b1, nHi)
			if o.equal {
				blocks = append(blocks, block{oLo, nLo, oTo - oLo})
				continue
			}
			if oLo < oTo && nLo < nTo {
				blocks = diffWords(blocks, old, nw, oLo, oTo, nLo, nTo)
			}
		}
	}
	if suf > 0 {
		blocks = append(blocks, block{oHi, nHi, suf})
	}
	d.blocks = mergeBlocks(blocks, len(old), len(nw))
	return d
}

// diffWords aligns old[oLo:oHi] with new[nLo:nHi] word by word and
// appends the equal blocks.
func diffWords(blocks []block, old, nw []rune, oLo, oHi, nLo, nHi int) []block {
	tz := &tokenizer{ids: make(map[uint64]int32)}
	ta := tz.tokens(old, oLo, oHi)
	tb := tz.tokens(nw, nLo, nHi)
	td := newTokenDiff(ta, tb, len(tz.text))
	td.rec(0, len(ta), 0, len(tb))
	ops := td.ops()
	ops = slide(ops, ta, tb, old, nw)
	ops = cleanup(ops, ta, tb)
	return appendBlocks(blocks, ops, ta, tb, old, nw)
}

// lines splits src[lo:hi] into lines, each with the line breaks (and
// other whitespace) that follow it, so that a canonical text's paragraphs
// are single tokens.
func (tz *tokenizer) lines(src []rune, lo, hi int) []token {
	var out []token
	for i := lo; i < hi; {
		j := i
		for j < hi && src[j] != '\n' {
			j++
		}
		for j < hi && unicode.IsSpace(src[j]) {
			j++
		}
		out = append(out, token{start: int32(i), end: int32(j), id: tz.intern(src[i:j])})
		i = j
	}
	return out
}

func newTokenDiff(a, b []token, ids int) *tokenDiff {
	return &tokenDiff{a: a, b: b, countA: make([]int32, ids), countB: make([]int32, ids),
		posA: make([]int32, ids), posB: make([]int32, ids)}
}

// tokenDiff finds equal token runs between a and b.
type tokenDiff struct {
	a, b           []token
	countA, countB []int32 // scratch, indexed by token id; zero between uses
	posA, posB     []int32
	runs           []block // in token indices: a[o:o+l] == b[n:n+l]
}

func (td *tokenDiff) eq(i, j int) bool { return td.a[i].id == td.b[j].id }

func (td *tokenDiff) rec(alo, ahi, blo, bhi int) {
	for alo < ahi && blo < bhi && td.eq(alo, blo) {
		td.emit(alo, blo, 1)
		alo++
		blo++
	}
	var tail int
	for ahi > alo && bhi > blo && td.eq(ahi-1, bhi-1) {
		ahi--
		bhi--
		tail++
	}
	defer func() {
		if tail > 0 {
			td.emit(ahi, bhi, tail)
		}
	}()
	n, m := ahi-alo, bhi-blo
	if n == 0 || m == 0 {
		return
	}
	if n*m <= smallSegment {
		td.lcs(alo, ahi, blo, bhi)
		return
	}
	anchors := td.uniqueAnchors(alo, ahi, blo, bhi)
	if len(anchors) == 0 {
		td.myers(alo, ahi, blo, bhi, min(maxMyersD, maxMyersCost/(n+m)))
		return
	}
	pa, pb := alo, blo
	for _, an := range anchors {
		td.rec(pa, int(an[0]), pb, int(an[1]))
		td.emit(int(an[0]), int(an[1]), 1)
		pa, pb = int(an[0])+1, int(an[1])+1
	}
	td.rec(pa, ahi, pb, bhi)
}

func (td *tokenDiff) emit(o, n, l int) {
	if k := len(td.runs) - 1; k >= 0 {
		if r := &td.runs[k]; r.o+r.l == o && r.n+r.l == n {
			r.l += l
			return
		}
	}
	td.runs = append(td.runs, block{o, n, l})
}

// uniqueAnchors returns the pairs (i, j) of tokens that occur exactly once
// in a[alo:ahi] and in b[blo:bhi], reduced to their longest increasing
// subsequence, in order.
func (td *tokenDiff) uniqueAnchors(alo, ahi, blo, bhi int) [][2]int32 {
	for i := alo; i < ahi; i++ {
		id := td.a[i].id
		td.countA[id]++
		td.posA[id] = int32(i)
	}
	for j := blo; j < bhi; j++ {
		id := td.b[j].id
		td.countB[id]++
		td.posB[id] = int32(j)
	}
	var pairs [][2]int32
	for i := alo; i < ahi; i++ {
		id := td.a[i].id
		if td.countA[id] == 1 && td.countB[id] == 1 {
			pairs = append(pairs, [2]int32{int32(i), td.posB[id]})
		}
	}
	for i := alo; i < ahi; i++ {
		td.countA[td.a[i].id] = 0
	}
	for j := blo; j < bhi; j++ {
		td.countB[td.b[j].id] = 0
	}
	return lis(pairs)
}

// lis returns the longest subsequence of pairs (sorted by [0]) whose [1]
// increases (patience sorting, O(k log k)).
func lis(pairs [][2]int32) [][2]int32 {
	if len(pairs) == 0 {
		return nil
	}
	tails := []int{} // tails[l]: index of the smallest tail of an increasing run of length l+1
	prev := make([]int, len(pairs))
	for i, p := range pairs {
		l := sort.Search(len(tails), func(k int) bool { return pairs[tails[k]][1] >= p[1] })
		if l > 0 {
			prev[i] = tails[l-1]
		} else {
			prev[i] = -1
		}
		if l == len(tails) {
			tails = append(tails, i)
		} else {
			tails[l] = i
		}
	}
	out := make([][2]int32, len(tails))
	for i, k := len(tails)-1, tails[len(tails)-1]; i >= 0; i, k = i-1, prev[k] {
		out[i] = pairs[k]
	}
	return out
}

// lcs aligns a[alo:ahi] and b[blo:bhi] with a longest-common-subsequence
// table (n·m cells, n·m <= smallSegment).
func (td *tokenDiff) lcs(alo, ahi, blo, bhi int) {
	n, m := ahi-alo, bhi-blo
	w := m + 1
	t := make([]uint16, (n+1)*w) // t[i*w+j]: LCS of a[alo+i:ahi] and b[blo+j:bhi]
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			switch {
			case td.eq(alo+i, blo+j):
				t[i*w+j] = t[(i+1)*w+j+1] + 1
			case t[(i+1)*w+j] >= t[i*w+j+1]:
				t[i*w+j] = t[(i+1)*w+j]
			default:
				t[i*w+j] = t[i*w+j+1]
			}
		}
	}
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case td.eq(alo+i, blo+j):
			td.emit(alo+i, blo+j, 1)
			i++
			j++
		case t[(i+1)*w+j] >= t[i*w+j+1]:
			i++
		default:
			j++
		}
	}
}

// myers diffs a[alo:ahi] against b[blo:bhi] (no common prefix or suffix)
// with at most maxD edits; beyond that the stretch counts as replaced.
func (td *tokenDiff) myers(alo, ahi, blo, bhi, maxD int) {
	n, m := ahi-alo, bhi-blo
	if maxD > n+m {
		maxD = n + m
	}
	off := m + 1
	v := make([]int32, n+m+3) // v[k+off]: furthest x on diagonal k = x-y
	var trace [][]int32       // trace[d]: copy of v after step d, for k in [-d, d]
	found := -1
	kLo, kHi := 0, 0 // the diagonals valid after the previous step
	for d := 0; d <= maxD && found < 0; d++ {
		lo, hi := max(-d, -m), min(d, n)
		if (lo+d)%2 != 0 {
			lo++
		}
		for k := lo; k <= hi; k += 2 {
			var x int
			switch {
			case d == 0:
				x = 0
			case k-1 < kLo || (k+1 <= kHi && v[k-1+off] < v[k+1+off]):
				x = int(v[k+1+off]) // down: insertion from b
			default:
				x = int(v[k-1+off]) + 1 // right: deletion from a
			}
			y := x - k
			for x < n && y < m && td.eq(alo+x, blo+y) {
				x++
				y++
			}
			v[k+off] = int32(x)
			if x >= n && y >= m {
				found = d
			}
		}
		snap := make([]int32, hi-lo+1)
		copy(snap, v[lo+off:hi+off+1])
		trace = append(trace, snap)
		kLo, kHi = lo, hi
	}
	if found < 0 {
		return // replaced as a whole
	}
	// Walk back through the trace.
	get := func(d, k int) int {
		lo := max(-d, -m)
		if (lo+d)%2 != 0 {
			lo++
		}
		return int(trace[d][k-lo])
	}
	bounds := func(d int) (int, int) {
		lo, hi := max(-d, -m), min(d, n)
		if (lo+d)%2 != 0 {
			lo++
		}
		return lo, hi
	}
	var runs []block
	x, y := n, m
	for d := found; d > 0; d-- {
		k := x - y
		plo, phi := bounds(d - 1)
		var pk int
		if k-1 < plo || (k+1 <= phi && get(d-1, k-1) < get(d-1, k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := get(d-1, pk)
		py := px - pk
		sx, sy := px, py+1 // after the edit
		if pk == k-1 {
			sx, sy = px+1, py
		}
		if x > sx {
			runs = append(runs, block{alo + sx, blo + sy, x - sx})
		}
		x, y = px, py
	}
	if x > 0 {
		runs = append(runs, block{alo, blo, x})
	}
	for i := len(runs) - 1; i >= 0; i-- {
		td.emit(runs[i].o, runs[i].n, runs[i].l)
	}
}

// op is a stretch of the token alignment: equal (a[a0:a1] == b[b0:b1]) or
// changed (a[a0:a1] replaced by b[b0:b1], either side possibly empty).
type op struct {
	equal          bool
	a0, a1, b0, b1 int
}

func (td *tokenDiff) ops() []op {
	var ops []op
	pa, pb := 0, 0
	for _, r := range td.runs {
		if r.o > pa || r.n > pb {
			ops = append(ops, op{false, pa, r.o, pb, r.n})
		}
		ops = append(ops, op{true, r.o, r.o + r.l, r.n, r.n + r.l})
		pa, pb = r.o+r.l, r.n+r.l
	}
	if pa < len(td.a) || pb < len(td.b) {
		ops = append(ops, op{false, pa, len(td.a), pb, len(td.b)})
	}
	return ops
}

// boundaryScore rates a cut before toks[i] as a place for an edit to start
// or end: paragraph break 4, sentence 3, word 1.
func boundaryScore(toks []token, src []rune, i int) int {
	if i <= 0 || i >= len(toks) {
		return 4
	}
	prev := toks[i-1]
	if prev.kind != tokSpace {
		return 0
	}
	for _, r := range src[prev.start:prev.end] {
		if r == '\n' || r == '\u2029' {
			return 4
		}
	}
	if i >= 2 {
		p2 := src[toks[i-2].end-1]
		switch p2 {
		case '.', '!', '?', '"', '\u201d', '\u2019', ')', ':', ';':
			return 3
		}
	}
	return 1
}

// slide moves each pure insertion or deletion, between two equal stretches,
// to the position where it best starts and ends on boundaries.
func slide(ops []op, ta, tb []token, old, nw []rune) []op {
	for i := 1; i+1 < len(ops); i++ {
		c, l, r := ops[i], &ops[i-1], &ops[i+1]
		if c.equal || !l.equal || !r.equal {
			continue
		}
		var toks []token
		var src []rune
		var s0, s1 int // the changed side
		del := c.b0 == c.b1
		ins := c.a0 == c.a1
		switch {
		case del && !ins:
			toks, src, s0, s1 = ta, old, c.a0, c.a1
		case ins && !del:
			toks, src, s0, s1 = tb, nw, c.b0, c.b1
		default:
			continue
		}
		leftRoom := l.a1 - l.a0
		rightRoom := r.a1 - r.a0
		best, bestScore := 0, boundaryScore(toks, src, s0)+boundaryScore(toks, src, s1)
		for sh := -1; -sh <= leftRoom && toks[s0+sh].id == toks[s1+sh].id; sh-- {
			if sc := boundaryScore(toks, src, s0+sh) + boundaryScore(toks, src, s1+sh); sc > bestScore {
				best, bestScore = sh, sc
			}
		}
		for sh := 1; sh <= rightRoom && toks[s0+sh-1].id == toks[s1+sh-1].id; sh++ {
			if sc := boundaryScore(toks, src, s0+sh) + boundaryScore(toks, src, s1+sh); sc > bestScore {
				best, bestScore = sh, sc
			}
		}
		if best == 0 {
			continue
		}
		l.a1 += best
		l.b1 += best
		r.a0 += best
		r.b0 += best
		ops[i].a0 += best
		ops[i].a1 += best
		ops[i].b0 += best
		ops[i].b1 += best
		if del {
			ops[i].a1, ops[i].b1 = ops[i].a0+(c.a1-c.a0), ops[i].b0
		} else {
			ops[i].b1, ops[i].a1 = ops[i].b0+(c.b1-c.b0), ops[i].a0
		}
	}
	// Drop equal stretches emptied by sliding and merge neighbours.
	out := ops[:0]
	for _, o := range ops {
		if o.a0 == o.a1 && o.b0 == o.b1 {
			continue
		}
		if k := len(out) - 1; k >= 0 && out[k].equal == o.equal {
			out[k].a1, out[k].b1 = o.a1, o.b1
			continue
		}
		out = append(out, o)
	}
	return out
}

func runeLen(toks []token, i, j int) int {
	if i >= j {
		return 0
	}
	return int(toks[j-1].end - toks[i].start)
}

// cleanup folds an equality of at most one word into the changes around
// it when it is no longer than the larger side of each (the
// diff-match-patch semantic cleanup rule, restricted to equalities that
// carry almost no information: " ", "the", ", ").
func cleanup(ops []op, ta, tb []token) []op {
	changed := true
	for changed {
		changed = false
		for i := 1; i+1 < len(ops); i++ {
			e, l, r := ops[i], ops[i-1], ops[i+1]
			if !e.equal || l.equal || r.equal {
				continue
			}
			el := runeLen(ta, e.a0, e.a1)
			if el > maxCleanupRunes || wordCount(ta, e.a0, e.a1) > 1 {
				continue
			}
			ll := max(runeLen(ta, l.a0, l.a1), runeLen(tb, l.b0, l.b1))
			rl := max(runeLen(ta, r.a0, r.a1), runeLen(tb, r.b0, r.b1))
			if el <= ll && el <= rl {
				merged := op{false, l.a0, r.a1, l.b0, r.b1}
				ops = append(ops[:i-1], append([]op{merged}, ops[i+2:]...)...)
				changed = true
				i--
			}
		}
	}
	return ops
}

func wordCount(toks []token, i, j int) int {
	n := 0
	for _, t := range toks[i:j] {
		if t.kind == tokWord {
			n++
		}
	}
	return n
}

// appendBlocks converts token ops to rune blocks, refining one-word
// substitutions to single code points.
func appendBlocks(blocks []block, ops []op, ta, tb []token, old, nw []rune) []block {
	for _, o := range ops {
		if o.equal {
			if o.a1 > o.a0 {
				blocks = append(blocks, block{int(ta[o.a0].start), int(tb[o.b0].start), runeLen(ta, o.a0, o.a1)})
			}
			continue
		}
		if o.a1-o.a0 == 1 && o.b1-o.b0 == 1 && ta[o.a0].kind == tokWord && tb[o.b0].kind == tokWord {
			x, y := ta[o.a0], tb[o.b0]
			blocks = append(blocks, charBlocks(old[x.start:x.end], nw[y.start:y.end], int(x.start), int(y.start))...)
		}
	}
	return blocks
}

// charBlocks diffs two words code point by code point. Only similar
// words are refined (half their code points in common, Dice ≥ 0.5):
// "Smith" → "Smyth" keeps "Sm" and "th", but "Officials" → "Traders" is a
// different word, and the "a" and "s" they share would count as the
// claim's context kept.
func charBlocks(a, b []rune, ao, bo int) []block {
	if len(a) > 64 || len(b) > 64 {
		return nil
	}
	toks := func(s []rune, base int) []token {
		t := make([]token, len(s))
		for i, r := range s {
			t[i] = token{start: int32(base + i), end: int32(base + i + 1), id: r}
		}
		return t
	}
	td := &tokenDiff{a: toks(a, 0), b: toks(b, 0)}
	td.lcs(0, len(a), 0, len(b))
	common := 0
	for _, r := range td.runs {
		common += r.l
	}
	if 4*common < len(a)+len(b) {
		return nil
	}
	out := make([]block, 0, len(td.runs))
	for _, r := range td.runs {
		out = append(out, block{ao + r.o, bo + r.n, r.l})
	}
	return out
}

// mergeBlocks drops empty blocks, joins touching ones and adds the
// zero-length sentinels at both ends.
func mergeBlocks(bs []block, oldN, newN int) []block {
	out := make([]block, 0, len(bs)+2)
	out = append(out, block{0, 0, 0})
	for _, b := range bs {
		if b.l == 0 {
			continue
		}
		if p := &out[len(out)-1]; p.l > 0 && p.o+p.l == b.o && p.n+p.l == b.n {
			p.l += b.l
			continue
		}
		out = append(out, b)
	}
	return append(out, block{oldN, newN, 0})
}

// blockBefore returns the index of the last block with o <= p (strict: o < p).
func (d *diffResult) blockBefore(p int, strict bool) int {
	i := sort.Search(len(d.blocks), func(i int) bool {
		if strict {
			return d.blocks[i].o >= p
		}
		return d.blocks[i].o > p
	})
	return max(i-1, 0)
}

// mapStart maps an old start offset to the new text. Text inserted exactly
// at p is not included (right affinity); if p lies in replaced text, the
// start goes to the start of the replacement, or proportionally inside it.
func (d *diffResult) mapStart(p int) int {
	i := d.blockBefore(p, false)
	b := d.blocks[i]
	if p < b.o+b.l {
		return b.n + p - b.o
	}
	return d.mapGap(i, p)
}

// mapEnd maps an old end offset with left affinity.
func (d *diffResult) mapEnd(p int) int {
	i := d.blockBefore(p, true)
	b := d.blocks[i]
	if p <= b.o+b.l {
		return b.n + p - b.o
	}
	return d.mapGap(i, p)
}

// mapGap maps p, which lies in the changed stretch after block i.
func (d *diffResult) mapGap(i, p int) int {
	b := d.blocks[i]
	a1, b1 := b.o+b.l, b.n+b.l
	a2, b2 := d.oldN, d.newN
	if i+1 < len(d.blocks) {
		a2, b2 = d.blocks[i+1].o, d.blocks[i+1].n
	}
	if a2 <= a1 || p <= a1 {
		return b1
	}
	if p >= a2 {
		return b2
	}
	return b1 + (p-a1)*(b2-b1)/(a2-a1)
}

// gapAt reports whether an old start (or end) offset p falls in changed
// text, and if so the new stretch [b1, b2) that replaced it.
func (d *diffResult) gapAt(p int, end bool) (b1, b2 int, ok bool) {
	i := d.blockBefore(p, end)
	b := d.blocks[i]
	if p < b.o+b.l || (end && p == b.o+b.l) {
		return 0, 0, false
	}
	b1, b2 = b.n+b.l, d.newN
	if i+1 < len(d.blocks) {
		b2 = d.blocks[i+1].n
	}
	return b1, b2, true
}

// survival is the share of old[s:e] that is unchanged text in the new one.
func (d *diffResult) survival(s, e int) float64 {
	if e <= s {
		return 0
	}
	_, kept := d.keptWhere(s, e, 0, 0)
	return float64(kept) / float64(e-s)
}

// keptWhere counts the runes of old[s:e] that are unchanged text in the
// new one (all), and those of them that are in new[lo:hi] (in).
func (d *diffResult) keptWhere(s, e, lo, hi int) (in, all int) {
	for i := d.blockBefore(s, false); i < len(d.blocks) && d.blocks[i].o < e; i++ {
		b := d.blocks[i]
		x, y := max(s, b.o), min(e, b.o+b.l)
		if y <= x {
			continue
		}
		all += y - x
		nx, ny := b.n+x-b.o, b.n+y-b.o
		in += max(0, min(ny, hi)-max(nx, lo))
	}
	return in, all
}

// origin says where new[s:e] came from: how many of its runes are unchanged
// text from old[cs:ce] (own) and how many are unchanged text from elsewhere
// in the old text (foreign). The rest was inserted by this revision.
func (d *diffResult) origin(s, e, cs, ce int) (own, foreign int) {
	i := sort.Search(len(d.blocks), func(i int) bool { return d.blocks[i].n+d.blocks[i].l > s })
	for ; i < len(d.blocks) && d.blocks[i].n < e; i++ {
		b := d.blocks[i]
		x, y := max(s, b.n), min(e, b.n+b.l)
		if y <= x {
			continue
		}
		ox, oy := b.o+x-b.n, b.o+y-b.n
		in := max(0, min(oy, ce)-max(ox, cs))
		own += in
		foreign += (oy - ox) - in
	}
	return own, foreign
}

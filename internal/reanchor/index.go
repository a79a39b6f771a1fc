package reanchor

import (
	"slices"
)

// gramIndex lists, for every gramLen-rune substring of the folded new text,
// where it occurs. It is built once per Reanchor call (O(n), two passes, a
// counting sort into buckets; no maps), and only if some claim needs a
// search.
type gramIndex struct {
	text  []rune
	shift uint
	start []int32 // start[b]..start[b+1]: positions in bucket b, ascending
	pos   []int32
}

const (
	// gramLen is the n-gram length used to find candidates: long enough to
	// be selective in English text, short enough that a quote with an
	// error every few words still shares many grams with its new version.
	gramLen = 4
	// maxQueryGrams caps the grams taken from one quote (evenly spaced).
	maxQueryGrams = 48
	// maxPostings skips grams more frequent than this (" the"): they
	// carry little information and would make voting quadratic.
	maxPostings = 48
	// maxWindows caps the approximate-match windows searched per claim.
	maxWindows = 6
)

func gramHash(r []rune) uint64 {
	h := uint64(14695981039346656037)
	for _, x := range r[:gramLen] {
		h ^= uint64(x)
		h *= 1099511628211
	}
	return h ^ h>>29
}

func newGramIndex(text []rune) *gramIndex {
	n := len(text) - gramLen + 1
	bits := uint(4)
	for 1<<bits < max(n, 1) {
		bits++
	}
	ix := &gramIndex{text: text, shift: 64 - bits, start: make([]int32, (1<<bits)+1)}
	if n <= 0 {
		return ix
	}
	bucket := make([]int32, n)
	for i := range n {
		b := int32(gramHash(text[i:]) >> ix.shift)
		bucket[i] = b
		ix.start[b+1]++
	}
	for b := 1; b < len(ix.start); b++ {
		ix.start[b] += ix.start[b-1]
	}
	ix.pos = make([]int32, n)
	fill := slices.Clone(ix.start[:len(ix.start)-1])
	for i, b := range bucket {
		ix.pos[fill[b]] = int32(i)
		fill[b]++
	}
	return ix
}

// postings returns the positions of the bucket of g (which may hold other
// grams with the same hash bucket; callers verify).
func (ix *gramIndex) postings(g []rune) []int32 {
	if len(ix.pos) == 0 {
		return nil
	}
	b := gramHash(g) >> ix.shift
	return ix.pos[ix.start[b]:ix.start[b+1]]
}

func (ix *gramIndex) gramAt(p int, g []rune) bool {
	if p+gramLen > len(ix.text) {
		return false
	}
	t := ix.text[p : p+gramLen : p+gramLen]
	return t[0] == g[0] && t[1] == g[1] && t[2] == g[2] && t[3] == g[3]
}

// exact returns every occurrence of q (len(q) >= gramLen) in the text,
// found through q's rarest gram.
func (ix *gramIndex) exact(q []rune) []int {
	best, bestN := -1, 0
	for i := 0; i+gramLen <= len(q); i++ {
		if n := len(ix.postings(q[i:])); best < 0 || n < bestN {
			best, bestN = i, n
		}
	}
	var out []int
	for _, p := range ix.postings(q[best:]) {
		s := int(p) - best
		if s >= 0 && s+len(q) <= len(ix.text) && slices.Equal(ix.text[s:s+len(q)], q) {
			out = append(out, s)
		}
	}
	return out
}

// windows votes with q's grams for the diagonals (text position minus
// quote position) where q may start, and returns the predicted starts of
// the best-supported clusters, at most maxWindows, best first.
func (ix *gramIndex) windows(q []rune, k int) []int {
	ng := len(q) - gramLen + 1
	if ng <= 0 {
		return nil
	}
	step := max(1, ng/maxQueryGrams)
	var diags []int
	used := 0
	for i := 0; i < ng; i += step {
		ps := ix.postings(q[i:])
		if len(ps) > maxPostings {
			continue
		}
		used++
		for _, p := range ps {
			if ix.gramAt(int(p), q[i:]) {
				diags = append(diags, int(p)-i)
			}
		}
	}
	if len(diags) == 0 {
		return nil
	}
	slices.Sort(diags)
	span := max(8, k/2)
	minVotes := max(2, used/8)
	type cluster struct{ votes, center int }
	var cs []cluster
	for i := 0; i < len(diags); {
		j := i
		for j < len(diags) && diags[j]-diags[i] <= span {
			j++
		}
		if j-i >= minVotes {
			cs = append(cs, cluster{j - i, diags[(i+j)/2]})
		}
		i = j
	}
	slices.SortStableFunc(cs, func(a, b cluster) int { return b.votes - a.votes })
	out := make([]int, 0, min(len(cs), maxWindows))
	for _, c := range cs[:min(len(cs), maxWindows)] {
		out = append(out, c.center)
	}
	return out
}

package anchor

import (
	"sort"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// A boundaryWalker answers "is code point offset p a grapheme-cluster
// boundary?" (UAX #29 extended grapheme clusters, as rivo/uniseg implements
// them). Boundaries depend on what comes before (emoji ZWJ sequences,
// regional-indicator pairs), so the walker segments forward from a point
// known to be a boundary. Queries in ascending order cost O(n) in total.
type boundaryWalker struct {
	t      *Text
	valid  bool
	prevCP int // the boundary before cp (equal to cp right after a restart)
	cp     int // a boundary the walker has reached
	b      int // byte offset of cp
	state  int // uniseg state at cp
}

func newBoundaryWalker(t *Text) *boundaryWalker { return &boundaryWalker{t: t} }

// isBoundary reports whether a cluster boundary falls at offset p.
func (t *Text) isBoundary(p int) bool { return newBoundaryWalker(t).at(p) }

// at reports whether p (0 <= p <= Len) is a cluster boundary. When it is
// not, w.prevCP and w.cp are the boundaries either side of p.
func (w *boundaryWalker) at(p int) bool {
	t := w.t
	if p <= 0 || p >= t.n {
		return true
	}
	if w.valid && w.prevCP < p && p <= w.cp {
		return p == w.cp
	}
	if safeBreak(t.runeAt(p-1), t.runeAt(p)) {
		return true
	}
	// Find the nearest point at or before p that is certainly a boundary:
	// the walker's own position, a paragraph start (a break always follows
	// "\n") or a pair of runes that always breaks.
	lo := t.paragraphStart(p)
	if w.valid && w.cp <= p && w.cp > lo {
		lo = w.cp
	}
	q := p - 1
	for q > lo && !safeBreak(t.runeAt(q-1), t.runeAt(q)) {
		q--
	}
	if !w.valid || w.cp > p || q > w.cp {
		w.valid, w.prevCP, w.cp, w.b, w.state = true, q, q, t.byteAt(q), -1
	}
	target := t.byteAt(p)
	for w.b < target {
		c, _, _, st := uniseg.FirstGraphemeClusterInString(t.s[w.b:], w.state)
		w.prevCP = w.cp
		w.cp += utf8.RuneCountInString(c)
		w.b += len(c)
		w.state = st
	}
	return w.b == target
}

// safeBreak reports whether UAX #29 always breaks between runes a and b,
// whatever precedes a: after a control or LF (GB4, except CR LF), and
// between two runes below U+0300, none of which extends, prepends, joins or
// pairs.
func safeBreak(a, b rune) bool {
	if a == '\r' {
		return false
	}
	return unicode.IsControl(a) || (a < 0x300 && b < 0x300)
}

// paragraphStart returns the start of the paragraph holding offset p, or 0.
// Every paragraph but the first follows "\n", so a cluster boundary is there.
func (t *Text) paragraphStart(p int) int {
	i := sort.Search(len(t.paras), func(i int) bool { return t.paras[i].start > p })
	if i == 0 {
		return 0
	}
	return t.paras[i-1].start
}

package anchor

import (
	"unicode"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Messages shared by FromUTF16 and Check.
const (
	msgSplitStart = "The selection starts in the middle of a character (between a letter and its accent, or inside an emoji). Select whole characters."
	msgSplitEnd   = "The selection ends in the middle of a character (between a letter and its accent, or inside an emoji). Select whole characters."
)

// Check validates a span: 0 <= start < end <= Len, neither end inside a
// grapheme cluster (a letter and its combining marks, an emoji ZWJ sequence,
// an emoji with a skin-tone modifier or variation selector, a flag's pair of
// regional indicators, CR LF), and not whitespace only. Errors are
// models.ValidationError with the fields "start", "end" or "quote".
func (t *Text) Check(start, end int) error {
	v := models.ValidationError{}
	if start < 0 || start > t.n {
		v.Add("start", "The selection starts outside the article.")
	}
	if end < 0 || end > t.n {
		v.Add("end", "The selection ends outside the article.")
	}
	if len(v) > 0 {
		return v
	}
	if start >= end {
		return models.Invalid("end", "The selection is empty: select at least one character.")
	}
	w := newBoundaryWalker(t)
	if !w.at(start) {
		v.Add("start", msgSplitStart)
	}
	if !w.at(end) {
		v.Add("end", msgSplitEnd)
	}
	if len(v) > 0 {
		return v
	}
	if s, e := t.Trim(start, end); s == e {
		return models.Invalid("quote", "The selection is only spaces: select the words of the claim.")
	}
	return nil
}

// Trim shrinks [start, end) past Unicode whitespace at both ends. A span of
// whitespace only comes back empty, as (start, start). It does not move an end
// into a grapheme cluster: a space carrying a combining mark is kept.
// Offsets outside the text are clamped.
func (t *Text) Trim(start, end int) (int, int) {
	start, end = max(start, 0), min(end, t.n)
	if start >= end {
		return start, start
	}
	s, e := start, end
	for s < e && unicode.IsSpace(t.runeAt(s)) {
		s++
	}
	for e > s && unicode.IsSpace(t.runeAt(e-1)) {
		e--
	}
	if s == e {
		return start, start
	}
	for s > start && !t.isBoundary(s) {
		s--
	}
	for e < end && !t.isBoundary(e) {
		e++
	}
	return s, e
}

// Context returns up to models.ContextRunes code points either side of
// [start, end), fewer at the edges of the text or where the 32nd code point
// would split a grapheme cluster.
func (t *Text) Context(start, end int) (prefix, suffix string) {
	start, end = max(start, 0), min(end, t.n)
	return t.prefix(newBoundaryWalker(t), start), t.suffix(newBoundaryWalker(t), end)
}

// prefix is Context's prefix. Any walker gives the right answer; one that
// is reused for ascending offsets keeps the work linear.
func (t *Text) prefix(w *boundaryWalker, start int) string {
	from := max(start-models.ContextRunes, 0)
	if !w.at(from) {
		from = min(w.cp, start) // shrink to the next boundary
	}
	return t.Slice(from, start)
}

// suffix is Context's suffix; w as for prefix.
func (t *Text) suffix(w *boundaryWalker, end int) string {
	to := min(end+models.ContextRunes, t.n)
	if !w.at(to) {
		to = max(w.prevCP, end) // shrink to the previous boundary
	}
	return t.Slice(end, to)
}

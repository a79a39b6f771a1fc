// Package anchor maps between an article's canonical text and the spans that
// claims mark in it. It converts browser offsets (UTF-16) to code points,
// checks that a span is a sensible selection, finds a quote again, and splits
// the text into flat segments for rendering. It does no I/O.
//
// Every offset this package takes or returns counts Unicode code points of
// the canonical text, except where a name says UTF16.
package anchor

import (
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Text is an article's canonical text indexed for code-point and UTF-16
// access. Build it once per request: NewText is O(n). A Text is read-only
// after NewText and safe for concurrent use.
type Text struct {
	s      string
	n      int     // length in code points
	off    []int32 // byte offset of each code point, len n+1; nil when s is ASCII
	astral []int32 // code-point indices of runes outside the BMP (two UTF-16 units each)
	paras  []bounds

	foldOnce sync.Once
	fold     *foldedText // see folded
}

// bounds is a half-open range of code points.
type bounds struct{ start, end int }

// paragraphSep separates paragraphs in canonical text.
const paragraphSep = "\n\n"

// NewText indexes s. s should be valid UTF-8; each invalid byte counts as
// one code point. Texts over 2 GiB are not supported.
func NewText(s string) *Text {
	t := &Text{s: s}
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		t.n = len(s)
	} else {
		t.n = utf8.RuneCountInString(s)
		t.off = make([]int32, t.n+1)
		cp := 0
		for i, r := range s { // an invalid byte comes as one U+FFFD
			if r > 0xFFFF {
				t.astral = append(t.astral, int32(cp))
			}
			t.off[cp] = int32(i)
			cp++
		}
		t.off[t.n] = int32(len(s))
	}
	t.paras = t.splitParagraphs()
	return t
}

// splitParagraphs finds the paragraphs of t, leaving out empty ones.
func (t *Text) splitParagraphs() []bounds {
	var ps []bounds
	start := 0 // byte offset
	for start <= len(t.s) {
		i := indexFrom(t.s, paragraphSep, start)
		end := len(t.s)
		if i >= 0 {
			end = i
		}
		if end > start {
			ps = append(ps, bounds{t.cpAt(start), t.cpAt(end)})
		}
		if i < 0 {
			break
		}
		start = i + len(paragraphSep)
	}
	return ps
}

// Len is the length of the text in code points.
func (t *Text) Len() int { return t.n }

// Len16 is the length of the text in UTF-16 code units.
func (t *Text) Len16() int { return t.n + len(t.astral) }

// String returns the text.
func (t *Text) String() string { return t.s }

// Slice returns code points [start, end). It does not clamp: the caller
// validates the range (see Check), and a bad range panics.
func (t *Text) Slice(start, end int) string {
	return t.s[t.byteAt(start):t.byteAt(end)]
}

// UTF16 converts a code-point offset (0..Len) to a UTF-16 offset, as the
// browser counts.
func (t *Text) UTF16(cp int) int {
	return cp + t.astralBefore(cp)
}

// astralBefore counts the runes outside the BMP in code points [0, cp).
func (t *Text) astralBefore(cp int) int {
	return sort.Search(len(t.astral), func(i int) bool { return int(t.astral[i]) >= cp })
}

// byteAt converts a code-point offset to a byte offset.
func (t *Text) byteAt(cp int) int {
	if t.off == nil {
		return cp
	}
	return int(t.off[cp])
}

// cpAt converts a byte offset that starts a rune (or is len(s)) to a
// code-point offset.
func (t *Text) cpAt(b int) int {
	if t.off == nil {
		return b
	}
	return sort.Search(len(t.off), func(i int) bool { return int(t.off[i]) >= b })
}

// runeAt returns the code point at offset cp (0 <= cp < Len).
func (t *Text) runeAt(cp int) rune {
	if t.off == nil {
		return rune(t.s[cp])
	}
	r, _ := utf8.DecodeRuneInString(t.s[t.off[cp]:])
	return r
}

// indexFrom is strings.Index starting at byte from; it returns an absolute
// byte offset or -1.
func indexFrom(s, sub string, from int) int {
	if from > len(s) {
		return -1
	}
	i := strings.Index(s[from:], sub)
	if i < 0 {
		return -1
	}
	return from + i
}

// FromUTF16 converts a browser selection, in UTF-16 code units, to
// code points. It refuses offsets outside the text, an end before the start,
// and an offset that falls between the two halves of a surrogate pair.
// It does not check grapheme clusters: call Check on the result.
func (t *Text) FromUTF16(start16, end16 int) (start, end int, err error) {
	v := models.ValidationError{}
	n16 := t.Len16()
	if start16 < 0 || start16 > n16 {
		v.Add("start", "The selection starts outside the article.")
	}
	if end16 < 0 || end16 > n16 {
		v.Add("end", "The selection ends outside the article.")
	}
	if len(v) > 0 {
		return 0, 0, v
	}
	if start16 > end16 {
		return 0, 0, models.Invalid("end", "The selection ends before it starts.")
	}
	start, okStart := t.fromUTF16(start16)
	end, okEnd := t.fromUTF16(end16)
	if !okStart {
		v.Add("start", msgSplitStart)
	}
	if !okEnd {
		v.Add("end", msgSplitEnd)
	}
	if len(v) > 0 {
		return 0, 0, v
	}
	return start, end, nil
}

// fromUTF16 converts a UTF-16 offset (0..Len16) to a code-point offset;
// ok is false when x falls inside a surrogate pair.
func (t *Text) fromUTF16(x int) (cp int, ok bool) {
	if len(t.astral) == 0 {
		return x, true
	}
	// UTF16 is strictly increasing in cp: find the first cp reaching x.
	cp = sort.Search(t.n+1, func(c int) bool { return t.UTF16(c) >= x })
	return cp, t.UTF16(cp) == x
}

package reanchor

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Folding: candidates are found and scored on a folded copy of the text in
// which differences that do not change what a sentence says are erased, so a
// quote whose straight quotes became curly, whose "-" became "—", whose
// spaces were doubled or whose "é" was decomposed is still an exact match.
// Whether a claim is anchored (quote unchanged) is always decided on the
// original code points; folding only affects finding and scoring.
//
// The folded text keeps a map back to the original code points, because
// folding is not one-to-one: whitespace runs collapse to one rune, combining
// marks and invisible format characters disappear, "…" becomes "...".

// folded is a folded text with its map back to the original.
type folded struct {
	r    []rune  // folded runes
	orig []int32 // orig[i]: index in the original of the rune that produced r[i]
	// at[k]: index in r of the first folded rune produced at or after
	// original index k; len(at) = len(original)+1.
	at []int32
}

// foldRune says what one original rune becomes in folded text:
// kind is foldDrop, foldSpace, foldBreak or foldKeep (with the runes in out).
type foldKind uint8

const (
	foldKeep  foldKind = iota
	foldDrop           // invisible: combining mark, zero-width space, soft hyphen
	foldSpace          // horizontal whitespace; runs collapse to one ' '
	foldBreak          // line or paragraph break; runs collapse to one '\n'
)

// foldCache memoises the fold of non-ASCII runes for one Reanchor call.
type foldCache map[rune][]rune

func (c foldCache) fold(r rune) (foldKind, []rune) {
	if r < utf8.RuneSelf {
		switch {
		case r == '\n' || r == '\r' || r == '\v' || r == '\f':
			return foldBreak, nil
		case r == ' ' || r == '\t':
			return foldSpace, nil
		case 'A' <= r && r <= 'Z':
			return foldKeep, asciiLower[r-'A' : r-'A'+1]
		}
		return foldKeep, nil // the caller keeps r itself
	}
	switch r {
	case '\u2028', '\u2029', '\u0085':
		return foldBreak, nil
	case '\u200b', '\u200c', '\u2060', '\ufeff', '\u00ad':
		return foldDrop, nil
	case '\u2018', '\u2019', '\u201a', '\u201b', '\u2032', '\u02bc', '\u0060', '\u00b4':
		return foldKeep, apostrophe
	case '\u201c', '\u201d', '\u201e', '\u201f', '\u2033', '\u00ab', '\u00bb':
		return foldKeep, doubleQuote
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\ufe58', '\ufe63', '\uff0d':
		return foldKeep, hyphen
	case '\u2026':
		return foldKeep, ellipsis
	}
	if unicode.IsSpace(r) {
		return foldSpace, nil
	}
	if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) {
		return foldDrop, nil
	}
	if out, ok := c[r]; ok {
		return foldKeep, out
	}
	// Decompose (é → e + U+0301), drop the marks, lower-case the rest.
	var out []rune
	if d := norm.NFD.PropertiesString(string(r)).Decomposition(); d != nil {
		for _, x := range string(d) {
			if unicode.Is(unicode.Mn, x) || unicode.Is(unicode.Me, x) {
				continue
			}
			out = append(out, unicode.ToLower(x))
		}
	} else {
		out = []rune{unicode.ToLower(r)}
	}
	c[r] = out
	return foldKeep, out
}

var (
	asciiLower  = []rune("abcdefghijklmnopqrstuvwxyz")
	apostrophe  = []rune{'\''}
	doubleQuote = []rune{'"'}
	hyphen      = []rune{'-'}
	ellipsis    = []rune("...")
)

// fold folds src. Whitespace runs become one ' ', or one '\n' if the run
// holds a line break, so paragraph boundaries stay visible to the context
// comparison.
func (c foldCache) foldText(src []rune) folded {
	f := folded{
		r:    make([]rune, 0, len(src)),
		orig: make([]int32, 0, len(src)),
		at:   make([]int32, len(src)+1),
	}
	pendingWS := -1 // original index of the start of a pending whitespace run
	pendingBreak := false
	flush := func() {
		if pendingWS < 0 {
			return
		}
		ws := ' '
		if pendingBreak {
			ws = '\n'
		}
		f.r = append(f.r, ws)
		f.orig = append(f.orig, int32(pendingWS))
		pendingWS, pendingBreak = -1, false
	}
	for i, r := range src {
		kind, out := c.fold(r)
		switch kind {
		case foldSpace, foldBreak:
			if pendingWS < 0 {
				f.at[i] = int32(len(f.r))
				pendingWS = i
			} else {
				f.at[i] = int32(len(f.r) + 1)
			}
			if kind == foldBreak {
				pendingBreak = true
			}
			continue
		case foldDrop:
			if pendingWS >= 0 {
				f.at[i] = int32(len(f.r) + 1)
			} else {
				f.at[i] = int32(len(f.r))
			}
			continue
		}
		flush()
		f.at[i] = int32(len(f.r))
		if out == nil {
			f.r = append(f.r, r)
			f.orig = append(f.orig, int32(i))
			continue
		}
		for _, x := range out {
			f.r = append(f.r, x)
			f.orig = append(f.orig, int32(i))
		}
	}
	flush()
	f.at[len(src)] = int32(len(f.r))
	return f
}

// span maps the folded span [fs, fe) back to original code points.
func (f *folded) span(fs, fe int) (int, int) {
	if fe <= fs {
		p := len(f.at) - 1
		if fs < len(f.orig) {
			p = int(f.orig[fs])
		}
		return p, p
	}
	return int(f.orig[fs]), int(f.orig[fe-1]) + 1
}

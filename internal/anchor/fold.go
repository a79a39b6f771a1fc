package anchor

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Quotes that people type or paste rarely match an article character for
// character: a line break or a run of spaces where the article has one
// space, straight quotes for curly ones, a hyphen for a dash, three dots for
// an ellipsis, decomposed accents. When a quote is not in the text exactly,
// Locate looks for it again in both texts folded the same way:
//
//   - the quote is put in Unicode NFC (the canonical text already is);
//   - every run of whitespace (line breaks, tabs, no-break and other
//     Unicode spaces) is one space, and whitespace next to a dash is
//     dropped, so "2010 – 2012", "2010–2012" and "2010-2012" meet;
//   - ‘ ’ ‚ ‛ ′ ʼ ` ´ are ', and “ ” „ ‟ ″ « » are ";
//   - every dash and minus (‐ ‑ ‒ – — ― − ⁃), and runs of them ("--"), are -;
//   - … is "...";
//   - zero-width space, word joiner, BOM and soft hyphen are dropped.
//
// A match found this way must start and end on whole characters of the
// article (not inside the three dots of an ellipsis, nor inside a grapheme
// cluster), and the claim takes the article's own characters.

// foldedText is t folded, with where each folded byte came from.
type foldedText struct {
	s    string
	from []int32 // for each byte of s, the first code point of t it came from
	to   []int32 // for each byte of s, the code point of t just after its source
}

// folded returns t folded, building it on first use.
func (t *Text) folded() *foldedText {
	t.foldOnce.Do(func() { t.fold = foldText(t) })
	return t.fold
}

func foldText(t *Text) *foldedText {
	f := &foldedText{}
	var b strings.Builder
	b.Grow(len(t.s))
	f.from = make([]int32, 0, len(t.s))
	f.to = make([]int32, 0, len(t.s))
	emit := func(s string, from, to int) {
		b.WriteString(s)
		for range len(s) {
			f.from = append(f.from, int32(from))
			f.to = append(f.to, int32(to))
		}
	}
	foldRunes(t.s, emit)
	f.s = b.String()
	return f
}

// foldString folds a quote, prefix or suffix.
func foldString(s string) string {
	var b strings.Builder
	foldRunes(norm.NFC.String(s), func(x string, _, _ int) { b.WriteString(x) })
	return b.String()
}

// foldRunes walks s and emits its folded form unit by unit, with the
// code-point range [from, to) of s each unit stands for.
func foldRunes(s string, emit func(unit string, from, to int)) {
	cp := 0
	space, dash := -1, -1 // start of a pending run of whitespace or dashes
	afterDash := false
	flush := func(at int) {
		switch {
		case dash >= 0:
			emit("-", dash, at)
			afterDash = true
		case space >= 0 && !afterDash:
			emit(" ", space, at)
		}
		space, dash = -1, -1
	}
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r):
			if dash >= 0 {
				flush(cp)
			}
			if space < 0 {
				space = cp
			}
		case isDash(r):
			space = -1 // whitespace before a dash is dropped
			if dash < 0 {
				dash = cp
			}
		case r == '\u200B' || r == '\u2060' || r == '\uFEFF' || r == '\u00AD':
			// invisible
		default:
			flush(cp)
			afterDash = false
			var unit string
			switch {
			case strings.ContainsRune("‘’‚‛′ʼ`´", r):
				unit = "'"
			case strings.ContainsRune("“”„‟″«»", r):
				unit = `"`
			case r == '…':
				unit = "..."
			default:
				unit = string(r)
			}
			emit(unit, cp, cp+1)
		}
		cp++
	}
	flush(cp)
}

func isDash(r rune) bool {
	switch r {
	case '-', '‐', '‑', '‒', '–', '—', '―', '−', '⁃':
		return true
	}
	return false
}

// findFolded returns every occurrence of the folded quote q in the folded
// text that covers whole characters of t and starts and ends on grapheme
// boundaries, as spans of t.
func (t *Text) findFolded(q string) []bounds {
	q = foldString(q)
	if q == "" {
		return nil
	}
	f := t.folded()
	var found []bounds
	sw, ew := newBoundaryWalker(t), newBoundaryWalker(t)
	for from := 0; ; {
		i := indexFrom(f.s, q, from)
		if i < 0 {
			break
		}
		j := i + len(q)
		if (i == 0 || f.from[i-1] != f.from[i]) && (j == len(f.s) || f.from[j] != f.from[j-1]) {
			start, end := int(f.from[i]), int(f.to[j-1])
			if sw.at(start) && ew.at(end) && (len(found) == 0 || found[len(found)-1] != bounds{start, end}) {
				found = append(found, bounds{start, end})
			}
		}
		_, w := utf8.DecodeRuneInString(f.s[i:])
		from = i + w
	}
	return found
}

// foldedContextScore counts the non-space bytes that the folded end of
// prefix shares with the folded text before span s, and the folded start of
// suffix with the folded text after it.
func (t *Text) foldedContextScore(s bounds, prefix, suffix string) int {
	f := t.folded()
	// The span's first and last folded bytes.
	i := foldedIndex(f.from, s.start)
	j := foldedIndex(f.from, s.end)
	n := 0
	p := foldString(prefix)
	for k, m := i-1, len(p)-1; k >= 0 && m >= 0 && f.s[k] == p[m]; k, m = k-1, m-1 {
		if p[m] != ' ' {
			n++
		}
	}
	x := foldString(suffix)
	for k, m := j, 0; k < len(f.s) && m < len(x) && f.s[k] == x[m]; k, m = k+1, m+1 {
		if x[m] != ' ' {
			n++
		}
	}
	return n
}

// foldedIndex returns the first folded byte whose source starts at or after
// code point cp.
func foldedIndex(from []int32, cp int) int {
	lo, hi := 0, len(from)
	for lo < hi {
		mid := (lo + hi) / 2
		if int(from[mid]) < cp {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

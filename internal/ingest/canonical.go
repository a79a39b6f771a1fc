package ingest

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Canonical returns the canonical plain text that claims anchor to.
//
// The rules, in the order they are applied:
//
//   - Line breaks: CRLF, CR, VT, NEL (U+0085) and LINE SEPARATOR (U+2028)
//     become "\n"; FF and PARAGRAPH SEPARATOR (U+2029) become a paragraph
//     break.
//   - Spaces: tab and every Unicode space separator (category Zs: NBSP,
//     NARROW NBSP U+202F, EN/EM/THIN/HAIR spaces, IDEOGRAPHIC SPACE …) become
//     an ordinary space U+0020.
//   - Removed: control characters (Cc) other than "\n", and four invisible
//     characters that carry no meaning in stored text: ZERO WIDTH SPACE
//     U+200B, WORD JOINER U+2060, BOM/ZWNBSP U+FEFF and SOFT HYPHEN U+00AD.
//     Invalid UTF-8 becomes U+FFFD.
//   - Kept: ZERO WIDTH JOINER U+200D and ZERO WIDTH NON-JOINER U+200C (emoji
//     sequences, Indic and Arabic-script shaping), unless a run of them
//     touches a space, a line break or the start or end of the text, where
//     they cannot join anything. Bidi marks, variation selectors and emoji tag
//     characters are kept. Typography is kept: curly quotes, dashes, ellipses.
//   - Layout: each line has runs of spaces collapsed to one and is trimmed;
//     lines that are then empty separate paragraphs; paragraphs are separated
//     by exactly one blank line ("\n\n"); a single "\n" inside a paragraph is
//     a line break and is kept. There are no leading or trailing blank lines.
//   - Unicode NFC (canonical composition; not NFKC, so no compatibility
//     folding such as "ﬁ" → "fi").
//
// Canonical is idempotent: Canonical(Canonical(s)) == Canonical(s).
func Canonical(s string) string {
	runes := mapRunes(s)
	runes = dropDanglingJoiners(runes)
	return norm.NFC.String(layout(runes))
}

const (
	zwnj = '\u200C'
	zwj  = '\u200D'
)

// mapRunes applies the per-character rules: line and paragraph breaks become
// '\n', spaces become ' ', controls and invisible junk are dropped.
func mapRunes(s string) []rune {
	out := make([]rune, 0, len(s))
	prevCR := false
	for _, r := range s { // invalid UTF-8 decodes as U+FFFD and is kept as such
		if prevCR && r == '\n' {
			prevCR = false
			continue // the '\n' of a CRLF was written for the '\r'
		}
		prevCR = r == '\r'
		switch {
		case r == '\n', r == '\r', r == '\v', r == '\u0085', r == '\u2028':
			out = append(out, '\n')
		case r == '\f', r == '\u2029':
			out = append(out, '\n', '\n')
		case r == '\t', unicode.Is(unicode.Zs, r):
			out = append(out, ' ')
		case r == '\u200B', r == '\u2060', r == '\uFEFF', r == '\u00AD':
			// invisible junk
		case unicode.IsControl(r):
			// C0, DEL and C1 controls
		default:
			out = append(out, r)
		}
	}
	return out
}

// dropDanglingJoiners removes runs of ZWJ/ZWNJ that touch a space, a line
// break or either end of the text. A run between two other characters is
// kept whole, so an emoji ZWJ sequence survives unchanged.
func dropDanglingJoiners(rs []rune) []rune {
	isJoiner := func(r rune) bool { return r == zwj || r == zwnj }
	isGap := func(i int) bool { return i < 0 || i >= len(rs) || rs[i] == ' ' || rs[i] == '\n' }
	out := rs[:0:0]
	for i := 0; i < len(rs); {
		if !isJoiner(rs[i]) {
			out = append(out, rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && isJoiner(rs[j]) {
			j++
		}
		if !isGap(i-1) && !isGap(j) {
			out = append(out, rs[i:j]...)
		}
		i = j
	}
	return out
}

// layout collapses spaces, trims lines and joins them into paragraphs.
// Its input holds no whitespace other than ' ' and '\n'.
func layout(rs []rune) string {
	var b strings.Builder
	b.Grow(len(rs))
	pendingBreak := "" // separator owed before the next non-empty line
	for _, line := range strings.Split(string(rs), "\n") {
		line = strings.Join(strings.FieldsFunc(line, func(r rune) bool { return r == ' ' }), " ")
		if line == "" {
			if b.Len() > 0 {
				pendingBreak = "\n\n"
			}
			continue
		}
		b.WriteString(pendingBreak)
		b.WriteString(line)
		pendingBreak = "\n"
	}
	return b.String()
}

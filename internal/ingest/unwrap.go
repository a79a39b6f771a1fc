package ingest

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unwrap turns hard-wrapped plain text (lines broken at a fixed width by an
// editor, an e-mail client, a PDF or ODT export or OCR) into paragraphs:
// the lines of a paragraph are joined with spaces, hyphenation at line ends
// is undone, and a paragraph ends with exactly one blank line. Text that was
// not wrapped is returned with only its line endings normalised. The rules
// are in docs/text.md ("Hard-wrapped text"); the result is meant to be passed
// through Canonical.
func Unwrap(s string) string {
	s = lineEndings.Replace(s)
	lines := splitLines(s)
	width, wrapped := wrapWidth(lines)
	if !wrapped {
		return s
	}
	u := unwrapper{lines: lines, width: width, text: s}
	return u.run()
}

var lineEndings = strings.NewReplacer(
	"\r\n", "\n", "\r", "\n", "\v", "\n", "\u0085", "\n", "\u2028", "\n",
	"\f", "\n\n", "\u2029", "\n\n",
)

// line is one line of the input.
type line struct {
	text   string // trimmed of surrounding whitespace
	indent int    // leading whitespace, a tab counting as four
	width  int    // indent plus the runes of text
	first  int    // runes in the first word of text
	blank  bool
}

func splitLines(s string) []line {
	raw := strings.Split(s, "\n")
	lines := make([]line, len(raw))
	for i, r := range raw {
		indent := 0
		j := 0
	lead:
		for j < len(r) {
			switch r[j] {
			case ' ':
				indent++
			case '\t':
				indent += 4
			default:
				break lead
			}
			j++
		}
		text := strings.TrimFunc(r[j:], isLayoutSpace)
		l := line{text: text, indent: indent, blank: text == ""}
		if !l.blank {
			l.width = indent + utf8.RuneCountInString(text)
			l.first = utf8.RuneCountInString(firstWord(text))
		}
		lines[i] = l
	}
	return lines
}

func isLayoutSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u00A0' }

func firstWord(s string) string {
	if i := strings.IndexFunc(s, isLayoutSpace); i >= 0 {
		return s[:i]
	}
	return s
}

// wrapWidth estimates the width the text was wrapped at and reports whether
// it looks wrapped at all. The lines that can have been broken by wrapping
// are those followed by another line of the same block; the width is the
// 90th percentile of theirs. The text counts as wrapped when there are at
// least three such lines, the width is at least 30 characters, and at least
// 60% of those lines reach 70% of the width (a ragged right edge). Poems,
// lists, addresses and text whose paragraphs are single long lines fail the
// test and are left alone.
func wrapWidth(lines []line) (int, bool) {
	var widths []int
	for i := 0; i+1 < len(lines); i++ {
		if !lines[i].blank && !lines[i+1].blank {
			widths = append(widths, lines[i].width)
		}
	}
	if len(widths) < 3 {
		return 0, false
	}
	sorted := append([]int(nil), widths...)
	sort.Ints(sorted)
	w := sorted[len(sorted)*9/10]
	if w < 30 {
		return w, false
	}
	full := 0
	for _, x := range widths {
		if x*10 >= w*7 {
			full++
		}
	}
	return w, full*10 >= len(widths)*6
}

type unwrapper struct {
	lines []line
	width int
	text  string          // the whole input, to look hyphenated words up in
	words map[string]bool // lower-cased words of text, built on first use
}

func (u *unwrapper) run() string {
	var b strings.Builder
	b.Grow(len(u.text))
	inList := false // the current line belongs to a list item
	started := false
	for i, l := range u.lines {
		if l.blank {
			continue
		}
		if started {
			b.WriteString(u.separator(i-1, i, inList, &b))
		}
		started = true
		if isMarker(l.text) {
			inList = true
		} else if i > 0 && u.lines[i-1].blank {
			inList = false
		}
		b.WriteString(l.text)
	}
	return b.String()
}

// separator decides what goes between line prev (or the last line before a
// blank line) and line next, and may rewrite the end of b (hyphenation).
func (u *unwrapper) separator(prev, next int, inList bool, b *strings.Builder) string {
	for j := prev; j >= 0 && u.lines[j].blank; j-- {
		prev = j - 1
	}
	if prev < 0 {
		return "\n\n"
	}
	p, n := u.lines[prev], u.lines[next]
	if next-prev > 1 {
		// A blank line is a paragraph break, unless it falls inside a
		// sentence (a page break in a PDF export): the line before ends in a
		// letter or a comma and the line after starts in lower case.
		if last, _ := utf8.DecodeLastRuneInString(p.text); (unicode.IsLetter(last) || last == ',') &&
			(startsLower(n.text) && !isMarker(n.text) || u.dashContinues(p.text, n.text)) {
			return u.join(p.text, n.text, b)
		}
		return "\n\n"
	}
	full := p.width+1+n.first > u.width-max(4, u.width/10)
	ends := endsSentence(p.text)
	switch {
	case u.dashContinues(p.text, n.text):
		return " "
	case isMarker(n.text) && (!full || ends || inList):
		return "\n\n" // each list item is a paragraph, as in HTML and Markdown
	case n.indent >= p.indent+2 && !inList:
		return "\n\n" // an indented first line starts a paragraph
	case full, startsLower(n.text) && !ends && !isMarker(n.text):
		return u.join(p.text, n.text, b)
	case ends || u.opensParagraph(next):
		return "\n\n"
	default:
		return "\n" // a short line among short lines: an address, a list, verse
	}
}

// dashContinues reports whether n, which starts with a dash and a space,
// carries on the sentence of p rather than starting a list item: p ends in a
// comma or a letter, is not a list item itself, and the word after the dash
// is in lower case ("computer processing,\n- also known as").
func (u *unwrapper) dashContinues(p, n string) bool {
	r, size := utf8.DecodeRuneInString(n)
	if r != '-' && r != '–' && r != '—' || !strings.HasPrefix(n[size:], " ") || isMarker(p) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(p)
	return (unicode.IsLetter(last) || last == ',') && startsLower(strings.TrimLeft(n[size:], " "))
}

// opensParagraph reports whether line i starts a run of wrapped lines.
func (u *unwrapper) opensParagraph(i int) bool {
	return i+1 < len(u.lines) && !u.lines[i+1].blank && u.lines[i].width*10 >= u.width*7
}

// join returns the separator for joining two lines of one paragraph: a space,
// or nothing when p ends in a hyphen or dash that the line break split (in
// which case a hyphen that was only hyphenation is removed from b).
func (u *unwrapper) join(p, n string, b *strings.Builder) string {
	last, size := utf8.DecodeLastRuneInString(p)
	before, _ := utf8.DecodeLastRuneInString(p[:len(p)-size])
	next, _ := utf8.DecodeRuneInString(n)
	switch {
	case (last == '—' || last == '–') && unicode.IsLetter(before):
		return "" // "the plan—\nif it works" : an unspaced dash
	case (last == '-' || last == '\u2010') && unicode.IsLetter(before) && unicode.IsUpper(next):
		// "Anglo-\nSaxon", "anti-\nEU" are compounds; "properties-\nOn" is
		// a stray hyphen at the end of a sentence.
		if l := lastWord(p[:len(p)-size]); startsUpper(l) || compoundLeft[strings.ToLower(l)] || u.hasWord(l+"-"+firstWord(n)) {
			return ""
		}
		return " "
	case (last == '-' || last == '\u2010') && unicode.IsLetter(before) && unicode.IsLetter(next):
		if !u.keepHyphen(p[:len(p)-size], n) {
			s := b.String()
			b.Reset()
			b.WriteString(s[:len(s)-size])
		}
		return ""
	}
	return " "
}

// keepHyphen decides whether "left-\nright" is a hyphenated compound
// ("well-known") or a word broken for the line ("infor-\nmation"). The
// document's own words decide first; then capitals, numbers and common
// compound parts keep the hyphen; otherwise the hyphen is hyphenation.
func (u *unwrapper) keepHyphen(left, right string) bool {
	l := lastWord(left)
	r := strings.TrimRightFunc(firstWord(right), func(c rune) bool { return !unicode.IsLetter(c) })
	if l == "" || r == "" {
		return true
	}
	switch {
	case u.hasWord(l + "-" + r):
		return true
	case u.hasWord(l + r):
		return false
	}
	return compoundLeft[strings.ToLower(l)] || compoundRight[strings.ToLower(r)]
}

// hasWord reports whether w occurs in the document (ignoring case).
func (u *unwrapper) hasWord(w string) bool {
	if u.words == nil {
		u.words = wordSet(u.text)
	}
	return u.words[strings.ToLower(strings.TrimRightFunc(w, func(c rune) bool { return !unicode.IsLetter(c) }))]
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// lastWord returns the letters at the end of s (after the last non-letter,
// so "(self" gives "self" and "re-ex" gives "ex").
func lastWord(s string) string {
	i := strings.LastIndexFunc(s, func(c rune) bool { return !unicode.IsLetter(c) })
	return s[i+1:]
}

// wordSet returns the lower-cased words of s, where a word is a run of
// letters and inner hyphens.
func wordSet(s string) map[string]bool {
	words := make(map[string]bool)
	for _, f := range strings.FieldsFunc(s, func(c rune) bool { return !unicode.IsLetter(c) && c != '-' }) {
		f = strings.Trim(f, "-")
		if strings.Contains(f, "-") || len(f) > 3 {
			words[strings.ToLower(f)] = true
		}
	}
	return words
}

// Words that commonly make hyphenated compounds, in English. A line-end
// hyphen after or before one of them is kept when the document itself does
// not say otherwise.
var compoundLeft = setOf("well", "self", "ill", "half", "all", "long", "short", "high", "low",
	"full", "part", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
	"ten", "twenty", "hundred", "non", "anti", "pro", "co", "ex", "post", "pre", "semi",
	"multi", "mid", "cross", "vice")

var compoundRight = setOf("based", "year", "years", "old", "term", "known", "like", "free",
	"wide", "led", "owned", "related", "level", "scale", "born", "elect", "backed", "funded",
	"linked", "storey", "story")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// endsSentence reports whether s ends with sentence-ending punctuation,
// possibly followed by closing quotes or brackets.
func endsSentence(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool {
		return strings.ContainsRune(`"'’”»)]`, r)
	})
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".!?:…", r)
}

func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}

// isMarker reports whether s starts like a list item: a bullet or dash and
// a space, or a number or single letter with "." or ")" and a space.
func isMarker(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	if strings.ContainsRune("-*•●○■□▪◦·‣⁃►–—", r) {
		return strings.HasPrefix(s[size:], " ")
	}
	s = strings.TrimPrefix(s, "(")
	i := 0
	for i < len(s) && i < 3 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 && len(s) > 0 && s[0] >= 'a' && s[0] <= 'z' {
		i = 1
	}
	return i > 0 && len(s) > i+1 && (s[i] == '.' || s[i] == ')') && s[i+1] == ' '
}

package ingest

import (
	"html"
	"regexp"
	"sort"
	"strings"

	"github.com/claimdesk/claimdesk/internal/models"
)

// FromMarkdown reads a Markdown document and strips the markup to the text a
// reader would see:
//
//   - ATX (#) and setext (===, ---) headings lose their markers and become
//     paragraphs; the first level-1 heading also becomes Title (it stays in
//     the text, where claims can anchor to it);
//   - emphasis (*, _, **, __, ~~) and code-span backticks are removed, the
//     text inside kept; backslash escapes and HTML entities are decoded;
//   - links [t](u), [t][ref] and <https://…> keep their text; images and
//     link reference definitions are dropped;
//   - each list item (-, *, +, 1., 1)) and each block quote paragraph becomes
//     a paragraph, without its marker;
//   - fenced code blocks keep their lines as text; the fences are dropped;
//   - soft line breaks inside a paragraph become spaces, hard breaks (two
//     trailing spaces, a trailing backslash or <br>) stay line breaks;
//   - inline HTML tags are removed, <script> and <style> blocks with their
//     content, and a YAML front matter block (whose title: is used when
//     there is no level-1 heading).
//
// Tables are not interpreted: their rows stay as text with the pipes.
// The same limits as FromText apply.
func FromMarkdown(b []byte) (Doc, error) {
	if err := checkSize(b, fromPaste); err != nil {
		return Doc{}, err
	}
	return markdownDoc(b, fromPaste)
}

func markdownDoc(b []byte, src source) (Doc, error) {
	s, err := decodeText(b, src)
	if err != nil {
		return Doc{}, err
	}
	title, text := markdownText(s)
	return finish(Doc{Title: clip(oneLine(title), models.MaxTitleRunes)}, text, src)
}

var (
	mdATXHeading  = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	mdSetextH1    = regexp.MustCompile(`^ {0,3}=+[ \t]*$`)
	mdSetextH2    = regexp.MustCompile(`^ {0,3}-+[ \t]*$`)
	mdThematic    = regexp.MustCompile(`^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$`)
	mdFence       = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})(.*)$")
	mdBullet      = regexp.MustCompile(`^[ \t]*[-*+](?:[ \t]+|$)(?:\[[ xX]\][ \t]+)?`)
	mdOrdered     = regexp.MustCompile(`^[ \t]*([0-9]{1,9})[.)](?:[ \t]+|$)`)
	mdRefDef      = regexp.MustCompile(`^ {0,3}\[([^\]]+)\]:[ \t]*\S+`)
	mdQuote       = regexp.MustCompile(`^ {0,3}>[ \t]?`)
	mdHTMLSkip    = regexp.MustCompile(`(?i)^ {0,3}<(script|style)(?:[\s>]|$)`)
	mdComment     = regexp.MustCompile(`^ {0,3}<!--`)
	mdFrontMatter = regexp.MustCompile(`^[A-Za-z0-9_-]+:`)
	mdFrontTitle  = regexp.MustCompile(`^title:[ \t]*(.*)$`)
)

// mdBlocks is the state of the line-by-line block pass.
type mdBlocks struct {
	out     strings.Builder
	para    []string // lines of the open paragraph
	refs    map[string]bool
	item    bool // the open paragraph is a list item
	title   string
	inQuote bool
}

// markdownText returns the title (first level-1 heading, or front matter
// title) and the readable text of a Markdown document.
func markdownText(s string) (title, text string) {
	lines := strings.Split(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s), "\n")
	lines, fmTitle := stripFrontMatter(lines)
	m := &mdBlocks{refs: map[string]bool{}}
	// Reference definitions are collected first so that shortcut links
	// ([text] with a definition elsewhere) can lose their brackets.
	for _, l := range lines {
		if sm := mdRefDef.FindStringSubmatch(l); sm != nil {
			m.refs[strings.ToLower(sm[1])] = true
		}
	}
	var fence string   // marker of the open code fence, "" if none
	var skipEnd string // closing marker of a skipped HTML block, "" if none
	for _, line := range lines {
		if skipEnd != "" {
			if strings.Contains(strings.ToLower(line), skipEnd) {
				skipEnd = ""
			}
			continue
		}
		if fence != "" {
			if sm := mdFence.FindStringSubmatch(line); sm != nil && sm[1][0] == fence[0] && len(sm[1]) >= len(fence) && strings.TrimSpace(sm[2]) == "" {
				fence = ""
				m.out.WriteString("\n\n")
				continue
			}
			m.out.WriteString(line)
			m.out.WriteString("\n")
			continue
		}
		quoted := false
		for mdQuote.MatchString(line) {
			line = mdQuote.ReplaceAllString(line, "")
			quoted = true
		}
		if quoted != m.inQuote {
			m.flush()
			m.inQuote = quoted
		}
		switch trimmed := strings.TrimSpace(line); {
		case trimmed == "":
			m.flush()
		case mdHTMLSkip.MatchString(line):
			m.flush()
			tag := strings.ToLower(mdHTMLSkip.FindStringSubmatch(line)[1])
			if !strings.Contains(strings.ToLower(line), "</"+tag) {
				skipEnd = "</" + tag
			}
		case mdComment.MatchString(line):
			m.flush()
			if !strings.Contains(line, "-->") {
				skipEnd = "-->"
			}
		case mdFence.MatchString(line) && !(strings.HasPrefix(trimmed, "```") && strings.Contains(strings.TrimLeft(trimmed, "`"), "`")):
			m.flush()
			fence = mdFence.FindStringSubmatch(line)[1]
			m.out.WriteString("\n\n")
		case mdATXHeading.MatchString(line):
			m.flush()
			sm := mdATXHeading.FindStringSubmatch(line)
			m.para = []string{sm[2]}
			if len(sm[1]) == 1 && m.title == "" {
				m.title = m.inline(sm[2])
			}
			m.flush()
		case len(m.para) > 0 && !m.item && mdSetextH1.MatchString(line):
			if m.title == "" {
				m.title = m.inline(strings.Join(m.para, " "))
			}
			m.flush()
		case len(m.para) > 0 && !m.item && mdSetextH2.MatchString(line):
			m.flush()
		case mdThematic.MatchString(line):
			m.flush()
		case mdBullet.MatchString(line):
			m.flush()
			m.para, m.item = []string{mdBullet.ReplaceAllString(line, "")}, true
		case mdOrdered.MatchString(line) && (len(m.para) == 0 || m.item || mdOrdered.FindStringSubmatch(line)[1] == "1"):
			// An ordered item interrupts a paragraph only when it starts
			// at 1, so a line such as "2018. That year…" stays text.
			m.flush()
			m.para, m.item = []string{mdOrdered.ReplaceAllString(line, "")}, true
		case len(m.para) == 0 && mdRefDef.MatchString(line):
			// link reference definition: dropped
		default:
			m.para = append(m.para, line)
		}
	}
	m.flush()
	title = m.title
	if title == "" {
		title = fmTitle
	}
	return title, m.out.String()
}

// flush writes the open paragraph: soft line breaks become spaces, hard
// breaks stay line breaks.
func (m *mdBlocks) flush() {
	if len(m.para) == 0 {
		return
	}
	var b strings.Builder
	for i, l := range m.para {
		if i == len(m.para)-1 {
			b.WriteString(l)
			break
		}
		switch {
		case strings.HasSuffix(l, "\\"):
			b.WriteString(strings.TrimSuffix(l, "\\"))
			b.WriteString("\n")
		case strings.HasSuffix(l, "  "):
			b.WriteString(l)
			b.WriteString("\n")
		default:
			b.WriteString(strings.TrimRight(l, " \t"))
			b.WriteString(" ")
		}
	}
	m.out.WriteString(m.inline(b.String()))
	m.out.WriteString("\n\n")
	m.para, m.item = m.para[:0], false
}

// stripFrontMatter removes a leading YAML front matter block ("---" … "---"
// or "..."), returning the remaining lines and its title: value.
func stripFrontMatter(lines []string) (rest []string, title string) {
	if len(lines) < 3 || strings.TrimSpace(lines[0]) != "---" || !mdFrontMatter.MatchString(lines[1]) {
		return lines, ""
	}
	for i := 1; i < len(lines); i++ {
		switch l := strings.TrimSpace(lines[i]); {
		case l == "---" || l == "...":
			return lines[i+1:], title
		case title == "" && mdFrontTitle.MatchString(l):
			title = strings.Trim(strings.TrimSpace(mdFrontTitle.FindStringSubmatch(l)[1]), `"'`)
		}
	}
	return lines, "" // never closed: not front matter
}

// Placeholders protect escaped characters and code spans from the inline
// rewrites. They are private-use code points (plane 15), restored at the end.
const (
	phEscape = 0xF0000 // + ASCII punctuation character
	phCode   = 0xF0100 // + index into codes
	phMax    = 0xFFFFD
)

var (
	mdAutolink   = regexp.MustCompile(`<((?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)|(?:[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+))>`)
	mdImage      = regexp.MustCompile(`!\[(?:[^\[\]]|\[[^\[\]]*\])*\](?:\((?:[^()]|\([^()]*\))*\)|\[[^\[\]]*\])`)
	mdLink       = regexp.MustCompile(`\[((?:[^\[\]]|\[[^\[\]]*\])*)\](?:\((?:[^()]|\([^()]*\))*\)|\[[^\[\]]*\])`)
	mdShortcut   = regexp.MustCompile(`\[([^\[\]]+)\]`)
	mdBr         = regexp.MustCompile(`(?i)<br\s*/?>`)
	mdTag        = regexp.MustCompile(`<!--[\s\S]*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>`)
	mdStrongStar = regexp.MustCompile(`\*\*([^\s*](?:[^*]*[^\s*])?)\*\*`)
	mdEmStar     = regexp.MustCompile(`\*([^\s*](?:[^*]*[^\s*])?)\*`)
	mdStrongUnd  = regexp.MustCompile(`(^|[^\p{L}\p{N}_])__([^\s_](?:[^_]*[^\s_])?)__($|[^\p{L}\p{N}_])`)
	mdEmUnd      = regexp.MustCompile(`(^|[^\p{L}\p{N}_])_([^\s_](?:[^_]*[^\s_])?)_($|[^\p{L}\p{N}_])`)
	mdStrike     = regexp.MustCompile(`~~([^\s~](?:[^~]*[^\s~])?)~~`)
)

// inline strips inline Markdown from one paragraph. Each rewrite runs only
// when the paragraph holds a character it looks for; most text holds none.
func (m *mdBlocks) inline(s string) string {
	var codes []string
	protected := strings.ContainsAny(s, "`\\")
	if protected {
		s, codes = protect(s)
	}
	if strings.Contains(s, "<") {
		s = mdAutolink.ReplaceAllString(s, "$1")
	}
	if strings.Contains(s, "[") {
		s = mdImage.ReplaceAllString(s, "")
		s = mdLink.ReplaceAllString(s, "$1")
		if len(m.refs) > 0 {
			s = mdShortcut.ReplaceAllStringFunc(s, func(t string) string {
				if m.refs[strings.ToLower(t[1:len(t)-1])] {
					return t[1 : len(t)-1]
				}
				return t
			})
		}
	}
	if strings.Contains(s, "<") {
		s = mdBr.ReplaceAllString(s, "\n")
		s = mdTag.ReplaceAllString(s, "")
	}
	// A match can consume the boundary the next match needs, and nested
	// emphasis needs one pass per level, so passes repeat; a few suffice for
	// real text and keep hostile input cheap.
	for i := 0; i < 4 && strings.ContainsAny(s, "*_~"); i++ {
		before := s
		s = mdStrongStar.ReplaceAllString(s, "$1")
		s = mdStrongUnd.ReplaceAllString(s, "$1$2$3")
		s = mdStrike.ReplaceAllString(s, "$1")
		s = mdEmStar.ReplaceAllString(s, "$1")
		s = mdEmUnd.ReplaceAllString(s, "$1$2$3")
		if s == before {
			break
		}
	}
	if strings.Contains(s, "&") {
		s = html.UnescapeString(s)
	}
	if !protected {
		return s
	}
	return restore(s, codes)
}

// protect replaces backslash-escaped punctuation and code spans by
// placeholders, returning the code spans' contents.
func protect(s string) (string, []string) {
	var b strings.Builder
	var codes []string
	// Start positions of the maximal backtick runs, by length, so that
	// finding a closing run takes a binary search, not a scan (a scan per
	// opening run is quadratic on hostile input).
	runs := map[int][]int{}
	for i := 0; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		n := runLen(s, i, '`')
		runs[n] = append(runs[n], i)
		i += n
	}
	closingRun := func(from, n int) int {
		starts := runs[n]
		if k := sort.SearchInts(starts, from); k < len(starts) {
			return starts[k]
		}
		return -1
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			b.WriteRune(rune(phEscape + int(s[i+1])))
			i += 2
			continue
		case c == '`':
			n := runLen(s, i, '`')
			if end := closingRun(i+n, n); end >= 0 && phCode+len(codes) < phMax {
				code := s[i+n : end]
				// CommonMark: line endings become spaces; one space is stripped
				// from each side when both are present and the span is not all spaces.
				code = strings.ReplaceAll(code, "\n", " ")
				if len(code) >= 2 && code[0] == ' ' && code[len(code)-1] == ' ' && strings.Trim(code, " ") != "" {
					code = code[1 : len(code)-1]
				}
				b.WriteRune(rune(phCode + len(codes)))
				codes = append(codes, code)
				i = end + n
				continue
			}
			b.WriteString(s[i : i+n]) // no closing run: literal backticks
			i += n
			continue
		}
		b.WriteByte(c)
		i++
	}
	return b.String(), codes
}

func restore(s string, codes []string) string {
	s = strings.Map(func(r rune) rune {
		if r >= phEscape && r < phEscape+0x80 {
			return r - phEscape
		}
		return r
	}, s)
	return expandCodes(s, codes)
}

func expandCodes(s string, codes []string) string {
	if len(codes) == 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r >= phCode && int(r-phCode) < len(codes) {
			b.WriteString(codes[r-phCode])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// runLen counts the run of c starting at s[i].
func runLen(s string, i int, c byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == c {
		n++
	}
	return n
}

func isASCIIPunct(c byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}

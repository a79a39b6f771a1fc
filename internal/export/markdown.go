package export

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/claimdesk/claimdesk/internal/anchor"
)

// WriteMarkdown writes the article as Markdown (CommonMark with footnotes,
// as GitHub, Pandoc and most static-site tools read it): the text with a
// footnote reference [^n] after each claim, then one footnote per claim
// with its claimant, verdict, state and evidence. Claims not located in the
// current text are listed after the article instead, since footnotes that
// nothing refers to are dropped by most renderers.
//
// All user text is escaped, so Markdown and HTML in it show as typed:
// nothing in a title, quote or source can become a link, an image, a
// heading or raw HTML. Links are written only for http(s) URLs.
func WriteMarkdown(w io.Writer, d Document) error {
	bw := bufio.NewWriter(w)
	t := anchor.NewText(d.Article.Text)
	es := d.entries(t)
	l := lay(t, es)
	a := d.Article

	title := oneLine(a.Title)
	if title == "" {
		title = "Untitled article"
	}
	bw.WriteString("# " + mdInline(title) + "\n\n")
	if m := metaLine(a); m != "" {
		bw.WriteString("*" + mdInline(m) + "*\n\n")
	}
	if u, ok := webURL(a.SourceURL); ok {
		bw.WriteString("Original: " + mdAutolink(u) + "\n\n")
	}
	bw.WriteString(mdInline(countLine(d.Claims)) + ".\n\n")

	for _, p := range l.paras {
		esc := mdEscaper{lineStart: true}
		var sb strings.Builder
		for _, pc := range p {
			sb.WriteString(esc.text(pc.text))
			for _, n := range pc.refs {
				sb.WriteString("[^" + strconv.Itoa(n) + "]")
				esc.lineStart = false
			}
		}
		if s := strings.TrimRight(sb.String(), " \t\n"); s != "" {
			bw.WriteString(s + "\n\n")
		}
	}

	var unplaced []entry
	for _, e := range es {
		e.placed = e.placed && l.shown[e.n]
		if !e.placed {
			unplaced = append(unplaced, e)
		}
	}
	if len(unplaced) > 0 {
		bw.WriteString("## Claims not located in the current text\n\n")
		for _, e := range unplaced {
			num := strconv.Itoa(e.n) + ". "
			bw.WriteString(num)
			writeMDClaim(bw, d, e, strings.Repeat(" ", len(num)))
			bw.WriteString("\n")
		}
	}

	bw.WriteString("---\n\n" + mdInline(footerLine(d)) + "\n")

	for _, e := range es {
		if e.placed && l.shown[e.n] {
			bw.WriteString("\n[^" + strconv.Itoa(e.n) + "]: ")
			writeMDClaim(bw, d, e, "    ")
		}
	}
	return bw.Flush()
}

// writeMDClaim writes a claim's note: a first paragraph with the quote,
// then indented paragraphs, so the same text works as a footnote (indent
// four spaces) and as an ordered-list item (indented past its number).
func writeMDClaim(bw *bufio.Writer, d Document, e entry, indent string) {
	c := e.c
	head := "**Claim " + strconv.Itoa(e.n) + "**"
	if tl := typeLabel(c.Type); tl != "" {
		head += " (" + mdInline(strings.ToLower(tl)) + ")"
	}
	bw.WriteString(head + ": “" + mdInline(oneLine(c.Quote)) + "”\n")
	para := func(s string) {
		bw.WriteString("\n" + indent + s + "\n")
	}
	if n := anchorNote(e); n != "" {
		para("*" + mdInline(n) + "*")
	}
	if s := oneLine(c.Summary); s != "" {
		para("Summary: " + mdInline(s))
	}
	if s := claimantLine(c.Claimant); s != "" {
		if when := longDay(c.ClaimedAt); when != "" {
			s += ", " + when
		}
		para("Claimant: " + mdInline(s))
	}
	if c.Verdict != nil {
		v := "Verdict: **" + mdInline(oneLine(c.Verdict.Label)) + "**"
		if ex := oneLine(c.Explanation); ex != "" {
			v += ". " + mdInline(ex)
		}
		para(v)
	} else {
		para("Verdict: none yet.")
	}
	para("State: " + mdInline(c.State.Label()))
	if evs := d.Evidence[c.ID]; len(evs) > 0 {
		para("Evidence:")
		bw.WriteString("\n")
		for _, ev := range evs {
			s := stanceLabel(ev.Stance) + ": "
			title := mdInline(sourceTitle(ev.Source))
			if u, ok := webURL(ev.Source.URL); ok {
				s += "[" + title + "](" + mdDest(u) + ")"
			} else {
				s += title
			}
			if det := sourceDetails(ev.Source); det != "" {
				s += ", " + mdInline(det)
			}
			if p := oneLine(ev.Passage); p != "" {
				s += ": “" + mdInline(p) + "”"
			}
			if n := oneLine(ev.Note); n != "" {
				s += " " + mdInline(n)
			}
			if u, ok := webURL(ev.Source.ArchiveURL); ok {
				s += " ([archived copy](" + mdDest(u) + "))"
			}
			bw.WriteString(indent + "- " + s + "\n")
		}
	}
	if aps := d.Appearances[c.ID]; len(aps) > 0 {
		var links []string
		for _, ap := range aps {
			if u, ok := webURL(ap.URL); ok {
				l := mdAutolink(u)
				if ap.First {
					l += " (first appearance)"
				}
				links = append(links, l)
			}
		}
		if len(links) > 0 {
			para("Appeared in: " + strings.Join(links, ", "))
		}
	}
}

// mdInline escapes one line of user text for Markdown inline content.
func mdInline(s string) string {
	e := mdEscaper{lineStart: true}
	return e.text(s)
}

// mdEscaper escapes text so that it renders literally. It backslash-escapes
// the characters that start inline constructs (emphasis, code, links,
// footnotes, strikethrough, tables), writes < > and entity-starting & as
// character references, and at the start of a line also neutralises block
// markers: headings, quotes, lists, thematic breaks and setext underlines.
// Leading spaces of a line are dropped (they would start a code block and
// are not shown in HTML anyway).
type mdEscaper struct {
	lineStart bool
}

func (e *mdEscaper) text(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if e.lineStart {
			if r == ' ' || r == '\t' {
				i += w
				continue
			}
			e.lineStart = false
			switch r {
			case '#', '-', '+', '=', '>', '*', '_', '|', '~', '`', ':':
				b.WriteByte('\\')
				b.WriteRune(r)
				i += w
				continue
			}
			if r >= '0' && r <= '9' {
				j := i
				for j < len(s) && s[j] >= '0' && s[j] <= '9' {
					j++
				}
				b.WriteString(s[i:j])
				if j < len(s) && (s[j] == '.' || s[j] == ')') {
					b.WriteByte('\\')
					b.WriteByte(s[j])
					j++
				}
				i = j
				continue
			}
		}
		switch r {
		case '\\', '`', '*', '_', '[', ']', '~', '|':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			if i+1 < len(s) && isEntityStart(s[i+1]) {
				b.WriteString("&amp;")
			} else {
				b.WriteByte('&')
			}
		case '\r':
			// dropped: a lone CR would end the line for some renderers
		case '\n':
			b.WriteByte('\n')
			e.lineStart = true
		default:
			b.WriteRune(r)
		}
		i += w
	}
	return b.String()
}

func isEntityStart(c byte) bool {
	return c == '#' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// mdDest writes a link destination in the <…> form, percent-encoding the
// few characters that could end it or be read as escapes.
func mdDest(u string) string { return "<" + mdURL(u) + ">" }

// mdAutolink writes an autolink; u must be an absolute http(s) URL.
func mdAutolink(u string) string { return "<" + mdURL(u) + ">" }

func mdURL(u string) string {
	r := strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20", "\\", "%5C", "\n", "", "\r", "", "\t", "")
	return r.Replace(u)
}

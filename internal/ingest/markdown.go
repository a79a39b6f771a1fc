package ingest

import (
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/claimdesk/claimdesk/internal/models"
)

// FromMarkdown reads a Markdown document (CommonMark, parsed by goldmark,
// with GitHub's strikethrough and task lists) and reduces it to the text a
// reader would see, walking the syntax tree:
//
//   - headings lose their markers and become paragraphs; the first level-1
//     heading also becomes Title (it stays in the text, where claims can
//     anchor to it);
//   - emphasis, strong, strikethrough and code spans keep their text;
//     backslash escapes and entity references are decoded;
//   - links and autolinks keep their text; images, link reference
//     definitions, task-list check boxes and thematic breaks yield nothing;
//   - each list item and each block-quote paragraph becomes a paragraph;
//   - indented and fenced code blocks keep their lines as text;
//   - soft line breaks inside a paragraph become spaces, hard breaks (two
//     trailing spaces, a trailing backslash or <br>) stay line breaks;
//   - inline HTML tags are dropped (their text between them is kept), and
//     HTML blocks are reduced to their text (script and style dropped);
//   - a YAML front matter block is removed; its title: is used when there
//     is no level-1 heading.
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

var markdown = goldmark.New(goldmark.WithExtensions(extension.Strikethrough, extension.TaskList))

// markdownText returns the title (first level-1 heading, or front matter
// title) and the readable text of a Markdown document.
func markdownText(s string) (title, body string) {
	s, fmTitle := stripFrontMatter(s)
	src := []byte(s)
	doc := markdown.Parser().Parse(text.NewReader(src))
	w := mdWriter{src: src}
	_ = ast.Walk(doc, w.visit)
	if w.title == "" {
		w.title = fmTitle
	}
	if w.title == "" {
		w.title = w.heading
	}
	return w.title, w.out.String()
}

// mdWriter collects the text of a goldmark syntax tree.
type mdWriter struct {
	src     []byte
	out     strings.Builder
	title   string // the first level-1 heading
	heading string // the first heading of any level
}

func (w *mdWriter) visit(n ast.Node, entering bool) (ast.WalkStatus, error) {
	switch n := n.(type) {
	case *ast.Document, *ast.Blockquote, *ast.List:
	case *ast.Paragraph, *ast.TextBlock, *ast.ListItem:
		w.out.WriteString("\n\n")
	case *ast.Heading:
		w.out.WriteString("\n\n")
		if entering && (w.heading == "" || n.Level == 1 && w.title == "") {
			h := mdWriter{src: w.src}
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				_ = ast.Walk(c, h.visit)
			}
			text := strings.TrimSpace(h.out.String())
			if w.heading == "" {
				w.heading = text
			}
			if n.Level == 1 && w.title == "" {
				w.title = text
			}
		}
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		if entering {
			w.out.WriteString("\n\n")
			w.lines(n)
			w.out.WriteString("\n\n")
		}
		return ast.WalkSkipChildren, nil
	case *ast.HTMLBlock:
		if entering {
			w.out.WriteString("\n\n")
			var raw []byte
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				raw = append(raw, seg.Value(w.src)...)
			}
			if n.HasClosure() {
				raw = append(raw, n.ClosureLine.Value(w.src)...)
			}
			w.out.WriteString(htmlFragmentText(string(raw)))
			w.out.WriteString("\n\n")
		}
		return ast.WalkSkipChildren, nil
	case *ast.Text:
		if !entering {
			return ast.WalkContinue, nil
		}
		v := n.Segment.Value(w.src)
		if !n.IsRaw() {
			v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
		}
		if _, inCode := n.Parent().(*ast.CodeSpan); inCode {
			v = []byte(strings.ReplaceAll(string(v), "\n", " "))
		}
		w.out.Write(v)
		switch {
		case n.HardLineBreak():
			w.out.WriteString("\n")
		case n.SoftLineBreak():
			w.out.WriteString(" ")
		}
	case *ast.String:
		if entering {
			w.out.Write(n.Value)
		}
	case *ast.AutoLink:
		if entering {
			w.out.Write(n.Label(w.src))
		}
		return ast.WalkSkipChildren, nil
	case *ast.RawHTML:
		if entering && isBreakTag(n.Segments.Value(w.src)) {
			w.out.WriteString("\n")
		}
		return ast.WalkSkipChildren, nil
	case *ast.Image, *extast.TaskCheckBox, *ast.ThematicBreak:
		return ast.WalkSkipChildren, nil
	}
	return ast.WalkContinue, nil
}

// lines writes the lines of a code block as they are.
func (w *mdWriter) lines(n ast.Node) {
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		w.out.Write(seg.Value(w.src))
	}
}

var mdBr = regexp.MustCompile(`(?i)^<br\s*/?>$`)

func isBreakTag(b []byte) bool { return mdBr.Match(b) }

// htmlFragmentText is the text of an HTML block, as FromHTML would take it
// (no script or style, block elements as paragraphs).
func htmlFragmentText(s string) string {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return ""
	}
	var b strings.Builder
	for _, n := range nodes {
		writeText(&b, n, false)
	}
	return b.String()
}

var (
	mdFrontMatter = regexp.MustCompile(`^[A-Za-z0-9_-]+:`)
	mdFrontTitle  = regexp.MustCompile(`^title:[ \t]*(.*)$`)
)

// stripFrontMatter removes a leading YAML front matter block ("---" … "---"
// or "..."), returning the rest of the document and its title: value.
func stripFrontMatter(s string) (rest, title string) {
	lines := strings.Split(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s), "\n")
	if len(lines) < 3 || strings.TrimSpace(lines[0]) != "---" || !mdFrontMatter.MatchString(lines[1]) {
		return s, ""
	}
	for i := 1; i < len(lines); i++ {
		switch l := strings.TrimSpace(lines[i]); {
		case l == "---" || l == "...":
			return strings.Join(lines[i+1:], "\n"), title
		case title == "" && mdFrontTitle.MatchString(l):
			title = strings.Trim(strings.TrimSpace(mdFrontTitle.FindStringSubmatch(l)[1]), `"'`)
		}
	}
	return s, "" // never closed: not front matter
}

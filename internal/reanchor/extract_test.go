package reanchor

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/unicode/norm"
)

// canonicalText turns an HTML fragment into canonical text as the quality
// benchmark needs it: the text of block elements, whitespace collapsed,
// paragraphs joined by "\n\n", NFC. It is a small test-only extractor, not
// the app's ingest.
func canonicalText(fragment string) (string, error) {
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return "", err
	}
	var paras []string
	var cur strings.Builder
	flush := func() {
		if p := collapse(cur.String()); p != "" {
			paras = append(paras, p)
		}
		cur.Reset()
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			cur.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Iframe, atom.Svg, atom.Template:
				return
			case atom.Br:
				cur.WriteByte(' ')
				return
			}
		}
		block := n.Type == html.ElementNode && isBlock(n.DataAtom)
		if block {
			flush()
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			flush()
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	flush()
	return norm.NFC.String(strings.Join(paras, "\n\n")), nil
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Li, atom.Ul, atom.Ol,
		atom.Blockquote, atom.Figure, atom.Figcaption, atom.Table, atom.Tr, atom.Td, atom.Th, atom.Pre,
		atom.Section, atom.Article, atom.Header, atom.Footer, atom.Aside, atom.Dl, atom.Dd, atom.Dt, atom.Hr:
		return true
	}
	return false
}

// collapse turns whitespace runs into single spaces and trims.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// plainCanonical normalises a plain-text file: lines trimmed, paragraphs
// separated by blank lines, lines of a paragraph joined by a space, NFC.
func plainCanonical(s string) string {
	var paras []string
	var cur []string
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line = collapse(line)
		if line == "" {
			if len(cur) > 0 {
				paras = append(paras, strings.Join(cur, " "))
				cur = nil
			}
			continue
		}
		cur = append(cur, line)
	}
	if len(cur) > 0 {
		paras = append(paras, strings.Join(cur, " "))
	}
	return norm.NFC.String(strings.Join(paras, "\n\n"))
}

func TestCanonicalText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<p>  Police   said\ntwelve.</p><p>Critics <b>objected</b>.</p>", "Police said twelve.\n\nCritics objected."},
		{"<div><h2>Title</h2>Lead text<br>more</div><script>x()</script>", "Title\n\nLead text more"},
		{"<p>Cafe\u0301</p>", "Café"},
	}
	for _, tt := range tests {
		got, err := canonicalText(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("canonicalText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got, want := plainCanonical("  One line\n  continues \n\n\nTwo\n"), "One line continues\n\nTwo"; got != want {
		t.Errorf("plainCanonical = %q, want %q", got, want)
	}
}

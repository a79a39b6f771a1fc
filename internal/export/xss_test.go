package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/claimdesk/claimdesk/internal/export"
	"github.com/claimdesk/claimdesk/internal/models"
)

// payload is hostile text: a script, an attribute break-out, an early end
// of the style block, an image with an event handler, and Markdown links.
const payload = `<script>alert(1)</script> "x" onmouseover="alert(2)" </style><img src=x onerror=alert(3)> [click](javascript:alert(4)) ![i](https://evil.example/i.png) <https://evil.example/a>`

// xssDocument puts payload in every piece of user text and hostile URLs in
// every URL field.
func xssDocument(t testing.TB) export.Document {
	t.Helper()
	text := "# Heading?\n- list?\n=cmd|' /C calc'!A0\n\nThe minister said " + payload + " and left.\n\n" + "Second paragraph with " + payload + " again."
	quote := "said " + payload + " and left"
	bad := models.Verdict{ID: 9, Label: payload, Value: ptr(1), Colour: `#fff" onmouseover="alert(5)`}
	bad2 := models.Verdict{ID: 10, Label: payload, Colour: `red;background:url(https://evil.example/c.png)`}
	claimant := &models.Claimant{ID: 1, Name: payload, Kind: models.KindPerson, Title: payload, Affiliation: payload,
		SameAs: []string{"javascript:alert(6)", `https://evil.example/"><script>alert(7)</script>`}}
	c1 := models.ClaimDetail{Claim: models.Claim{
		ID: 1, ArticleID: 9, Summary: "=HYPERLINK(\"https://evil.example\")" + payload, Notes: payload, Explanation: payload, Rationale: "+1+2" + payload,
		Type: models.TypeQuote, State: models.StatePublished, PreviousQuote: "@SUM(A1)", CreatedBy: 1,
		CreatedAt: at("2026-01-01T00:00:00Z"), UpdatedAt: at("2026-01-02T00:00:00Z"),
	}, Claimant: claimant, Verdict: &bad, AssigneeName: "-2+3" + payload}
	place(t, &c1, text, quote)
	c2 := models.ClaimDetail{Claim: models.Claim{
		ID: 2, ArticleID: 9, Summary: "\tTabbed " + payload, Type: models.TypeOther, State: models.StateApproved, CreatedBy: 1,
		CreatedAt: at("2026-01-01T00:00:00Z"), UpdatedAt: at("2026-01-02T00:00:00Z"),
	}, Claimant: claimant, Verdict: &bad2}
	place(t, &c2, text, "Second paragraph with "+payload)
	c3 := models.ClaimDetail{Claim: models.Claim{
		ID: 3, ArticleID: 9, Quote: payload, Summary: "\rCR " + payload, Type: models.TypeOther, State: models.StateNew,
		AnchorState: models.AnchorOrphaned, CreatedBy: 1,
	}}
	src := models.Source{ID: 1, URL: `https://evil.example/"><script>alert(8)</script>?q=</style>`, Title: payload, Publisher: payload,
		ArchiveURL: "data:text/html,<script>alert(9)</script>", Notes: payload}
	src2 := models.Source{ID: 2, URL: "javascript:alert(10)", Title: "=" + payload}
	return export.Document{
		Article: models.Article{ID: 9, Title: payload, Outlet: payload, Byline: payload, SourceURL: "javascript:alert(11)",
			Text: text, Revision: 3, Language: `en" onload="alert(12)`},
		Claims: []models.ClaimDetail{c1, c2, c3},
		Evidence: map[int64][]models.EvidenceDetail{1: {
			{Evidence: models.Evidence{ID: 1, ClaimID: 1, Stance: models.StanceRefutes, Passage: payload, Note: payload}, Source: src, AddedByName: payload},
			{Evidence: models.Evidence{ID: 2, ClaimID: 1, Stance: models.StanceSupports, Passage: payload}, Source: src2},
		}},
		Appearances: map[int64][]models.Appearance{1: {
			{ID: 1, ClaimID: 1, URL: "javascript:alert(13)", First: true},
			{ID: 2, ClaimID: 1, URL: "//evil.example/relative"},
		}},
		Creators: map[int64]string{1: payload},
		Scale:    []models.Verdict{bad, bad2},
		BaseURL:  "https://claims.example.org",
		Newsroom: export.Newsroom{Name: payload, URL: "javascript:alert(14)", LogoURL: "https://evil.example/logo.png"},
	}
}

func TestHTMLInert(t *testing.T) {
	d := xssDocument(t)
	out := render(t, writers()["article.html.golden"], d)
	doc, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	css, err := os.ReadFile("html.css")
	if err != nil {
		t.Fatal(err)
	}

	var styles []string
	var marks int
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Img, atom.Iframe, atom.Object, atom.Embed, atom.Link, atom.Base,
				atom.Form, atom.Video, atom.Audio, atom.Source, atom.Svg, atom.Math, atom.Frame, atom.Input, atom.Button:
				t.Errorf("found a <%s> element", n.Data)
			case atom.Style:
				var sb strings.Builder
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					sb.WriteString(c.Data)
				}
				styles = append(styles, sb.String())
			case atom.Mark:
				marks++
			}
			if n.DataAtom == 0 {
				t.Errorf("found an unknown element <%s>", n.Data)
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(key, "on"):
					t.Errorf("<%s> has event handler %s=%q", n.Data, a.Key, a.Val)
				case key == "src" || key == "srcset" || key == "poster" || key == "background" || key == "action" || key == "formaction" || key == "data" || key == "xlink:href":
					t.Errorf("<%s> loads %s=%q", n.Data, a.Key, a.Val)
				case key == "href":
					if n.DataAtom != atom.A {
						t.Errorf("href on <%s>: %q", n.Data, a.Val)
					}
					if !strings.HasPrefix(a.Val, "#") && !strings.HasPrefix(a.Val, "https://") && !strings.HasPrefix(a.Val, "http://") {
						t.Errorf("link to %q", a.Val)
					}
					if strings.HasPrefix(a.Val, "http") && attr(n, "rel") != "noopener noreferrer" {
						t.Errorf("external link %q has rel=%q", a.Val, attr(n, "rel"))
					}
				case key == "style":
					if strings.Contains(strings.ToLower(a.Val), "url") || strings.ContainsAny(a.Val, `";`) {
						t.Errorf("<%s> style=%q", n.Data, a.Val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)

	if len(styles) != 1 {
		t.Fatalf("found %d <style> elements, want 1", len(styles))
	}
	if got, want := strings.TrimSpace(styles[0]), strings.TrimSpace(string(css)); got != want {
		t.Errorf("the style block does not hold exactly html.css: </style> in user text ended it early or text got in (len %d, want %d)", len(got), len(want))
	}
	for _, bad := range []string{"url(", "@import", "@font-face"} {
		if strings.Contains(strings.ToLower(styles[0]), bad) {
			t.Errorf("stylesheet contains %q: it would load something", bad)
		}
	}
	if marks == 0 {
		t.Error("no claim is highlighted")
	}
	// The payload is shown as text, whole.
	if !strings.Contains(textOf(doc), "<script>alert(1)</script>") {
		t.Error("the payload is not shown as text")
	}
	if bytes.Contains(out, []byte("evil.example/logo.png")) {
		t.Error("the newsroom logo is referenced: the page must load no images")
	}
}

func TestHTMLStructure(t *testing.T) {
	out := render(t, writers()["article.html.golden"], fixture(t))
	doc, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	var overlap, viewport bool
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if id := attr(n, "id"); id != "" {
				if ids[id] {
					t.Errorf("duplicate id %q", id)
				}
				ids[id] = true
			}
			if n.DataAtom == atom.Mark && attr(n, "data-claims") == "1 2" {
				overlap = true
			}
			if n.DataAtom == atom.Meta && attr(n, "name") == "viewport" {
				viewport = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if !overlap {
		t.Error("the overlap of claims 1 and 2 is not one <mark data-claims=\"1 2\">")
	}
	if !viewport {
		t.Error("no viewport meta tag: the page will not read well on a phone")
	}
	for _, id := range []string{"ref-1", "ref-2", "ref-3", "ref-4", "claim-1", "claim-5"} {
		if !ids[id] {
			t.Errorf("no element with id %q", id)
		}
	}
	if ids["ref-5"] {
		t.Error("orphaned claim 5 has a reference in the text")
	}
	// The text of the article is unchanged by the marks.
	article := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Article })
	var paras []string
	for p := article.FirstChild; p != nil; p = p.NextSibling {
		if p.DataAtom == atom.P {
			paras = append(paras, textWithout(p, atom.Sup))
		}
	}
	if got, want := strings.Join(paras, "\n\n"), fixtureText; got != want {
		t.Errorf("article text changed:\n got %q\nwant %q", got, want)
	}
	// States are words, not only colours.
	for _, s := range []string{"Published", "Researching", "Approved", "Needs recheck"} {
		if !strings.Contains(textOf(doc), s) {
			t.Errorf("state %q is not written out", s)
		}
	}
	if !strings.Contains(string(out), "@media print") {
		t.Error("no print styles")
	}
}

func TestMarkdownInert(t *testing.T) {
	out := string(render(t, writers()["article.md.golden"], xssDocument(t)))
	// Our own links are <https://…> destinations; take them out, and no
	// < or > may be left.
	rest := regexp.MustCompile(`<https?://[^<>\s]*>`).ReplaceAllString(out, "")
	if strings.ContainsAny(rest, "<>") {
		t.Errorf("raw < or > in Markdown output:\n%s", out)
	}
	unescaped := func(s string) string { // drop backslash-escaped characters
		return regexp.MustCompile(`\\.`).ReplaceAllString(s, "")
	}
	for _, bad := range []string{"](javascript", "<javascript", "![i](", "[click](", "data:text/html", "evil.example/logo.png", "\n# Heading", "\n- list", "\n=cmd"} {
		if strings.Contains(unescaped(out), bad) {
			t.Errorf("Markdown output contains %q", bad)
		}
	}
	for _, link := range regexp.MustCompile(`\]\(([^)]*)\)`).FindAllStringSubmatch(unescaped(out), -1) {
		if !strings.HasPrefix(link[1], "<https://") {
			t.Errorf("link destination %q", link[1])
		}
	}
	if !strings.Contains(out, `&lt;script&gt;alert(1)&lt;/script&gt;`) {
		t.Error("the payload is not shown as escaped text")
	}
}

func TestJSONInert(t *testing.T) {
	d := xssDocument(t)
	for _, name := range []string{"annotations.json.golden", "claimreview.json.golden"} {
		out := render(t, writers()[name], d)
		if bytes.ContainsAny(out, "<>") {
			t.Errorf("%s: raw < or > (must be \\u003c, \\u003e so it can sit in a <script> block)", name)
		}
		var v any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.Contains(string(mustJSON(t, v)), "alert(1)") {
			t.Errorf("%s: the payload text was lost", name)
		}
		checkURLs(t, name, "", v)
	}
}

// checkURLs fails on any value of a URL-valued key that is not http(s).
func checkURLs(t *testing.T, name, key string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			checkURLs(t, name, k, x)
		}
	case []any:
		for _, x := range v {
			checkURLs(t, name, key, x)
		}
	case string:
		switch key {
		case "url", "@id", "id", "source", "cached", "sameAs", "first", "last":
			if !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
				t.Errorf("%s: %s = %q", name, key, v)
			}
			if strings.ContainsAny(v, `<>" `) {
				t.Errorf("%s: %s = %q is not a clean URL", name, key, v)
			}
		}
	}
}

func TestCSVInert(t *testing.T) {
	d := xssDocument(t)
	rows := readCSV(t, render(t, writers()["article.csv.golden"], d))
	for i, row := range rows {
		for j, cell := range row {
			if cell == "" {
				continue
			}
			switch cell[0] {
			case '=', '+', '-', '@', '\t', '\r':
				t.Errorf("row %d column %s: cell %q starts a formula", i, rows[0][j], cell)
			}
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func find(n *html.Node, match func(*html.Node) bool) *html.Node {
	if match(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, match); f != nil {
			return f
		}
	}
	return nil
}

func textOf(n *html.Node) string { return textWithout(n, 0) }

// textWithout is the text of n, leaving out elements of kind skip.
func textWithout(n *html.Node, skip atom.Atom) string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && skip != 0 && n.DataAtom == skip {
			return
		}
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return sb.String()
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readCSV parses a WriteCSV file: BOM, then RFC 4180.
func readCSV(t *testing.T, out []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(out, []byte("\uFEFF")) {
		t.Fatal("CSV does not start with a UTF-8 BOM")
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out, []byte("\uFEFF"))))
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestHTMLNestedAndCrossParagraph: a claim nested in another and a claim
// running across a paragraph break become flat marks, and each claim gets
// exactly one reference, after its last piece.
func TestHTMLNestedAndCrossParagraph(t *testing.T) {
	text := "Alpha beta gamma.\n\nDelta epsilon."
	outer := models.ClaimDetail{Claim: models.Claim{ID: 1, State: models.StateNew}}
	place(t, &outer, text, "beta gamma.\n\nDelta")
	inner := models.ClaimDetail{Claim: models.Claim{ID: 2, State: models.StateNew}}
	place(t, &inner, text, "gamma")
	d := export.Document{Article: models.Article{ID: 1, Text: text, Revision: 3}, Claims: []models.ClaimDetail{outer, inner}}
	out := render(t, writers()["article.html.golden"], d)
	doc, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var marks []string
	refs := map[string]int{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Mark {
			marks = append(marks, attr(n, "data-claims")+":"+textOf(n))
		}
		if n.Type == html.ElementNode && strings.HasPrefix(attr(n, "id"), "ref-") {
			refs[attr(n, "id")]++
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if got, want := strings.Join(marks, "|"), "1:beta |1 2:gamma|1:.|1:Delta"; got != want {
		t.Errorf("marks = %q, want %q", got, want)
	}
	if refs["ref-1"] != 1 || refs["ref-2"] != 1 {
		t.Errorf("references = %v, want one each", refs)
	}
	md := string(render(t, writers()["article.md.golden"], d))
	if !strings.Contains(md, "Alpha beta gamma[^2].\n\nDelta[^1] epsilon.") {
		t.Errorf("Markdown references misplaced:\n%s", md)
	}
}

package ingest

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/language"

	"github.com/claimdesk/claimdesk/internal/models"
)

// FromHTML reads an HTML document or fragment.
//
// A full page (one with a doctype, <html>, <head> or <body> tag) goes through
// go-readability, which picks the main content and reads the title, byline,
// site name (Outlet), language and publication date. A fragment is used
// whole; its title is the <title> element or else the first <h1>.
//
// The chosen content is sanitised (see policy) and stored in Doc.HTML; for a
// full page that is the extracted main content, not the whole page. Doc.Text
// is taken from that sanitised HTML: block elements (p, div, li, h1–h6, tr,
// blockquote, …) become paragraphs, <br> a line break, and <pre> keeps its
// lines; images, scripts and styles yield no text. HTML with no text left
// after sanitising is refused.
//
// pageURL, when not nil, resolves relative links and images and gives the
// Outlet (its host name) when the page names no site.
func FromHTML(b []byte, pageURL *url.URL) (Doc, error) {
	if err := checkSize(b, fromHTML); err != nil {
		return Doc{}, err
	}
	return htmlDoc(b, "", pageURL, fromHTML)
}

// maxElemsToParse keeps go-readability's work bounded; larger pages are used
// whole instead of extracted.
const maxElemsToParse = 100_000

// maxMetaRunes is the longest Byline or Outlet kept (models.ArticleMeta's limit).
const maxMetaRunes = 300

// policy is the sanitiser: bluemonday's policy for user-generated content
// (no script, style, iframe, form, event handler, style attribute, or
// javascript: and data: URL; links get rel="nofollow noreferrer"), plus the
// structural elements a news page uses, so that paragraph boundaries
// survive. Controls, media players and SVG are dropped with their content.
// A bluemonday policy is safe for concurrent use once built.
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowElements("main", "header", "footer", "nav", "address", "center")
	p.RequireNoReferrerOnLinks(true)
	p.SkipElementsContent("button", "select", "textarea", "template", "svg", "canvas", "audio", "video", "datalist")
	return p
}()

var fullPage = regexp.MustCompile(`(?i)<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])`)

func htmlDoc(b []byte, contentType string, pageURL *url.URL, src source) (Doc, error) {
	s, err := decodeHTML(b, contentType)
	if err != nil {
		return Doc{}, fmt.Errorf("ingest: decode html: %w", err)
	}
	if looksBinary([]byte(s)) {
		return Doc{}, src.invalid("%s looks like binary data, not HTML.", src.the)
	}
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return Doc{}, fmt.Errorf("ingest: parse html: %w", err)
	}
	body := findElement(doc, atom.Body)
	if body == nil { // html.Parse always adds one; be safe anyway
		body = doc
	}
	var d Doc
	var content []*html.Node
	isPage := fullPage.MatchString(s)
	if isPage {
		d, content = readable(doc, pageURL)
	} else {
		d.Title = pageTitle(doc)
		if h1 := findElement(body, atom.H1); d.Title == "" && h1 != nil {
			d.Title = textContent(h1)
		}
		content = children(body)
	}
	d.HTML, d.Text = sanitise(content, pageURL)
	if d.Text == "" && isPage { // nothing readable in the extract: use the whole body
		d.HTML, d.Text = sanitise(children(body), pageURL)
	}
	if d.Text == "" {
		return Doc{}, src.invalid("%s has no readable text once scripts, styles and other unsafe parts are removed.", src.the)
	}
	d.Title = clip(oneLine(d.Title), models.MaxTitleRunes)
	d.Byline = clip(oneLine(d.Byline), maxMetaRunes)
	d.Outlet = clip(oneLine(d.Outlet), maxMetaRunes)
	if d.Outlet == "" && pageURL != nil {
		d.Outlet = strings.TrimPrefix(pageURL.Hostname(), "www.")
	}
	return finish(d, d.Text, src)
}

// readable runs go-readability on a full page and returns its metadata and
// main content, or no content when extraction fails.
func readable(doc *html.Node, pageURL *url.URL) (Doc, []*html.Node) {
	var d Doc
	p := readability.NewParser()
	p.MaxElemsToParse = maxElemsToParse
	art, err := p.ParseDocument(doc, pageURL)
	if err != nil {
		d.Title = pageTitle(doc)
		return d, nil
	}
	d.Title = art.Title()
	if d.Title == "" {
		d.Title = pageTitle(doc)
	}
	d.Byline = strings.TrimSpace(art.Byline())
	if len(d.Byline) > 3 && strings.EqualFold(d.Byline[:3], "by ") {
		d.Byline = d.Byline[3:]
	}
	d.Outlet = art.SiteName()
	d.Language = languageTag(art.Language())
	if t, err := art.PublishedTime(); err == nil && t.Year() >= 1800 && t.Before(time.Now().Add(48*time.Hour)) {
		y, m, day := t.Date()
		date := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
		d.PublishedAt = &date
	}
	if art.Node == nil {
		return d, nil
	}
	return d, []*html.Node{art.Node}
}

// languageTag returns the BCP 47 form of a page's language ("en_US" → "en-US"),
// or "" when it is not a valid tag.
func languageTag(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	tag, err := language.Parse(s)
	if err != nil {
		return ""
	}
	return tag.String()
}

// sanitise renders nodes, sanitises the markup and returns it with the
// canonical text read from the sanitised markup.
func sanitise(nodes []*html.Node, pageURL *url.URL) (safeHTML, text string) {
	var raw strings.Builder
	for _, n := range nodes {
		if pageURL != nil {
			resolveURLs(n, pageURL)
		}
		if err := html.Render(&raw, n); err != nil {
			continue // html.Render fails only on writer errors; a Builder has none
		}
	}
	safeHTML = strings.TrimSpace(policy.Sanitize(raw.String()))
	frag, err := html.ParseFragment(strings.NewReader(safeHTML), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return "", ""
	}
	var b strings.Builder
	for _, n := range frag {
		writeText(&b, n, false)
	}
	text = Canonical(b.String())
	if text == "" {
		return "", ""
	}
	return safeHTML, text
}

// decodeHTML converts HTML bytes to UTF-8 following the HTML rules (byte
// order mark, then the Content-Type charset, then <meta charset>), except
// that bytes which are valid UTF-8 are read as UTF-8 when nothing is certain:
// charset.DetermineEncoding alone looks only at the first 1024 bytes and would
// read a page that is ASCII up to there as Windows-1252.
func decodeHTML(b []byte, contentType string) (string, error) {
	enc, name, certain := charset.DetermineEncoding(b, contentType)
	if (!certain || name == "utf-8") && utf8.Valid(b) {
		return strings.TrimPrefix(string(b), "\uFEFF"), nil
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return strings.TrimPrefix(string(out), "\uFEFF"), nil
}

// blockElements start and end a paragraph in the text.
var blockElements = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Caption: true, atom.Center: true, atom.Dd: true, atom.Details: true,
	atom.Dialog: true, atom.Dir: true, atom.Div: true, atom.Dl: true, atom.Dt: true,
	atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true, atom.Footer: true,
	atom.Form: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Header: true, atom.Hgroup: true, atom.Hr: true,
	atom.Legend: true, atom.Li: true, atom.Listing: true, atom.Main: true, atom.Menu: true,
	atom.Nav: true, atom.Ol: true, atom.P: true, atom.Plaintext: true, atom.Pre: true,
	atom.Section: true, atom.Summary: true, atom.Table: true, atom.Tbody: true,
	atom.Tfoot: true, atom.Thead: true, atom.Tr: true, atom.Ul: true, atom.Xmp: true,
}

// skippedElements yield no text.
var skippedElements = map[atom.Atom]bool{
	atom.Head: true, atom.Title: true, atom.Script: true, atom.Style: true,
	atom.Noscript: true, atom.Template: true, atom.Svg: true, atom.Iframe: true,
	atom.Object: true, atom.Select: true, atom.Button: true, atom.Textarea: true,
}

// writeText appends the text of n, with "\n\n" around blocks and "\n" for
// <br>. Outside preformatted elements, HTML whitespace collapses to spaces.
func writeText(b *strings.Builder, n *html.Node, pre bool) {
	switch n.Type {
	case html.TextNode:
		if pre {
			b.WriteString(n.Data)
			return
		}
		b.WriteString(strings.Map(func(r rune) rune {
			switch r {
			case '\t', '\n', '\f', '\r':
				return ' '
			}
			return r
		}, n.Data))
		return
	case html.ElementNode:
		a := n.DataAtom
		switch {
		case skippedElements[a]:
			return
		case a == atom.Br:
			b.WriteString("\n")
			return
		case a == atom.Td || a == atom.Th:
			b.WriteString(" ")
			defer b.WriteString(" ")
		case blockElements[a]:
			b.WriteString("\n\n")
			defer b.WriteString("\n\n")
		}
		pre = pre || a == atom.Pre || a == atom.Listing || a == atom.Plaintext || a == atom.Xmp
	case html.DocumentNode:
	default: // comments, doctypes
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		writeText(b, c, pre)
	}
}

// textContent is the text of n on one line.
func textContent(n *html.Node) string {
	var b strings.Builder
	writeText(&b, n, false)
	return oneLine(b.String())
}

// pageTitle returns the page's <title>, or else its og:title or
// twitter:title, or "".
func pageTitle(doc *html.Node) string {
	if head := findElement(doc, atom.Head); head != nil {
		if t := findElement(head, atom.Title); t != nil {
			if s := oneLine(nodeText(t)); s != "" {
				return s
			}
		}
	}
	for _, name := range []string{"og:title", "twitter:title"} {
		if s := metaContent(doc, name); s != "" {
			return oneLine(s)
		}
	}
	return ""
}

// nodeText is the raw text of n's text-node descendants.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// metaContent returns the content of the first <meta property=name> or
// <meta name=name>.
func metaContent(doc *html.Node, name string) string {
	var found string
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.DataAtom == atom.Meta {
			if strings.EqualFold(attr(n, "property"), name) || strings.EqualFold(attr(n, "name"), name) {
				found = attr(n, "content")
				return true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if walk(c) {
				return true
			}
		}
		return false
	}
	walk(doc)
	return found
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// findElement returns the first element with atom a under n (depth first).
func findElement(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findElement(c, a); f != nil {
			return f
		}
	}
	return nil
}

func children(n *html.Node) []*html.Node {
	var out []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, c)
	}
	return out
}

// urlAttrs are the attributes the sanitiser keeps that hold a URL.
var urlAttrs = map[string]bool{"href": true, "src": true, "cite": true}

// resolveURLs makes relative URLs under n absolute against base.
func resolveURLs(n *html.Node, base *url.URL) {
	if n.Type == html.ElementNode {
		for i, a := range n.Attr {
			if !urlAttrs[a.Key] || a.Namespace != "" || strings.HasPrefix(a.Val, "#") {
				continue
			}
			if u, err := url.Parse(strings.TrimSpace(a.Val)); err == nil && !u.IsAbs() {
				n.Attr[i].Val = base.ResolveReference(u).String()
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		resolveURLs(c, base)
	}
}

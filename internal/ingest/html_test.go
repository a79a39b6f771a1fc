package ingest

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// articlePage is a news page written for these tests: the article is
// surrounded by the navigation, promotion, footer and scripts that real
// pages carry.
const articlePage = `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Council approves riverside bike lanes | The Riverside Courier</title>
<meta property="og:site_name" content="The Riverside Courier">
<meta property="og:title" content="Council approves riverside bike lanes">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-03-05T14:30:00+01:00">
<link rel="stylesheet" href="/css/site.css">
<style>.promo{color:red}</style>
<script>window.dataLayer=[];function trackUser(){}</script>
</head>
<body>
<header class="site-header">
  <nav class="main-nav"><ul>
    <li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
    <li><a href="/sport">Sport</a></li><li><a href="/subscribe">Subscribe today</a></li>
  </ul></nav>
</header>
<main>
<article>
  <h1>Council approves riverside bike lanes</h1>
  <p class="byline">By <span class="author">Jane Doe</span></p>
  <p>The city council voted 9 to 4 on Tuesday night to build protected bike lanes along the
     riverside road, ending a debate that has lasted more than three years.</p>
  <p>Supporters said the lanes would cut traffic injuries. &ldquo;Last year 41 cyclists were hurt on
     that road alone,&rdquo; councillor Amir Haddad told the meeting, citing police figures.</p>
  <p>Opponents, led by the local traders&rsquo; association, argued that removing 120 parking spaces
     would drive shoppers away from the market street and cost small businesses dearly.</p>
  <figure><img src="/img/lanes.jpg" alt="Cyclists on the riverside road"><figcaption>Cyclists on the riverside road. Photo: Courier staff</figcaption></figure>
  <p>The project is expected to cost 2.3 million euros, two thirds of it paid by a regional grant.
     Construction should begin in the autumn and last about eight months.</p>
  <p>A petition against the plan collected 3,200 signatures, according to its organisers, who said
     they would ask the regional court to review the decision.</p>
  <p>The mayor, who abstained, said she would meet traders next week to discuss delivery zones.</p>
</article>
<aside class="sidebar"><h2>Most read</h2><ul><li><a href="/a">Storm closes schools</a></li><li><a href="/b">Derby ends in a draw</a></li></ul></aside>
</main>
<div class="newsletter">Sign up for our newsletter! <button onclick="signup()">Sign up</button></div>
<footer class="site-footer"><p>&copy; 2024 The Riverside Courier. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
<script>trackUser("pageview");</script>
</body>
</html>`

func TestFromHTMLFullPage(t *testing.T) {
	pageURL, _ := url.Parse("https://courier.example/news/2024/03/bike-lanes")
	got, err := FromHTML([]byte(articlePage), pageURL)
	if err != nil {
		t.Fatalf("FromHTML: %v", err)
	}
	checkArticlePage(t, got, "https://courier.example")
}

// checkArticlePage checks what FromHTML and Fetch make of articlePage.
// Relative URLs must be resolved against base.
func checkArticlePage(t *testing.T, got Doc, base string) {
	t.Helper()
	wantDate := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct{ field, got, want string }{
		{"Title", got.Title, "Council approves riverside bike lanes"},
		{"Byline", got.Byline, "Jane Doe"},
		{"Outlet", got.Outlet, "The Riverside Courier"},
		{"Language", got.Language, "en-GB"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if got.PublishedAt == nil || !got.PublishedAt.Equal(wantDate) {
		t.Errorf("PublishedAt = %v, want %v", got.PublishedAt, wantDate)
	}
	for _, want := range []string{
		"The city council voted 9 to 4 on Tuesday night to build protected bike lanes along the riverside road, ending a debate that has lasted more than three years.",
		"\n\nSupporters said the lanes would cut traffic injuries. “Last year 41 cyclists were hurt on that road alone,” councillor Amir Haddad told the meeting, citing police figures.\n\n",
		"traders’ association",
		"The mayor, who abstained, said she would meet traders next week to discuss delivery zones.",
	} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("Text lacks %q; Text =\n%s", want, got.Text)
		}
	}
	for _, noise := range []string{"Subscribe today", "Politics", "Most read", "Storm closes schools", "All rights reserved", "Privacy policy", "newsletter", "trackUser", "dataLayer", "color:red"} {
		if strings.Contains(got.Text, noise) {
			t.Errorf("Text contains page noise %q; Text =\n%s", noise, got.Text)
		}
		if strings.Contains(got.HTML, noise) {
			t.Errorf("HTML contains page noise %q", noise)
		}
	}
	if got.Text != Canonical(got.Text) {
		t.Errorf("Text is not canonical: %q", got.Text)
	}
	if want := `src="` + base + `/img/lanes.jpg"`; !strings.Contains(got.HTML, want) {
		t.Errorf("HTML lacks %s; HTML =\n%s", want, got.HTML)
	}
}

// unsafeHTML carries the usual ways to smuggle script into stored HTML.
const unsafeHTML = `<style>p { background: url(javascript:alert('style')) }</style>
<p onclick="steal('click')" style="color:red" onmouseover="steal('hover')">Visible paragraph.</p>
<script>alert('script')</script>
<script type="application/ld+json">{"alert": "jsonld"}</script>
<p><a href="javascript:alert('href')">bad link</a> and <a href=" JaVaScRiPt:alert('mixed')">mixed case</a>
and <a href="https://example.org/ok" target="_blank">good link</a>.</p>
<img src="x" onerror="alert('img')">
<iframe src="https://evil.example/frame">iframe text</iframe>
<svg><script>alert('svg')</script><text>svg text</text></svg>
<object data="x.swf">object text</object>
<form action="https://evil.example/post"><input name="q" value="input value"><button onclick="alert('button')">Go</button></form>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>
<noscript><p>noscript text</p></noscript>
<p>Last paragraph.</p>`

func TestFromHTMLSanitises(t *testing.T) {
	got, err := FromHTML([]byte(unsafeHTML), nil)
	if err != nil {
		t.Fatalf("FromHTML: %v", err)
	}
	nodes, err := html.ParseFragment(strings.NewReader(got.HTML), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		t.Fatalf("parse stored HTML: %v", err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Iframe, atom.Object, atom.Embed, atom.Svg, atom.Form, atom.Input, atom.Button, atom.Noscript:
				t.Errorf("stored HTML has a <%s> element", n.Data)
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				val := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				switch {
				case strings.HasPrefix(key, "on"):
					t.Errorf("stored HTML has event handler %s=%q on <%s>", a.Key, a.Val, n.Data)
				case key == "style":
					t.Errorf("stored HTML has a style attribute on <%s>", n.Data)
				case strings.HasPrefix(val, "javascript:") || strings.HasPrefix(val, "data:"):
					t.Errorf("stored HTML has %s=%q on <%s>", a.Key, a.Val, n.Data)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	for _, bad := range []string{"alert", "steal", "jsonld", "background", "svg text", "iframe text", "object text", "input value", "noscript text"} {
		if strings.Contains(got.Text, bad) {
			t.Errorf("Text contains %q; Text = %q", bad, got.Text)
		}
	}
	for _, want := range []string{"Visible paragraph.", "bad link and mixed case and good link.", "data link", "Last paragraph."} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("Text lacks %q; Text = %q", want, got.Text)
		}
	}
	if !strings.Contains(got.HTML, `href="https://example.org/ok"`) {
		t.Errorf("stored HTML lost the safe link: %s", got.HTML)
	}
}

func TestFromHTMLRefuses(t *testing.T) {
	tests := []struct {
		name, in  string
		fragments []string
	}{
		{"empty", "", []string{"no readable text"}},
		{"whitespace", " \n\t&nbsp; ", []string{"no readable text"}},
		{"script only", "<script>document.write('hello')</script>", []string{"no readable text"}},
		{"style and iframe", "<style>body{}</style><iframe src='https://x.example'>fallback</iframe>", []string{"no readable text"}},
		{"image only", `<img src="photo.jpg" alt="A photo" onerror="alert(1)">`, []string{"no readable text"}},
		{"full page of scripts", "<!doctype html><html><head><title>T</title><script>x()</script></head><body><script>y()</script></body></html>", []string{"no readable text"}},
		{"too large", "<p>" + strings.Repeat("a", 5<<20) + "</p>", []string{"larger than 5 MB"}},
		{"binary", "<p>\x00\x01\x02\x03</p>", []string{"binary"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromHTML([]byte(tt.in), nil)
			wantInvalid(t, err, "html", tt.fragments...)
		})
	}
}

func TestFromHTMLText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"paragraphs", "<p>One</p>\n<p>Two</p>", "One\n\nTwo"},
		{"source newlines are spaces", "<p>Hello\n   <b>world</b>&nbsp;!</p>", "Hello world !"},
		{"br is a line break", "<p>Line one<br>Line two<br/><br>Line three</p>", "Line one\nLine two\n\nLine three"},
		{"divs and headings", "<div><h2>Head</h2><div>Body <em>text</em></div></div>", "Head\n\nBody text"},
		{"list items are paragraphs", "<ul><li>First</li><li>Second <a href='/x'>link</a></li></ul>", "First\n\nSecond link"},
		{"pre keeps lines", "<pre>line 1\n   line 2\n\nline 4</pre>", "line 1\nline 2\n\nline 4"},
		{"table rows", "<table><tr><th>Party</th><th>Seats</th></tr><tr><td>Blue</td><td>41</td></tr></table>", "Party Seats\n\nBlue 41"},
		{"blockquote and figcaption", "<blockquote>Quoted</blockquote><figure><img src=a.jpg><figcaption>Caption</figcaption></figure>", "Quoted\n\nCaption"},
		{"inline elements do not split words", "<p>fact<b>check</b>ing and <span>spans</span></p>", "factchecking and spans"},
		{"entities and NFD", "<p>caf&#x65;&#x301; &amp; &ldquo;quotes&rdquo;</p>", "caf\u00E9 & “quotes”"},
		{"unclosed tags", "<p>One<p>Two<div>Three", "One\n\nTwo\n\nThree"},
		{"comments dropped", "<p>a<!-- hidden -->b</p>", "ab"},
		{"text outside elements", "Just text, no tags.", "Just text, no tags."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromHTML([]byte(tt.in), nil)
			if err != nil {
				t.Fatalf("FromHTML(%q): %v", tt.in, err)
			}
			if got.Text != tt.want {
				t.Errorf("FromHTML(%q).Text = %q, want %q", tt.in, got.Text, tt.want)
			}
		})
	}
}

func TestFromHTMLFragmentMeta(t *testing.T) {
	base, _ := url.Parse("https://www.paper.example/section/story.html")
	tests := []struct {
		name    string
		in      string
		pageURL *url.URL
		want    Doc
	}{
		{
			name: "first h1 is the title",
			in:   "<h1>Headline</h1><p>Body.</p>",
			want: Doc{Title: "Headline", Text: "Headline\n\nBody.", HTML: "<h1>Headline</h1><p>Body.</p>"},
		},
		{
			name:    "relative links resolved, outlet from host",
			in:      `<p><a href="../other.html">Other</a> <img src="/i.png"></p>`,
			pageURL: base,
			want: Doc{
				Outlet: "paper.example",
				Text:   "Other",
				HTML:   `<p><a href="https://www.paper.example/other.html" rel="nofollow noreferrer">Other</a> <img src="https://www.paper.example/i.png"/></p>`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromHTML([]byte(tt.in), tt.pageURL)
			if err != nil {
				t.Fatalf("FromHTML: %v", err)
			}
			if got != tt.want {
				t.Errorf("FromHTML(%q) =\n%+v\nwant\n%+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestFromHTMLCharset(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"meta charset Latin-1", []byte(`<meta charset="iso-8859-1"><p>Caf` + "\xe9" + `</p>`), "Café"},
		{"Windows-1252 quotes without declaration", []byte("<p>\x93quoted\x94</p>"), "“quoted”"},
		{"UTF-8 after 1 KB of ASCII, undeclared", []byte("<p>" + strings.Repeat("a ", 600) + "</p><p>Zürich</p>"), "Zürich"},
		{"UTF-8 BOM", []byte("\xef\xbb\xbf<p>Ünïcode</p>"), "Ünïcode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromHTML(tt.in, nil)
			if err != nil {
				t.Fatalf("FromHTML: %v", err)
			}
			if !strings.HasSuffix(got.Text, tt.want) {
				t.Errorf("Text = %q, want it to end with %q", got.Text, tt.want)
			}
		})
	}
}

func TestLanguageTag(t *testing.T) {
	tests := []struct{ in, want string }{
		{"en", "en"},
		{"en_US", "en-US"},
		{"pt-br", "pt-BR"},
		{" fr ", "fr"},
		{"not a language!", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := languageTag(tt.in); got != tt.want {
			t.Errorf("languageTag(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzFromHTML(f *testing.F) {
	for _, s := range []string{unsafeHTML, "<p>a<br>b</p><pre>x\n y</pre>", "<!doctype html><title>t</title><p>x", "<table><td>a<td>b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		doc, err := FromHTML([]byte(in), nil)
		if err != nil {
			return
		}
		if problem := checkCanonicalForm(doc.Text); problem != "" {
			t.Fatalf("FromHTML(%q).Text = %q: %s", in, doc.Text, problem)
		}
		if strings.Contains(strings.ToLower(doc.HTML), "<script") {
			t.Fatalf("FromHTML(%q).HTML keeps a script: %q", in, doc.HTML)
		}
	})
}

package export_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/export"
	"github.com/claimdesk/claimdesk/internal/models"
)

func parse(t *testing.T, s string) []export.Imported {
	t.Helper()
	got, err := export.ParseAnnotations(strings.NewReader(s))
	if err != nil {
		t.Fatalf("ParseAnnotations: %v", err)
	}
	return got
}

// fileError checks that err is a ValidationError on "file" whose message
// contains each of want.
func fileError(t *testing.T, err error, want ...string) {
	t.Helper()
	var v models.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("err = %v (%T), want a models.ValidationError", err, err)
	}
	msg, ok := v["file"]
	if !ok {
		t.Fatalf("ValidationError %v has no \"file\" message", v)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q does not mention %q", msg, w)
		}
	}
}

func TestParseSingleAnnotation(t *testing.T) {
	d := fixture(t)
	c := d.Claims[0]
	got := parse(t, string(mustJSON(t, export.Annotation(d, c))))
	if len(got) != 1 {
		t.Fatalf("got %d annotations, want 1", len(got))
	}
	im := got[0]
	want := export.Imported{
		Index: 0, ID: "https://claims.example.org/api/v1/claims/101/annotation", Source: d.Article.SourceURL,
		Quote: c.Quote, Prefix: c.Prefix, Suffix: c.Suffix, Start: c.Start, End: c.End, HasPosition: true, HasQuote: true,
		Body: "Mostly false\n\n" + c.Explanation + "\n\n" + c.Notes,
	}
	if im != want {
		t.Errorf("got  %+v\nwant %+v", im, want)
	}
	if !im.SameDocument(d.Article, d.BaseURL) {
		t.Error("SameDocument = false for the article's own annotation")
	}
}

func TestParsePage(t *testing.T) {
	d := fixture(t)
	page := map[string]any{
		"@context": export.AnnotationContext,
		"id":       "https://example.org/page1",
		"type":     "AnnotationPage",
		"items": []any{
			export.Annotation(d, d.Claims[2]),
			"https://example.org/annotations/not-embedded",
			export.Annotation(d, d.Claims[3]),
		},
	}
	got := parse(t, string(mustJSON(t, page)))
	if len(got) != 3 {
		t.Fatalf("got %d items, want 3 (a link to an annotation is reported, not dropped)", len(got))
	}
	if got[0].Quote != d.Claims[2].Quote || got[0].Start != d.Claims[2].Start || got[2].Quote != d.Claims[3].Quote {
		t.Errorf("items out of order or wrong: %+v", got)
	}
	if got[1].ID != "https://example.org/annotations/not-embedded" || got[1].HasQuote || got[1].HasPosition || got[1].Index != 1 {
		t.Errorf("link item = %+v, want ID set and nothing to anchor", got[1])
	}
}

func TestParseCollection(t *testing.T) {
	d := fixture(t)
	var buf bytes.Buffer
	if err := export.WriteAnnotations(&buf, d); err != nil {
		t.Fatal(err)
	}
	got, err := export.ParseAnnotations(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(d.Claims) {
		t.Fatalf("got %d annotations, want %d", len(got), len(d.Claims))
	}
	for i, im := range got {
		c := d.Claims[i]
		if im.Index != i || im.Quote != c.Quote || !im.HasQuote {
			t.Errorf("annotation %d = %+v", i, im)
		}
		located := c.AnchorState != models.AnchorOrphaned
		if im.HasPosition != located || located && (im.Start != c.Start || im.End != c.End) {
			t.Errorf("annotation %d position = %v %d–%d, want %v %d–%d", i, im.HasPosition, im.Start, im.End, located, c.Start, c.End)
		}
	}

	// A collection that only links to its pages cannot be imported.
	_, err = export.ParseAnnotations(strings.NewReader(`{"@context":"http://www.w3.org/ns/anno.jsonld","type":"AnnotationCollection","id":"https://x.example/c","total":3,"first":"https://x.example/c?page=0"}`))
	fileError(t, err, "embedded")

	// Pages chained with embedded "next" are all read.
	chained := `{"type":"AnnotationCollection","first":{"type":"AnnotationPage","items":[{"type":"Annotation","target":"https://a.example/1"}],
	  "next":{"type":"AnnotationPage","items":[{"type":"Annotation","target":"https://a.example/2"}]}}}`
	if got := parse(t, chained); len(got) != 2 || got[1].Source != "https://a.example/2" {
		t.Errorf("chained pages: %+v", got)
	}
}

// hypothesisJSONLD is shaped like h's JSON-LD presenter: the body as
// Markdown, tags as tagging bodies, an XPath selector refined by a position
// relative to that element, and document-wide position and quote.
const hypothesisJSONLD = `{
  "@context": "http://www.w3.org/ns/anno.jsonld",
  "type": "Annotation",
  "id": "https://hypothes.is/a/Xk2pQw9sEe-abc123",
  "created": "2026-03-04T09:12:44.102Z",
  "modified": "2026-03-04T09:13:02.551Z",
  "creator": "acct:reader@hypothes.is",
  "body": [
    {"type": "TextualBody", "value": "Is this **really** a third?", "format": "text/markdown"},
    {"type": "TextualBody", "value": "transport", "purpose": "tagging"}
  ],
  "target": [{
    "source": "https://news.example.com/2026/03/03/harbourton-tram",
    "selector": [
      {"type": "XPathSelector", "value": "/main[1]/article[1]/p[1]",
       "refinedBy": {"type": "TextPositionSelector", "start": 65, "end": 154}},
      {"type": "TextPositionSelector", "start": 1042, "end": 1131},
      {"type": "TextQuoteSelector", "exact": "the city’s new tram line had “cut average commutes by a third” since it opened in January",
       "prefix": "r Ana Ruiz said on Tuesday that ", "suffix": ", and promised a second line “be"}
    ]
  }]
}`

// hypothesisExport is shaped like the Hypothesis client's JSON export: h's
// native annotation format (uri, text, tags, target with Hypothesis's own
// RangeSelector) inside {"annotations": […]}.
const hypothesisExport = `{
  "export_date": "2026-03-05T10:00:00.000Z",
  "export_userid": "acct:reader@hypothes.is",
  "client_version": "1.1500.0",
  "annotations": [
    {
      "id": "h-001",
      "created": "2026-03-04T09:12:44.102Z",
      "updated": "2026-03-04T09:13:02.551Z",
      "user": "acct:reader@hypothes.is",
      "uri": "http://news.example.com/2026/03/03/harbourton-tram/?utm_source=feed#top",
      "text": "Which routes?",
      "tags": ["check"],
      "group": "__world__",
      "target": [{
        "source": "http://news.example.com/2026/03/03/harbourton-tram/?utm_source=feed#top",
        "selector": [
          {"type": "RangeSelector", "startContainer": "/div[1]/p[2]", "startOffset": 12, "endContainer": "/div[1]/p[2]", "endOffset": 70},
          {"type": "TextPositionSelector", "start": 1201, "end": 1259},
          {"type": "TextQuoteSelector", "exact": "Ridership is up 40% and nobody waits more than six minutes", "prefix": "this city ever made 🚋 ", "suffix": ".”"}
        ]
      }],
      "document": {"title": ["Harbourton mayor says new tram"]}
    },
    {
      "id": "h-002",
      "uri": "https://other.example.net/story",
      "text": "A page note on another story",
      "target": [{"source": "https://other.example.net/story"}]
    }
  ]
}`

func TestParseHypothesis(t *testing.T) {
	d := fixture(t)
	got := parse(t, hypothesisJSONLD)
	if len(got) != 1 {
		t.Fatalf("JSON-LD: got %d, want 1", len(got))
	}
	im := got[0]
	if !im.HasPosition || im.Start != 1042 || im.End != 1131 {
		t.Errorf("position = %v %d–%d, want the document-wide 1042–1131 (not the XPath-relative 65–154)", im.HasPosition, im.Start, im.End)
	}
	if im.Quote != d.Claims[0].Quote || im.Prefix != d.Claims[0].Prefix || im.Suffix != d.Claims[0].Suffix {
		t.Errorf("quote = %q / %q / %q", im.Prefix, im.Quote, im.Suffix)
	}
	if im.Body != "Is this **really** a third?" {
		t.Errorf("body = %q, want the comment without the tag", im.Body)
	}
	if !im.SameDocument(d.Article, d.BaseURL) {
		t.Error("SameDocument = false")
	}

	got = parse(t, hypothesisExport)
	if len(got) != 2 {
		t.Fatalf("client export: got %d, want 2", len(got))
	}
	if got[0].ID != "h-001" || got[0].Quote != d.Claims[2].Quote || got[0].Start != 1201 || got[0].Body != "Which routes?" {
		t.Errorf("client export [0] = %+v", got[0])
	}
	if !got[0].SameDocument(d.Article, d.BaseURL) {
		t.Errorf("%q is the article's URL (http, trailing slash, utm_ and fragment aside)", got[0].Source)
	}
	if got[1].HasQuote || got[1].SameDocument(d.Article, d.BaseURL) || got[1].Body != "A page note on another story" {
		t.Errorf("client export [1] = %+v, want a page note on another document, reported", got[1])
	}
}

func TestParseOtherDocument(t *testing.T) {
	d := fixture(t)
	anno := func(source string) string {
		return `{"@context":"http://www.w3.org/ns/anno.jsonld","id":"https://x.example/a","type":"Annotation",
		  "target":{"source":` + string(mustJSON(t, source)) + `,"selector":{"type":"TextQuoteSelector","exact":"boardings"}}}`
	}
	for source, same := range map[string]bool{
		"https://elsewhere.example.org/story":                     false,
		"https://news.example.com/2026/03/03/other-story":         false,
		"https://NEWS.example.com/2026/03/03/harbourton-tram":     true,
		"https://claims.example.org/articles/42":                  true,
		"https://claims.example.org/articles/42/revisions/2":      true,
		"https://claims.example.org/articles/43":                  false,
		"urn:uuid:6f1c5a0e-1b7d-4a53-9a55-0c1f7e0e2a11":           false,
		"https://news.example.com/2026/03/03/harbourton-tram?p=2": false,
	} {
		got := parse(t, anno(source))
		if len(got) != 1 {
			t.Fatalf("%s: got %d annotations, want 1 (never dropped)", source, len(got))
		}
		if got[0].Source != source || !got[0].HasQuote {
			t.Errorf("%s: got %+v", source, got[0])
		}
		if s := got[0].SameDocument(d.Article, d.BaseURL); s != same {
			t.Errorf("SameDocument(%s) = %v, want %v", source, s, same)
		}
	}
}

func TestParseMalformed(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"syntax error", "{\n  \"type\": \"Annotation\",\n  \"target\": }\n", []string{"not valid JSON", "line 3, column 13"}},
		{"truncated", `{"type": "Annotation", "target": {"source": "https://a.example/"`, []string{"ends too early", "line 1"}},
		{"trailing text", `{"type":"Annotation","target":"https://a.example/"} and more`, []string{"after the end", "line 1, column 53"}},
		{"two documents", "{\"type\":\"Annotation\",\"target\":\"https://a.example/\"}\n{}", []string{"after the end", "line 2, column 1"}},
		{"empty", "  \n", []string{"empty"}},
		{"not annotations", `{"hello": "world"}`, []string{"no Web Annotation"}},
		{"a number", `42`, []string{"no Web Annotation"}},
		{"items not a list", `{"type":"AnnotationPage","items":{"a":1}}`, []string{"not a list"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := export.ParseAnnotations(strings.NewReader(tt.in))
			if got != nil {
				t.Errorf("got %v with an error", got)
			}
			fileError(t, err, tt.want...)
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	// A valid JSON array padded past the limit: refused for size, unread.
	big := io.MultiReader(strings.NewReader("["), strings.NewReader(strings.Repeat(" ", export.MaxImportBytes)), strings.NewReader("]"))
	_, err := export.ParseAnnotations(big)
	fileError(t, err, "5 MiB")

	// At the limit it is read.
	ok := "[" + strings.Repeat(" ", export.MaxImportBytes-2) + "]"
	if _, err := export.ParseAnnotations(strings.NewReader(ok)); err != nil {
		t.Errorf("a file of exactly %d bytes: %v", export.MaxImportBytes, err)
	}
}

func TestParseBOMAndOddValues(t *testing.T) {
	in := "\uFEFF" + `[{"type":"Annotation","target":{"source":"https://a.example/",
	  "selector":[{"type":"TextPositionSelector","start":-1,"end":4},{"type":"TextQuoteSelector","exact":""}]},
	  "bodyValue":"note"}]`
	got := parse(t, in)
	if len(got) != 1 || got[0].HasPosition || got[0].HasQuote || got[0].Body != "note" {
		t.Errorf("got %+v: a negative position and an empty quote are not usable", got)
	}
	var v any
	if err := json.Unmarshal([]byte(strings.TrimPrefix(in, "\uFEFF")), &v); err != nil {
		t.Fatal(err)
	}
}

// TestParseDropsNUL: U+0000 in an annotation's id or comment is dropped,
// since PostgreSQL cannot store it in text and the comment becomes notes.
func TestParseDropsNUL(t *testing.T) {
	got := parse(t, `{"type":"Annotation","id":"urn:a\u0000b","target":{"source":"https://a.example/\u0000"},
	  "body":{"type":"TextualBody","value":"one\u0000two"}}`)
	if len(got) != 1 || got[0].ID != "urn:ab" || got[0].Body != "onetwo" || got[0].Source != "https://a.example/" {
		t.Errorf("got %+v, want the NUL characters dropped", got)
	}
}

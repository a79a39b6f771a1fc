package export_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/export"
	"github.com/claimdesk/claimdesk/internal/models"
)

// selectors returns the TextQuote and TextPosition selectors of an
// exported annotation, decoded as a consumer would.
func selectors(t *testing.T, a map[string]any) (quote, pos map[string]any) {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(mustJSON(t, a), &v); err != nil {
		t.Fatal(err)
	}
	for _, s := range get(t, v, "target", "selector").([]any) {
		m := s.(map[string]any)
		switch m["type"] {
		case "TextQuoteSelector":
			quote = m
		case "TextPositionSelector":
			pos = m
		}
	}
	return quote, pos
}

// TestAnnotationOffsetsAreCodePoints: start/end select exactly the quote
// when the text is counted in code points (claim 3 comes after an emoji,
// where bytes, UTF-16 units and code points all differ).
func TestAnnotationOffsetsAreCodePoints(t *testing.T) {
	d := fixture(t)
	runes := []rune(d.Article.Text)
	for _, c := range d.Claims[:4] {
		quote, pos := selectors(t, export.Annotation(d, c))
		if pos == nil {
			t.Fatalf("claim %d: no TextPositionSelector", c.ID)
		}
		start, end := int(pos["start"].(float64)), int(pos["end"].(float64))
		if got := string(runes[start:end]); got != quote["exact"] {
			t.Errorf("claim %d: text[%d:%d] = %q, exact = %q", c.ID, start, end, got, quote["exact"])
		}
		if quote["prefix"] != c.Prefix || quote["suffix"] != c.Suffix {
			t.Errorf("claim %d: prefix/suffix = %q/%q, want %q/%q", c.ID, quote["prefix"], quote["suffix"], c.Prefix, c.Suffix)
		}
	}
	emoji := len([]rune(d.Article.Text[:strings.Index(d.Article.Text, "🚋")]))
	if c := d.Claims[2]; c.Start <= emoji {
		t.Fatalf("fixture changed: claim 3 (at %d) must come after the emoji (at %d)", c.Start, emoji)
	}
}

func TestAnnotationTarget(t *testing.T) {
	d := fixture(t)
	var a map[string]any
	if err := json.Unmarshal(mustJSON(t, export.Annotation(d, d.Claims[0])), &a); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"id":                  "https://claims.example.org/api/v1/claims/101/annotation",
		"motivation":          "assessing",
		"created":             "2026-03-03T10:00:00Z",
		"modified":            "2026-03-05T16:30:00Z",
		"target.source":       "https://news.example.com/2026/03/03/harbourton-tram",
		"target.state.type":   "TimeState",
		"target.state.cached": "https://claims.example.org/articles/42/revisions/3",
		"creator.name":        "Sam Editor",
		"creator.type":        "Person",
	} {
		if got := getPath(t, a, path); got != want {
			t.Errorf("%s = %v, want %q", path, got, want)
		}
	}
	purposes := map[string]int{}
	for _, b := range a["body"].([]any) {
		purposes[b.(map[string]any)["purpose"].(string)]++
	}
	if purposes["assessing"] != 1 || purposes["commenting"] != 1 || purposes["linking"] != 3 || purposes["tagging"] != 1 {
		t.Errorf("body purposes = %v", purposes)
	}

	// Without an original URL the target is the article in Claimdesk.
	d.Article.SourceURL = ""
	if got := export.Annotation(d, d.Claims[0])["target"].(map[string]any)["source"]; got != "https://claims.example.org/articles/42" {
		t.Errorf("target source without SourceURL = %v", got)
	}
}

// TestAnnotationUnlocated: an orphaned claim, or one whose offsets do not
// select its quote, is exported by quote only, never at a wrong position.
func TestAnnotationUnlocated(t *testing.T) {
	d := fixture(t)
	stale := d.Claims[0]
	stale.Start++ // text there is no longer the quote
	moved := d.Claims[1]
	moved.AnchorRevision = 2 // offsets count in an older revision
	for name, c := range map[string]models.ClaimDetail{"orphaned": d.Claims[4], "stale offsets": stale, "old revision": moved} {
		a := export.Annotation(d, c)
		quote, pos := selectors(t, a)
		if pos != nil {
			t.Errorf("%s: has a TextPositionSelector %v", name, pos)
		}
		if quote == nil || quote["exact"] != c.Quote {
			t.Errorf("%s: quote selector = %v", name, quote)
		}
		if _, ok := a["target"].(map[string]any)["state"]; ok {
			t.Errorf("%s: has a state naming a revision its quote is not located in", name)
		}
	}
}

func getPath(t *testing.T, v any, path string) any {
	t.Helper()
	var keys []string
	start := 0
	for i := 0; i <= len(path); i++ {
		if i == len(path) || path[i] == '.' {
			keys = append(keys, path[start:i])
			start = i + 1
		}
	}
	return get(t, v, keys...)
}

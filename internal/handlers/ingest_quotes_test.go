package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
)

// wrappedRelease is plain text hard-wrapped at 62 columns, as text exported
// from an ODT file comes (issue 13).
const wrappedRelease = `For some, just the idea of tracking steps and calories is enough
to make them exercise - but many of us need much more of an
incentive. So designers in Austin have created a concept app
that rewards you for working out by turning your heart rate
data into virtual currency. “This concept combines two of our
specialties: looking good and making money,” said the studio’s
boss – who declined to say when the app would be released.
`

// TestQuoteAcrossLineBreaksAndTypography marks claims by quotes that differ
// from the article in whitespace and typography, through the API, the
// quote form and W3C import; each claim stores the article's characters.
func TestQuoteAcrossLineBreaksAndTypography(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	code, art, _ := c.call("POST", "/api/v1/articles", map[string]any{"title": "FitCoin", "text": wrappedRelease,
		"source_url": "https://news.example.com/fitcoin"})
	if code != http.StatusCreated {
		t.Fatalf("create article: %d %v", code, art)
	}
	id, text := int64(num(art, "id")), art["text"].(string)
	if strings.Contains(text, "\n") {
		t.Fatalf("the wrapped text was not unwrapped: %q", text)
	}
	path := "/api/v1/articles/" + itoa(id) + "/claims"

	// A quote copied from the wrapped original, across its line break.
	code, cl, _ := c.call("POST", path, map[string]any{"quote": "much more of an\nincentive"})
	if code != http.StatusCreated || cl["quote"] != "much more of an incentive" {
		t.Fatalf("quote across a line break: %d %v", code, cl)
	}
	// Straight quotes, a hyphen for the en dash, a double space.
	typed := `"This concept combines two of our  specialties: looking good and making money," said the studio's boss - who`
	want := "“This concept combines two of our specialties: looking good and making money,” said the studio’s boss – who"
	code, cl, _ = c.call("POST", path, map[string]any{"quote": typed})
	if code != http.StatusCreated || cl["quote"] != want {
		t.Fatalf("typed typography: %d %v, want quote %q", code, cl, want)
	}
	// Still not there: refused as before.
	if code, body, _ := c.call("POST", path, map[string]any{"quote": "much less of an incentive"}); code != http.StatusUnprocessableEntity || fields(body)["quote"] == nil {
		t.Errorf("absent quote: %d %v", code, body)
	}

	// The quote form (no JavaScript) with a pasted line break and an NBSP.
	editor := a.signIn(models.RoleEditor)
	res := editor.postForm("/articles/"+itoa(id)+"/claims", url.Values{"quote": {"working out by turning your heart\r\nrate\u00a0data"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("quote form: %d %s", res.StatusCode, res.Body)
	}

	// A W3C annotation whose quote has straight quotes and a line break.
	ann := w3cAnnotation("urn:x", quoteSel("https://news.example.com/fitcoin", "looking good and making money,\"\nsaid", "", ""), "")
	code, rep, _ := postImport(t, c, id, "application/ld+json", imJSON(ann))
	if code != http.StatusCreated || len(rep.Created) != 1 || rep.Created[0].Quote != "looking good and making money,” said" {
		t.Fatalf("import: %d %+v", code, rep)
	}
}

// TestQuoteFoldedAmbiguous: a folded quote that matches twice is reported as
// ambiguous, with both occurrences.
func TestQuoteFoldedAmbiguous(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	id, _ := createArticle(t, c, "Taxes rose—again. Later, taxes rose – again.")
	code, body, _ := c.call("POST", "/api/v1/articles/"+itoa(id)+"/claims", map[string]any{"quote": "rose - again"})
	if occ, _ := body["occurrences"].([]any); code != http.StatusUnprocessableEntity || len(occ) != 2 {
		t.Fatalf("folded ambiguous quote: %d %v", code, body)
	}
}

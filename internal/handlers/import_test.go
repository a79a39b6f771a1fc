package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/claimdesk/claimdesk/internal/models"
)

// importArticle creates the Helsinki-style article through the API with a
// source URL, and returns its id and text.
func importArticle(t *testing.T, c *client) (int64, string) {
	t.Helper()
	code, art, _ := c.call("POST", "/api/v1/articles", map[string]any{"title": "Helsinki summit", "text": helsinkiReport,
		"source_url": "https://news.example.com/2018/07/16/helsinki-summit"})
	if code != http.StatusCreated {
		t.Fatalf("create article: %d %v", code, art)
	}
	return int64(num(art, "id")), art["text"].(string)
}

// quoteSel is a W3C target on the article with a TextQuoteSelector.
func quoteSel(source, exact, prefix, suffix string) map[string]any {
	sel := map[string]any{"type": "TextQuoteSelector", "exact": exact}
	if prefix != "" {
		sel["prefix"] = prefix
	}
	if suffix != "" {
		sel["suffix"] = suffix
	}
	return map[string]any{"source": source, "selector": sel}
}

func w3cAnnotation(id string, target any, comment string) map[string]any {
	a := map[string]any{"@context": "http://www.w3.org/ns/anno.jsonld", "id": id, "type": "Annotation", "target": target}
	if comment != "" {
		a["body"] = map[string]any{"type": "TextualBody", "value": comment, "purpose": "commenting"}
	}
	return a
}

// imReport is the API's answer to an import.
type imReport struct {
	Total   int `json:"total"`
	Created []struct {
		ID    int64  `json:"id"`
		Index int    `json:"index"`
		Quote string `json:"quote"`
	} `json:"created"`
	Failed []struct {
		Index   int    `json:"index"`
		Reason  string `json:"reason"`
		Message string `json:"message"`
	} `json:"failed"`
}

// postImport sends body to the import API with a content type, and
// decodes the answer.
func postImport(t *testing.T, c *client, articleID int64, contentType string, body []byte) (int, imReport, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.a.srv.URL+"/api/v1/articles/"+itoa(articleID)+"/import", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 500 {
		t.Fatalf("import: %d %s", res.StatusCode, raw)
	}
	var rep imReport
	var generic map[string]any
	_ = json.Unmarshal(raw, &rep)
	_ = json.Unmarshal(raw, &generic)
	return res.StatusCode, rep, generic
}

func imJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func TestImportAnnotationsAPI(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	id, text := importArticle(t, c)
	src := "https://news.example.com/2018/07/16/helsinki-summit"

	// One W3C annotation: quote and position (code points) agree.
	start := cp(text, putinQuote)
	one := w3cAnnotation("urn:one", map[string]any{"source": src, "selector": []any{
		map[string]any{"type": "TextQuoteSelector", "exact": putinQuote},
		map[string]any{"type": "TextPositionSelector", "start": start, "end": start + len([]rune(putinQuote))},
	}}, "Check against the indictment.")
	code, rep, _ := postImport(t, c, id, "application/ld+json", imJSON(one))
	if code != http.StatusCreated || len(rep.Created) != 1 || len(rep.Failed) != 0 || rep.Created[0].Quote != putinQuote {
		t.Fatalf("single annotation: %d %+v", code, rep)
	}
	claim := storedClaim(t, a, rep.Created[0].ID)
	if claim.Start != start || claim.Notes != "Check against the indictment." || claim.State != models.StateNew || claim.Prefix == "" {
		t.Errorf("imported claim: %+v", claim.Claim)
	}

	// A page of annotations that anchor, and of every kind that does not.
	// "the" after the emoji, by UTF-16 offsets as Hypothesis counts them:
	// in code points the same numbers point one character further on.
	the := strings.Index(text, "the two countries")
	the16 := len(utf16.Encode([]rune(text[:the])))
	page := map[string]any{"type": "AnnotationPage", "items": []any{
		w3cAnnotation("urn:a", quoteSel(src, "indicted 12 Russian intelligence officers", "", ""), "Needs the court filing."),
		w3cAnnotation("urn:b", quoteSel(src, "Moscow denied everything", "", ""), ""),
		w3cAnnotation("urn:c", quoteSel(src, "Russian", "", ""), ""),
		w3cAnnotation("urn:d", map[string]any{"source": src, "selector": []any{
			map[string]any{"type": "TextQuoteSelector", "exact": "the"},
			map[string]any{"type": "TextPositionSelector", "start": the16, "end": the16 + 3},
		}}, ""),
		w3cAnnotation("urn:e", quoteSel("https://other.example.org/story", "Russian president", "", ""), ""),
		w3cAnnotation("urn:f", src, "A note on the whole page."),
		w3cAnnotation("urn:g", quoteSel(src, putinQuote, "", ""), "Again."),
		w3cAnnotation("urn:h", quoteSel(src, "met for more than two hours", "", ""), strings.Repeat("long ", 2001)),
		w3cAnnotation("urn:i", quoteSel(src, "Russian", "the ", " president"), "Context picks it."),
	}}
	code, rep, _ = postImport(t, c, id, "application/json", imJSON(page))
	if code != http.StatusCreated || rep.Total != 9 {
		t.Fatalf("page: %d %+v", code, rep)
	}
	created := map[int]string{}
	for _, cr := range rep.Created {
		created[cr.Index] = cr.Quote
	}
	if len(created) != 3 || created[0] != "indicted 12 Russian intelligence officers" || created[3] != "the" || created[8] != "Russian" {
		t.Errorf("created = %v, want annotations 0, 3 and 8", created)
	}
	reasons := map[int]string{}
	for _, f := range rep.Failed {
		reasons[f.Index] = f.Reason
		if f.Message == "" {
			t.Errorf("failure %d has no message", f.Index)
		}
	}
	want := map[int]string{1: "not_found", 2: "ambiguous", 4: "other_document", 5: "no_selector", 6: "duplicate", 7: "too_long"}
	for i, r := range want {
		if reasons[i] != r {
			t.Errorf("annotation %d: reason %q, want %q", i, reasons[i], r)
		}
	}
	for _, cr := range rep.Created {
		if cr.Index == 3 {
			if got := storedClaim(t, a, cr.ID); got.Start != cp(text, "the two countries") {
				t.Errorf("UTF-16 position: claim starts at %d, want %d", got.Start, cp(text, "the two countries"))
			}
		}
	}

	// A Hypothesis client export, sent as a file.
	hyp := map[string]any{"annotations": []any{map[string]any{
		"uri": src, "text": "From Hypothesis.",
		"target": []any{map[string]any{"source": src, "selector": []any{
			map[string]any{"type": "RangeSelector", "startContainer": "/p[3]", "endContainer": "/p[3]", "startOffset": 0, "endOffset": 8},
			map[string]any{"type": "TextQuoteSelector", "exact": "relations between the two countries", "prefix": "said ", "suffix": " had"},
		}}},
	}}}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", "hypothesis.json")
	_, _ = fw.Write(imJSON(hyp))
	_ = w.Close()
	code, rep, _ = postImport(t, c, id, w.FormDataContentType(), buf.Bytes())
	if code != http.StatusCreated || len(rep.Created) != 1 || rep.Created[0].Quote != "relations between the two countries" {
		t.Errorf("Hypothesis export as a file: %d %+v", code, rep)
	}
	claims, err := a.store.ArticleClaims(context.Background(), id)
	if err != nil || len(claims) != 5 {
		t.Errorf("claims after the imports: %d, %v; want 5", len(claims), err)
	}
}

func TestImportAnnotationsBadInput(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	id, _ := importArticle(t, c)
	src := "https://news.example.com/2018/07/16/helsinki-summit"
	huge := append([]byte(`{"type":"AnnotationPage","items":[]`), bytes.Repeat([]byte(" "), 5<<20)...)
	huge = append(huge, '}')
	tests := []struct {
		name        string
		contentType string
		body        []byte
		status      int
		field       string // the field of the error, or the reason of every failure when status is 200
		message     string
	}{
		{"malformed JSON", "application/json", []byte("{\n  \"type\": \"Annotation\",\n  \"target\": [\n}"), 422, "file", "line 4, column 1"},
		{"not an annotation", "application/json", []byte(`{"hello": "world"}`), 422, "file", "no Web Annotation"},
		{"empty collection", "application/json", []byte(`{"type":"AnnotationCollection","total":0}`), 422, "file", "no annotations"},
		{"empty body", "application/json", nil, 422, "file", "empty"},
		{"over 5 MiB", "application/json", huge, 422, "file", "larger than 5 MiB"},
		{"over the request limit", "application/json", bytes.Repeat([]byte(" "), 7<<20), 413, "", ""},
		{"not JSON at all", "text/plain", []byte("hello"), 400, "", "Send the annotations as JSON"},
		{"multipart without a file", "multipart/form-data; boundary=x", []byte("--x--\r\n"), 422, "file", "form field"},
		{"selectors match nothing", "application/json", imJSON(w3cAnnotation("urn:x", quoteSel(src, "Nobody said this", "", ""), "")), 200, "not_found", ""},
		{"a page for another document", "application/json", imJSON(map[string]any{"type": "AnnotationPage", "items": []any{
			w3cAnnotation("urn:1", quoteSel("https://elsewhere.example.com/a", "Russian president", "", ""), ""),
			w3cAnnotation("urn:2", quoteSel("https://elsewhere.example.com/a", "grand jury", "", ""), ""),
		}}), 200, "other_document", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, rep, body := postImport(t, c, id, tt.contentType, tt.body)
			if code != tt.status {
				t.Fatalf("status %d, want %d: %v", code, tt.status, body)
			}
			switch {
			case code == http.StatusOK:
				if len(rep.Created) != 0 || len(rep.Failed) == 0 {
					t.Fatalf("report %+v", rep)
				}
				for _, f := range rep.Failed {
					if f.Reason != tt.field {
						t.Errorf("reason %q, want %q", f.Reason, tt.field)
					}
				}
			case tt.field != "":
				if msg, _ := fields(body)[tt.field].(string); !strings.Contains(msg, tt.message) {
					t.Errorf("fields.%s = %q, want it to say %q", tt.field, msg, tt.message)
				}
			case tt.message != "":
				if msg, _ := body["error"].(string); !strings.Contains(msg, tt.message) {
					t.Errorf("error = %q, want it to say %q", msg, tt.message)
				}
			}
		})
	}
	// None of them wrote anything.
	if claims, err := a.store.ArticleClaims(context.Background(), id); err != nil || len(claims) != 0 {
		t.Errorf("claims after refused imports: %d, %v", len(claims), err)
	}
	viewer := a.apiClient(models.RoleViewer)
	if code, _, _ := postImport(t, viewer, id, "application/json", imJSON(w3cAnnotation("urn:v", quoteSel(src, "grand jury", "", ""), ""))); code != http.StatusForbidden {
		t.Errorf("import by a viewer: %d, want 403", code)
	}
	if code, _, _ := postImport(t, c, 999999, "application/json", []byte(`{}`)); code != http.StatusNotFound {
		t.Errorf("import into a missing article: %d, want 404", code)
	}
}

func TestImportPage(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	id, _ := importArticle(t, c)
	path := "/articles/" + itoa(id) + "/import"
	src := "https://news.example.com/2018/07/16/helsinki-summit"

	if res := a.signIn(models.RoleViewer).get(path); res.StatusCode != http.StatusForbidden {
		t.Errorf("import page for a viewer: %d, want 403", res.StatusCode)
	}
	b := a.signIn(models.RoleEditor)
	if res := b.get("/articles/" + itoa(id)); !strings.Contains(res.Body, `href="`+path+`"`) {
		t.Errorf("the article page does not link to the import")
	}
	form := b.get(path)
	if form.StatusCode != http.StatusOK || !strings.Contains(form.Body, `enctype="multipart/form-data"`) {
		t.Fatalf("import form: %d", form.StatusCode)
	}
	file := imJSON(map[string]any{"type": "AnnotationPage", "items": []any{
		w3cAnnotation("urn:a", quoteSel(src, "grand jury indicted 12", "", ""), "From the file."),
		w3cAnnotation("urn:b", quoteSel(src, "Nobody said this", "", ""), ""),
	}})
	res := b.postFile(path, url.Values{}, "file", "annotations.json", file)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `data-testid="import-report"`) ||
		!strings.Contains(res.Body, "Imported 1 claim of 2 annotations") || !strings.Contains(res.Body, `data-reason="not_found"`) {
		t.Fatalf("upload: %d\n%s", res.StatusCode, res.Body)
	}
	// Pasted JSON that is not valid: the message is on the paste field.
	res = b.postForm(path, url.Values{"json": {`{"type": "Annotation",`}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="err-json"`) || !strings.Contains(res.Body, "not valid JSON") {
		t.Errorf("pasted bad JSON: %d", res.StatusCode)
	}
	res = b.postForm(path, url.Values{})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="err-file"`) {
		t.Errorf("nothing sent: %d", res.StatusCode)
	}
	if res := b.postForm(path, url.Values{"_csrf": {"wrong"}, "json": {"{}"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("import without the CSRF token: %d", res.StatusCode)
	}
}

// storedClaim reads a claim from the app's store.
func storedClaim(t *testing.T, a *app, id int64) models.ClaimDetail {
	t.Helper()
	c, err := a.store.Claim(context.Background(), id)
	if err != nil {
		t.Fatalf("claim %d: %v", id, err)
	}
	return c
}

// TestImportNULInComment: a comment or id holding U+0000 imports (the
// character dropped) instead of failing on PostgreSQL with a 500.
func TestImportNULInComment(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	id, _ := importArticle(t, c)
	src := "https://news.example.com/2018/07/16/helsinki-summit"
	code, rep, body := postImport(t, c, id, "application/json", imJSON(w3cAnnotation("urn:a\u0000b", quoteSel(src, "grand jury", "", ""), "a\u0000comment")))
	if code != http.StatusCreated || len(rep.Created) != 1 {
		t.Fatalf("import: %d %v", code, body)
	}
	cl, err := a.store.Claim(context.Background(), rep.Created[0].ID)
	if err != nil || cl.Notes != "acomment" {
		t.Errorf("notes = %q, %v; want %q", cl.Notes, err, "acomment")
	}
}

package handlers_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
)

const fcPutin = `{"@context":"https://schema.org","@type":"ClaimReview","url":"https://checks.example/putin-never-interfered?utm_source=feed",
"claimReviewed":"The Russian state has never interfered in internal American affairs","headline":"Putin’s denial of election interference",
"reviewRating":{"@type":"Rating","ratingValue":1,"bestRating":5,"worstRating":1,"alternateName":"False"},
"author":{"@type":"Organization","name":"Example Checks","url":"https://checks.example"},"datePublished":"2018-07-17","inLanguage":"en",
"itemReviewed":{"@type":"Claim","author":{"@type":"Person","name":"Vladimir Putin"},"datePublished":"2018-07-16"}}`

const fcNoRating = `{"@type":"ClaimReview","url":"https://checks.example/indictment","claimReviewed":"A grand jury indicted 12 Russian intelligence officers","author":{"name":"Other Desk"},"datePublished":"2018-07-14"}`

// fcRequest sends a body to the import API.
func fcRequest(t *testing.T, c *client, contentType string, body io.Reader, length int64) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.a.srv.URL+"/api/v1/factchecks/import", body)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if length >= 0 {
		req.ContentLength = length
	} else {
		req.ContentLength = -1 // chunked
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
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return res.StatusCode, out
}

func fcImport(t *testing.T, c *client, contentType, body string) (int, map[string]any) {
	t.Helper()
	return fcRequest(t, c, contentType, strings.NewReader(body), int64(len(body)))
}

func list(m map[string]any, key string) []any { l, _ := m[key].([]any); return l }

func TestFactCheckImportAPI(t *testing.T) {
	a := newApp(t)
	ed := a.apiClient(models.RoleEditor)

	status, rep := fcImport(t, ed, "application/ld+json", `{"@context":"https://schema.org","@type":"DataFeed","dataFeedElement":[`+fcPutin+`,{"@type":"DataFeedItem","item":`+fcNoRating+`}]}`)
	if status != http.StatusCreated || num(rep, "total") != 2 || len(list(rep, "created")) != 2 || len(list(rep, "updated")) != 0 || len(list(rep, "failed")) != 0 {
		t.Fatalf("DataFeed: %d %v", status, rep)
	}
	first := list(rep, "created")[0].(map[string]any)
	if first["url"] != "https://checks.example/putin-never-interfered" || num(first, "index") != 0 || num(first, "id") == 0 {
		t.Errorf("created item: %v", first)
	}
	id := itoa(int64(num(first, "id")))

	// JSON Lines with a broken line: that line fails, the rest import; the
	// known url is updated, and a duplicate later in the file too.
	jsonl := strings.ReplaceAll(fcPutin, "\n", "") + "\n{\"@type\": \"ClaimReview\", \"url\":\n" + fcNoRating + "\n" + strings.ReplaceAll(fcPutin, "\n", "") + "\n"
	status, rep = fcImport(t, ed, "application/x-ndjson", jsonl)
	if status != http.StatusOK || num(rep, "total") != 4 || len(list(rep, "created")) != 0 || len(list(rep, "updated")) != 3 || len(list(rep, "failed")) != 1 {
		t.Fatalf("JSON Lines: %d %v", status, rep)
	}
	if f := list(rep, "failed")[0].(map[string]any); f["reason"] != "not_json" || num(f, "index") != 1 || num(f, "line") != 2 || f["message"] == "" {
		t.Errorf("failed line: %v", f)
	}

	// Each bad item is reported, and writes nothing.
	status, rep = fcImport(t, ed, "application/json", `[
		{"@type":"NewsArticle","url":"https://x.example/a"},
		{"@type":"ClaimReview","claimReviewed":"no url"},
		{"@type":"ClaimReview","url":"https://x.example/b"},
		{"@type":"ClaimReview","url":"javascript:alert(1)","claimReviewed":"x"},
		{"@type":"ClaimReview","url":"https://x.example/c","claimReviewed":"`+strings.Repeat("long ", 1001)+`"},
		{"@type":"ClaimReview","url":"https://x.example/d","claimReviewed":"a\u0000b"}]`)
	if status != http.StatusOK || len(list(rep, "created")) != 0 || len(list(rep, "failed")) != 6 {
		t.Fatalf("bad items: %d %v", status, rep)
	}
	var reasons []string
	for _, f := range list(rep, "failed") {
		reasons = append(reasons, f.(map[string]any)["reason"].(string))
	}
	if got := strings.Join(reasons, " "); got != "not_claimreview missing_url missing_claim_reviewed bad_url too_long invalid" {
		t.Errorf("reasons: %s", got)
	}
	_, all, _ := ed.call(http.MethodGet, "/api/v1/factchecks", nil)
	if n := len(list(all, "items")); n != 2 {
		t.Errorf("%d fact-checks after the bad imports, want 2", n)
	}

	// The whole file is refused when it is not JSON or not JSON-LD: 422, nothing written.
	for name, body := range map[string]string{
		"not JSON":       "this is not json",
		"not JSON-LD":    `{"name":"x","items":[1,2]}`,
		"empty":          "",
		"cut short":      `[` + fcPutin + `, {"@type":`,
		"trailing data":  `[` + fcPutin + `] [1]`,
		"wrong top type": `true`,
	} {
		status, rep := fcImport(t, ed, "application/json", body)
		if status != http.StatusUnprocessableEntity || fields(rep)["file"] == nil {
			t.Errorf("%s: %d %v", name, status, rep)
		}
	}
	if status, rep := fcImport(t, ed, "text/csv", "url,claim"); status != http.StatusUnsupportedMediaType || !strings.Contains(rep["error"].(string), "application/x-ndjson") {
		t.Errorf("CSV: %d %v", status, rep)
	}

	// Roles: viewers cannot import or delete; editors cannot delete.
	if status, _ := fcImport(t, a.apiClient(models.RoleViewer), "application/json", fcPutin); status != http.StatusForbidden {
		t.Errorf("viewer import: %d", status)
	}
	if status, _, _ := ed.call(http.MethodDelete, "/api/v1/factchecks/"+id, nil); status != http.StatusForbidden {
		t.Errorf("editor delete: %d", status)
	}

	// Read one, with its ETag.
	status, fc, hd := ed.call(http.MethodGet, "/api/v1/factchecks/"+id, nil)
	if status != http.StatusOK || fc["claim_reviewed"] != "The Russian state has never interfered in internal American affairs" || hd.Get("ETag") == "" {
		t.Fatalf("get: %d %v", status, fc)
	}
	rating, _ := fc["rating"].(map[string]any)
	pub, _ := fc["publisher"].(map[string]any)
	if rating["name"] != "False" || rating["value"] != 1.0 || rating["best"] != 5.0 || pub["name"] != "Example Checks" || fc["claimant"] != "Vladimir Putin" ||
		fc["date_published"] != "2018-07-17T00:00:00Z" || fc["language"] != "en" || num(fc, "version") != 1 {
		t.Errorf("fact-check: %v", fc)
	}
	admin := a.apiClient(models.RoleAdmin)
	if status, _, _ := admin.call(http.MethodDelete, "/api/v1/factchecks/"+id, nil); status != http.StatusNoContent {
		t.Errorf("admin delete: %d", status)
	}
	if status, _, _ := ed.call(http.MethodGet, "/api/v1/factchecks/"+id, nil); status != http.StatusNotFound {
		t.Errorf("get after delete: %d", status)
	}
	if status, _, _ := admin.call(http.MethodDelete, "/api/v1/factchecks/"+id, nil); status != http.StatusNotFound {
		t.Errorf("second delete: %d", status)
	}
}

func TestFactCheckImportTooLarge(t *testing.T) {
	a := newApp(t)
	ed := a.apiClient(models.RoleEditor)
	big := `{"@type":"DataFeed","dataFeedElement":[` + strings.Repeat(strings.ReplaceAll(fcNoRating, "\n", "")+",", 5<<20/len(fcNoRating)) + fcNoRating + `]}`
	for _, chunked := range []bool{false, true} {
		length := int64(len(big))
		var body io.Reader = strings.NewReader(big)
		if chunked {
			length, body = -1, io.MultiReader(strings.NewReader(big)) // no length known
		}
		status, rep := fcRequest(t, ed, "application/json", body, length)
		msg, _ := rep["error"].(string)
		if status != http.StatusRequestEntityTooLarge || !strings.Contains(msg, "claimdesk factchecks import") {
			t.Errorf("chunked %v: %d %v", chunked, status, rep)
		}
	}
	// Far over the general 6 MB limit: the same message.
	huge := strings.Repeat(" ", 7<<20)
	if status, rep := fcImport(t, ed, "application/json", huge); status != http.StatusRequestEntityTooLarge || !strings.Contains(rep["error"].(string), "command line") {
		t.Errorf("7 MB: %d %v", status, rep)
	}
	_, all, _ := ed.call(http.MethodGet, "/api/v1/factchecks", nil)
	if n := len(list(all, "items")); n != 0 {
		t.Errorf("%d fact-checks written by refused imports", n)
	}
}

func TestFactCheckListAPI(t *testing.T) {
	a := newApp(t)
	ed := a.apiClient(models.RoleEditor)
	fcImport(t, ed, "application/json", "["+fcPutin+","+fcNoRating+"]")
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"https://checks.example/putin-never-interfered", "https://checks.example/indictment"}},
		{"?q=interfere", []string{"https://checks.example/putin-never-interfered"}},
		{"?q=indict+russian", []string{"https://checks.example/indictment"}},
		{"?publisher=other+desk", []string{"https://checks.example/indictment"}},
		{"?language=en", []string{"https://checks.example/putin-never-interfered"}},
		{"?from=2018-07-15", []string{"https://checks.example/putin-never-interfered"}},
		{"?to=2018-07-14", []string{"https://checks.example/indictment"}},
		{"?per_page=1&page=2", []string{"https://checks.example/indictment"}},
	}
	for _, tt := range tests {
		status, body, _ := ed.call(http.MethodGet, "/api/v1/factchecks"+tt.query, nil)
		var got []string
		for _, it := range list(body, "items") {
			got = append(got, it.(map[string]any)["url"].(string))
		}
		if status != http.StatusOK || strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s: %d %v, want %v", tt.query, status, got, tt.want)
		}
	}
	_, body, _ := ed.call(http.MethodGet, "/api/v1/factchecks?q=indictment", nil)
	if it := list(body, "items")[0].(map[string]any); it["rating"] != nil {
		t.Errorf("no rating should be null: %v", it["rating"])
	}
	for query, field := range map[string]string{
		"?q=" + strings.Repeat("a", 201): "q",
		"?from=yesterday":                "from",
		"?from=2020-01-02&to=2020-01-01": "to",
	} {
		status, body, _ := ed.call(http.MethodGet, "/api/v1/factchecks"+query, nil)
		if status != http.StatusUnprocessableEntity || fields(body)[field] == nil {
			t.Errorf("%s: %d %v", query, status, body)
		}
	}
	if status, _, _ := ed.call(http.MethodGet, "/api/v1/factchecks?per_page=500", nil); status != http.StatusBadRequest {
		t.Errorf("per_page 500: %d", status)
	}
}

// hostile is text meant to break out of HTML, attributes, scripts and JSON.
const hostile = `</script><script>alert(1)</script><img src=x onerror=alert(2)>"'&`

func TestFactCheckHostileTextInert(t *testing.T) {
	a := newApp(t)
	ed := a.apiClient(models.RoleEditor)
	h, _ := json.Marshal(hostile)
	hs := string(h)
	item := `{"@type":"ClaimReview","url":"https://checks.example/x?q=<script>","claimReviewed":` + hs + `,"headline":` + hs + `,"description":` + hs +
		`,"reviewRating":{"alternateName":` + hs + `},"author":{"name":` + hs + `,"url":"javascript:alert(3)"},"itemReviewed":{"author":{"name":` + hs +
		`},"appearance":{"url":"javascript:alert(4)"}}}`
	status, rep := fcImport(t, ed, "application/json", item)
	if status != http.StatusCreated {
		t.Fatalf("import: %d %v", status, rep)
	}
	id := itoa(int64(num(list(rep, "created")[0].(map[string]any), "id")))
	b := a.signIn(models.RoleAdmin)
	for _, path := range []string{"/factchecks", "/factchecks?q=script", "/factchecks/" + id} {
		res := b.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		for _, bad := range []string{"<script>alert", "<img src=x", "javascript:alert", "onerror=alert(2)>"} {
			if strings.Contains(res.Body, bad) {
				t.Errorf("%s holds %q", path, bad)
			}
		}
	}
	_, fc, _ := ed.call(http.MethodGet, "/api/v1/factchecks/"+id, nil)
	if fc["claim_reviewed"] != hostile || fc["publisher"].(map[string]any)["url"] != "" || fc["claim_url"] != "" {
		t.Errorf("stored: %v", fc)
	}
}

func TestFactCheckPages(t *testing.T) {
	a := newApp(t)
	ed := a.signIn(models.RoleEditor)
	res := ed.get("/factchecks")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `data-testid="no-factchecks"`) {
		t.Fatalf("empty library: %d", res.StatusCode)
	}
	// Upload a file.
	res = ed.postFile("/factchecks/import", url.Values{}, "file", "feed.jsonl", []byte(strings.ReplaceAll(fcPutin, "\n", "")+"\nnot json\n"+fcNoRating+"\n"))
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `data-testid="import-report"`) || !strings.Contains(res.Body, "2 new, 0 updated, 1 not imported") ||
		!strings.Contains(res.Body, `data-reason="not_json"`) {
		t.Fatalf("upload: %d %s", res.StatusCode, res.Body)
	}
	// Paste: the same again is updated.
	res = ed.postForm("/factchecks/import", url.Values{"json": {"[" + fcPutin + "]"}})
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "0 new, 1 updated, 0 not imported") {
		t.Fatalf("paste: %d %s", res.StatusCode, res.Body)
	}
	// Nothing given, or not JSON: 422, with what was typed kept.
	if res := ed.postForm("/factchecks/import", url.Values{"json": {""}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("empty form: %d", res.StatusCode)
	}
	res = ed.postForm("/factchecks/import", url.Values{"json": {"hello <b>world</b>"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "hello &lt;b&gt;world&lt;/b&gt;") || !strings.Contains(res.Body, "not JSON") {
		t.Errorf("not JSON: %d %s", res.StatusCode, res.Body)
	}
	// Over the limit: the page says to use the command line.
	res = ed.postFile("/factchecks/import", url.Values{}, "file", "big.json", bytes.Repeat([]byte(" "), 5<<20+10))
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, "claimdesk factchecks import") {
		t.Errorf("big upload: %d", res.StatusCode)
	}
	// The same file sent chunked (no length known): still the page's 413.
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	_ = mw.WriteField("_csrf", ed.csrf)
	fw, _ := mw.CreateFormFile("file", "big.json")
	_, _ = fw.Write(bytes.Repeat([]byte(" "), 7<<20))
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, ed.a.srv.URL+"/factchecks/import", io.MultiReader(&form))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res = ed.do(req)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, "claimdesk factchecks import") {
		t.Errorf("big chunked upload: %d", res.StatusCode)
	}

	// Browse, search and filter.
	res = ed.get("/factchecks?q=interfer")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `<mark class="hit">interfered</mark>`) || strings.Contains(res.Body, "indicted 12") {
		t.Errorf("search: %d %s", res.StatusCode, res.Body)
	}
	res = ed.get("/factchecks?publisher=Other+Desk")
	if !strings.Contains(res.Body, "indicted 12") || strings.Contains(res.Body, "never interfered") || !strings.Contains(res.Body, "no rating") {
		t.Errorf("publisher filter: %s", res.Body)
	}
	if res := ed.get("/factchecks?q=" + strings.Repeat("x", 201)); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "under 200 characters") {
		t.Errorf("long q: %d", res.StatusCode)
	}
	// Only administrators remove.
	_, body, _ := a.apiClient(models.RoleEditor).call(http.MethodGet, "/api/v1/factchecks?q=interfered", nil)
	id := itoa(int64(num(list(body, "items")[0].(map[string]any), "id")))
	res = ed.get("/factchecks/" + id)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Example Checks") || strings.Contains(res.Body, "/delete") {
		t.Errorf("fact-check page for an editor: %d", res.StatusCode)
	}
	if res := ed.postForm("/factchecks/"+id+"/delete", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("editor delete: %d", res.StatusCode)
	}
	admin := a.signIn(models.RoleAdmin)
	if res := admin.postForm("/factchecks/"+id+"/delete", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("admin delete: %d", res.StatusCode)
	}
	if res := admin.get("/factchecks/" + id); res.StatusCode != http.StatusNotFound {
		t.Errorf("after delete: %d", res.StatusCode)
	}
	if res := a.anonymous().get("/factchecks"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous: %d", res.StatusCode)
	}
}

// Our published claims as a DataFeed that another Claimdesk imports.
func TestClaimReviewFeed(t *testing.T) {
	a := newApp(t)
	fx := seedHelsinki(t, a, exHostileTexts)
	anon := a.anonymous()
	res := anon.get("/claimreview.json")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/ld+json") || res.Header.Get("ETag") == "" {
		t.Fatalf("feed: %d %v", res.StatusCode, res.Header)
	}
	for _, bad := range []string{"<script", "</script", "<img"} {
		if strings.Contains(res.Body, bad) {
			t.Errorf("feed holds %q unescaped", bad)
		}
	}
	var feed struct {
		Type         string           `json:"@type"`
		DateModified string           `json:"dateModified"`
		Elements     []map[string]any `json:"dataFeedElement"`
	}
	if err := json.Unmarshal([]byte(res.Body), &feed); err != nil {
		t.Fatal(err)
	}
	if feed.Type != "DataFeed" || feed.DateModified == "" || len(feed.Elements) != 2 {
		t.Fatalf("feed: %+v", feed)
	}
	want := map[string]bool{"http://claims.test/claims/" + itoa(fx.putin): true, "http://claims.test/claims/" + itoa(fx.indictment): true}
	for _, e := range feed.Elements {
		if e["@type"] != "ClaimReview" || !want[e["url"].(string)] {
			t.Errorf("element: %v", e)
		}
	}
	// Unchanged: 304 to a reader that has it.
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/claimreview.json", nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", r2.StatusCode)
	}

	// A second Claimdesk imports it, twice: created, then updated.
	other := newApp(t)
	ed := other.apiClient(models.RoleEditor)
	status, rep := fcImport(t, ed, "application/ld+json", res.Body)
	if status != http.StatusCreated || len(list(rep, "created")) != 2 || len(list(rep, "failed")) != 0 {
		t.Fatalf("import of our feed: %d %v", status, rep)
	}
	if status, rep := fcImport(t, ed, "application/ld+json", res.Body); status != http.StatusOK || len(list(rep, "updated")) != 2 {
		t.Fatalf("second import of our feed: %d %v", status, rep)
	}
	_, body, _ := ed.call(http.MethodGet, "/api/v1/factchecks?q=grand+jury", nil)
	items := list(body, "items")
	if len(items) != 1 {
		t.Fatalf("imported feed search: %v", body)
	}
	it := items[0].(map[string]any)
	if r, _ := it["rating"].(map[string]any); r["name"] != "True" || it["publisher"].(map[string]any)["name"] == "" || it["language"] != "en" {
		t.Errorf("imported from our feed: %v", it)
	}
	// With nothing published, an empty feed, which imports as nothing.
	empty := newApp(t).anonymous().get("/claimreview.json")
	if empty.StatusCode != http.StatusOK || !strings.Contains(empty.Body, `"dataFeedElement":[]`) {
		t.Errorf("empty feed: %d %s", empty.StatusCode, empty.Body)
	}
	if status, rep := fcImport(t, ed, "application/ld+json", empty.Body); status != http.StatusOK || num(rep, "total") != 0 {
		t.Errorf("importing an empty feed: %d %v", status, rep)
	}
}

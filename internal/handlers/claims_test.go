package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

// cp returns the code-point offset of the first occurrence of s in text.
func cp(text, s string) int {
	i := strings.Index(text, s)
	if i < 0 {
		panic("fixture lacks " + s)
	}
	return len([]rune(text[:i]))
}

func u16(text string, cpOffset int) int { return len(utf16.Encode([]rune(text)[:cpOffset])) }

func createArticle(t *testing.T, c *client, text string) (int64, string) {
	t.Helper()
	code, art, _ := c.call("POST", "/api/v1/articles", map[string]any{"title": "Methane deal", "text": text})
	if code != http.StatusCreated {
		t.Fatalf("create article: %d %v", code, art)
	}
	return int64(num(art, "id")), art["text"].(string)
}

func TestClaimAPIMarksByOffsetsAndQuote(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	id, text := createArticle(t, c, wireReport)
	path := "/api/v1/articles/" + itoa(id) + "/claims"
	quote := "Emissions fell 4.2% last year"
	start := cp(text, quote)
	code, cl, hdr := c.call("POST", path, map[string]any{"start": start, "end": start + len([]rune(quote)), "claimant": "Ana Sørensen", "summary": "Emissions fell 4.2% last year", "type": "statistic", "claimed_at": "2024-05-07"})
	if code != http.StatusCreated || cl["quote"] != quote || hdr.Get("ETag") == "" {
		t.Fatalf("by offsets: %d %v", code, cl)
	}
	if cl["claimant"].(map[string]any)["name"] != "Ana Sørensen" || cl["state"] != "new" || cl["anchor"].(map[string]any)["state"] != "anchored" || cl["claimed_at"] != "2024-05-07" {
		t.Fatalf("claim fields: %v", cl)
	}
	// The emoji before the claim counts as one code point, not two UTF-16 units.
	if num(cl, "start") != start || !strings.HasSuffix(cl["prefix"].(string), "👏 as the deal was announced. ") {
		t.Fatalf("offsets/prefix: %v", cl)
	}
	code, cl2, _ := c.call("POST", path, map[string]any{"quote": "  the largest single commitment we have ever seen  ", "claimant": float64(num(cl["claimant"].(map[string]any), "id"))})
	if code != http.StatusCreated || cl2["quote"] != "the largest single commitment we have ever seen" || cl2["claimant"].(map[string]any)["name"] != "Ana Sørensen" {
		t.Fatalf("by quote, claimant by id: %d %v", code, cl2)
	}
	// Disambiguated by suffix.
	code, cl3, _ := c.call("POST", path, map[string]any{"quote": "emissions fell 4.2%", "suffix": " in Europe"})
	if code != http.StatusCreated || num(cl3, "start") != cp(text, "emissions fell 4.2% in Europe") {
		t.Fatalf("by quote+suffix: %d %v", code, cl3)
	}
	_, list, _ := c.call("GET", path, nil)
	items := list["items"].([]any)
	if len(items) != 3 || num(items[0].(map[string]any), "start") > num(items[1].(map[string]any), "start") {
		t.Fatalf("reading order: %v", items)
	}
}

func TestClaimAPIBadInput(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	text := "Family 👨‍👩‍👧 spending rose. The café reopened. The tax\u0301 closed. Prices rose. Prices rose."
	id, _ := createArticle(t, c, text)
	path := "/api/v1/articles/" + itoa(id) + "/claims"
	n := len([]rune(text))
	family := cp(text, "👨")
	combining := cp(text, "\u0301")
	tests := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"start out of range", map[string]any{"start": -1, "end": 5}, 422, "start"},
		{"end out of range", map[string]any{"start": 0, "end": n + 1}, 422, "end"},
		{"start equals end", map[string]any{"start": 3, "end": 3}, 422, "end"},
		{"start after end", map[string]any{"start": 9, "end": 3}, 422, "end"},
		{"whitespace only", map[string]any{"start": 6, "end": 7}, 422, "quote"},
		{"inside an emoji ZWJ sequence", map[string]any{"start": family + 1, "end": family + 10}, 422, "start"},
		{"splitting a combining sequence", map[string]any{"start": 0, "end": combining}, 422, "end"},
		{"quote not in article", map[string]any{"quote": "Prices fell"}, 422, "quote"},
		{"empty quote", map[string]any{"quote": "   "}, 422, "quote"},
		{"both quote and offsets", map[string]any{"quote": "Prices rose", "start": 0, "end": 3}, 422, "quote"},
		{"only start", map[string]any{"start": 0}, 422, "start"},
		{"unknown type", map[string]any{"quote": "The café reopened", "type": "rumour"}, 422, "type"},
		{"summary too long", map[string]any{"quote": "The café reopened", "summary": strings.Repeat("x", 501)}, 422, "summary"},
		{"bad claimed_at", map[string]any{"quote": "The café reopened", "claimed_at": "last week"}, 422, "claimed_at"},
		{"unknown field", map[string]any{"quote": "The café reopened", "verdict_hint": "x"}, 400, "verdict_hint"},
		{"wrong type", map[string]any{"start": "zero", "end": 4}, 400, "start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := c.call("POST", path, tt.body)
			if code != tt.status || fields(body)[tt.field] == nil {
				t.Fatalf("status %d (want %d), fields %v (want %q)", code, tt.status, fields(body), tt.field)
			}
		})
	}
	code, body, _ := c.call("POST", path, map[string]any{"quote": "Prices rose"})
	occ, _ := body["occurrences"].([]any)
	if code != 422 || len(occ) != 2 {
		t.Fatalf("ambiguous quote: %d %v, want 422 listing 2 occurrences", code, body)
	}
	cl, err := a.store.ArticleClaims(context.Background(), id)
	if err != nil || len(cl) != 0 {
		t.Fatalf("bad input stored claims: %d", len(cl))
	}
	viewer := a.apiClient(models.RoleViewer)
	if code, _, _ := viewer.call("POST", path, map[string]any{"quote": "The café reopened"}); code != http.StatusForbidden {
		t.Fatalf("viewer marking: %d, want 403", code)
	}
	if err := a.store.DeleteArticle(context.Background(), store.ActorOf(c.user), id); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := c.call("POST", path, map[string]any{"quote": "The café reopened"}); code != http.StatusNotFound {
		t.Fatalf("claim on a deleted article: %d, want 404", code)
	}
}

func TestClaimEditConflictsAndDelete(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	id, _ := createArticle(t, c, wireReport)
	_, cl, hdr := c.call("POST", "/api/v1/articles/"+itoa(id)+"/claims", map[string]any{"quote": "Nobody expected it."})
	path := "/api/v1/claims/" + itoa(int64(num(cl, "id")))
	etag := hdr.Get("ETag")
	code, up, _ := c.call("PATCH", path, map[string]any{"version": 1, "summary": "Nobody expected the deal"})
	if code != 200 || num(up, "version") != 2 || up["summary"] != "Nobody expected the deal" {
		t.Fatalf("patch: %d %v", code, up)
	}
	code, body, _ := c.call("PATCH", path, map[string]any{"summary": "Lost update"}, "If-Match", etag)
	if code != http.StatusConflict || num(body["current"].(map[string]any), "version") != 2 {
		t.Fatalf("stale If-Match: %d %v", code, body)
	}
	if code, body, _ := c.call("PATCH", path, map[string]any{"summary": "No version"}); code != 422 || fields(body)["version"] == nil {
		t.Fatalf("no version: %d %v", code, body)
	}
	if code, _, _ := c.call("PATCH", path, map[string]any{"version": 2, "state": "researching"}); code != http.StatusForbidden {
		t.Fatalf("editor changing state: %d, want 403", code)
	}
	if code, _, _ := c.call("DELETE", path, nil, "If-Match", etag); code != http.StatusConflict {
		t.Fatalf("stale delete: %d, want 409", code)
	}
	if code, _, _ := c.call("DELETE", path, nil); code != http.StatusNoContent {
		t.Fatalf("delete: %d", code)
	}
	if code, _, _ := c.call("GET", path, nil); code != 404 {
		t.Fatalf("deleted claim: %d, want 404", code)
	}
	h, _ := a.store.History(context.Background(), store.HistoryQuery{ClaimID: int64(num(cl, "id"))})
	if len(h) != 3 || h[2].Action != "deleted" || !strings.Contains(h[2].Changes, "Nobody expected it.") {
		t.Fatalf("history keeps the deleted claim: %+v", h)
	}
}

func TestMarkClaimInThePageWithoutJavaScript(t *testing.T) {
	a := newApp(t)
	b := a.signIn(models.RoleEditor)
	b.get("/articles/new")
	res := b.postForm("/articles", url.Values{"title": {"Methane deal"}, "text": {wireReport}})
	articlePath := res.Header.Get("Location")
	b.get(articlePath)
	res = b.postForm(articlePath+"/claims", url.Values{"quote": {"fell 4.2%"}, "claimant": {"The agency"}, "type": {"statistic"}})
	if res.StatusCode != http.StatusUnprocessableEntity || strings.Count(res.Body, "Mark this one") != 2 || !strings.Contains(res.Body, "in Europe alone") {
		t.Fatalf("ambiguous quote in the page: %d", res.StatusCode)
	}
	// Choose the second occurrence: the chooser's form carries its offsets and every field.
	forms := strings.Split(res.Body, "Mark this one")
	second := forms[1]
	start := between(second, `name="start" value="`, `"`)
	end := between(second, `name="end" value="`, `"`)
	res = b.postForm(articlePath+"/claims", url.Values{"start": {start}, "end": {end}, "claimant": {"The agency"}, "type": {"statistic"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("choose occurrence: %d %s", res.StatusCode, res.Body)
	}
	page := b.get(articlePath)
	if !strings.Contains(page.Body, `<mark class="claim s-new" data-claims="1" aria-describedby="claim-1" data-num="1">fell 4.2%</mark> in Europe alone`) {
		t.Fatalf("highlight not rendered where chosen:\n%s", between(page.Body, `id="article-body"`, `</div>`))
	}
	res = b.postForm(articlePath+"/claims", url.Values{"quote": {"not in the text"}})
	if res.StatusCode != 422 || !strings.Contains(res.Body, "not in the article") {
		t.Fatalf("missing quote: %d", res.StatusCode)
	}
	// The script's path: UTF-16 offsets from the browser, after the emoji.
	art := mustArticle(t, a, strings.TrimPrefix(articlePath, "/articles/"))
	s := cp(art.Text, "Emissions fell 4.2% last year")
	e := s + len([]rune("Emissions fell 4.2% last year"))
	v := url.Values{"start16": {itoa(int64(u16(art.Text, s) - 1))}, "end16": {itoa(int64(u16(art.Text, e)))}, "revision": {"1"}, "_csrf": {b.csrf}}
	req, _ := http.NewRequest("POST", a.srv.URL+articlePath+"/claims", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	r := b.do(req)
	if r.StatusCode != http.StatusCreated || !strings.Contains(r.Body, `"quote":"Emissions fell 4.2% last year"`) || !strings.Contains(r.Body, `"start":`+itoa(int64(s))) {
		t.Fatalf("UTF-16 selection (leading space trimmed): %d %s", r.StatusCode, r.Body)
	}
	viewer := a.signIn(models.RoleViewer)
	viewer.get(articlePath)
	if res := viewer.postForm(articlePath+"/claims", url.Values{"quote": {"Nobody expected it."}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer marking in the page: %d", res.StatusCode)
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

func TestEditClaimInThePageShowsConflict(t *testing.T) {
	a := newApp(t)
	one := a.signIn(models.RoleEditor)
	two := a.signIn(models.RoleEditor)
	one.get("/articles/new")
	res := one.postForm("/articles", url.Values{"title": {"T"}, "text": {wireReport}})
	articlePath := res.Header.Get("Location")
	one.get(articlePath)
	one.postForm(articlePath+"/claims", url.Values{"quote": {"Nobody expected it."}})
	one.get("/claims/1")
	two.get("/claims/1")
	if res := one.postForm("/claims/1", url.Values{"version": {"1"}, "summary": {"First editor's summary"}, "type": {"quote"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first edit: %d", res.StatusCode)
	}
	res = two.postForm("/claims/1", url.Values{"version": {"1"}, "summary": {"Second editor's summary"}, "type": {"quote"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, `data-testid="conflict"`) ||
		!strings.Contains(res.Body, "Now: “First editor&#39;s summary”") || !strings.Contains(res.Body, `value="Second editor&#39;s summary"`) {
		t.Fatalf("second edit: %d\n%s", res.StatusCode, between(res.Body, "<main", "</main>"))
	}
}

func TestClaimantGivenAsAnObject(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	id, _ := createArticle(t, c, wireReport)
	path := "/api/v1/articles/" + itoa(id) + "/claims"
	code, cl, _ := c.call("POST", path, map[string]any{"quote": "Nobody expected it.", "claimant": map[string]any{"name": "The Wire agency", "kind": "organization"}})
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, cl)
	}
	ref := cl["claimant"].(map[string]any)
	code, got, _ := c.call("GET", "/api/v1/claimants/"+itoa(int64(num(ref, "id"))), nil)
	if code != 200 || got["kind"] != "organization" || got["name"] != "The Wire agency" {
		t.Fatalf("claimant: %d %v", code, got)
	}
	code, cl2, _ := c.call("POST", path, map[string]any{"quote": "Emissions fell 4.2% last year", "claimant": map[string]any{"id": num(ref, "id")}})
	if code != http.StatusCreated || num(cl2["claimant"].(map[string]any), "id") != num(ref, "id") {
		t.Fatalf("claimant by id object: %d %v", code, cl2)
	}
	code, body, _ := c.call("POST", path, map[string]any{"quote": "the largest single commitment", "claimant": map[string]any{"name": "X", "kind": "robot"}})
	if code != 422 || fields(body)["claimant"] == nil {
		t.Fatalf("bad kind: %d %v", code, body)
	}
}

// A very common quote lists only the first occurrences, with the true count.
func TestAmbiguousQuoteListsAtMostTwenty(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	var paras []string
	for i := 0; i < 30; i++ {
		paras = append(paras, "Prices rose again in district "+itoa(int64(i))+".")
	}
	id, _ := createArticle(t, c, strings.Join(paras, "\n\n"))
	code, body, _ := c.call("POST", "/api/v1/articles/"+itoa(id)+"/claims", map[string]any{"quote": "Prices rose"})
	occ, _ := body["occurrences"].([]any)
	if code != 422 || len(occ) != 20 || !strings.Contains(body["error"].(string), "30 times") {
		t.Fatalf("ambiguous common quote: %d, %d listed, %q", code, len(occ), body["error"])
	}
	b := a.signIn(models.RoleEditor)
	b.get("/articles/" + itoa(id))
	res := b.postForm("/articles/"+itoa(id)+"/claims", url.Values{"quote": {"Prices rose"}})
	if res.StatusCode != 422 || strings.Count(res.Body, "Mark this one") != 20 || !strings.Contains(res.Body, "appears 30 times") || !strings.Contains(res.Body, "Only the first 20") {
		t.Fatalf("chooser page: %d, %d choices", res.StatusCode, strings.Count(res.Body, "Mark this one"))
	}
}

func TestClaimantAutocompleteValidatesQuery(t *testing.T) {
	a := newApp(t)
	b := a.signIn(models.RoleEditor)
	if res := b.get("/claimants.json?q=" + strings.Repeat("x", 201)); res.StatusCode != 400 {
		t.Fatalf("over-long q: %d", res.StatusCode)
	}
	if res := b.get("/claimants.json?q=50%25_off"); res.StatusCode != 200 || res.Body != "[]\n" {
		t.Fatalf("LIKE wildcards in q: %d %q", res.StatusCode, res.Body)
	}
}

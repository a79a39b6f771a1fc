package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/claimdesk/claimdesk/internal/browsertest"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// evSummit is this project's own fixture in the shape of the Helsinki
// summit story: a denial, an indictment, a television interview.
const evSummit = `HELSINKI (Test Desk) — The two presidents met behind closed doors for more than two hours on Monday, and both said afterwards that election meddling had come up.

Asked about it again at the joint news conference, the Russian president said: "The Russian state has never interfered and is not going to interfere in internal American affairs, including the election process."

Three days earlier a federal grand jury had indicted 12 officers of Russia’s military intelligence service, accusing them of hacking Democratic Party computers.

In a television interview broadcast on Sunday, the American president said he had not thought of asking for the officers to be extradited.`

const (
	evDenial    = "The Russian state has never interfered and is not going to interfere in internal American affairs, including the election process"
	evInterview = "he had not thought of asking for the officers to be extradited"
	evDojURL    = "https://www.justice.gov/opa/pr/grand-jury-indicts-12-russian-intelligence-officers-hacking-offenses-related-2016-election"
	evDojTitle  = "Grand Jury Indicts 12 Russian Intelligence Officers for Hacking Offenses Related to the 2016 Election"
	evCbsURL    = "https://www.cbsnews.com/news/transcript-president-trump-interview-cbs-evening-news-helsinki/"
	evCbsTitle  = "Transcript: President Trump's interview with CBS Evening News"
)

func evBetween(s, from, to string) string {
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

// evMark marks a claim by its quote through the API and returns its id.
func evMark(t *testing.T, c *client, articleID int64, quote, claimant string) int64 {
	t.Helper()
	code, cl, _ := c.call("POST", "/api/v1/articles/"+itoa(articleID)+"/claims", map[string]any{"quote": quote, "claimant": claimant, "type": "quote"})
	if code != http.StatusCreated {
		t.Fatalf("mark %q: %d %v", quote, code, cl)
	}
	return int64(num(cl, "id"))
}

func evAddSource(t *testing.T, c *client, body map[string]any) int64 {
	t.Helper()
	code, src, hdr := c.call("POST", "/api/v1/sources", body)
	if code != http.StatusCreated || hdr.Get("Location") != "/api/v1/sources/"+itoa(int64(num(src, "id"))) {
		t.Fatalf("add source: %d %v", code, src)
	}
	return int64(num(src, "id"))
}

// evPostFragment posts a form as evidence.js does: X-Fragment, CSRF header.
func (b *browser) evPostFragment(path string, v url.Values) response {
	v.Set("_csrf", b.csrf)
	req, _ := http.NewRequest(http.MethodPost, b.a.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Fragment", "evidence")
	req.Header.Set("X-CSRF-Token", b.csrf)
	return b.do(req)
}

// TestHelsinkiEvidenceEndToEnd is the "done when": a fact-checker
// links the indictment press release (refutes the denial) and the CBS
// interview (context) from the library, sees them on the claims, and finds
// them again on the source's page and through the API.
func TestHelsinkiEvidenceEndToEnd(t *testing.T) {
	a := newApp(t)
	api := a.apiClient(models.RoleFactChecker)
	articleID, _ := createArticle(t, api, evSummit)
	denialID := evMark(t, api, articleID, evDenial, "Vladimir Putin")
	interviewID := evMark(t, api, articleID, evInterview, "Donald Trump")

	// The library already holds both documents.
	doj := evAddSource(t, api, map[string]any{"url": evDojURL + "?utm_source=twitter", "title": evDojTitle, "publisher": "U.S. Department of Justice",
		"kind": "official_statement", "published_at": "2018-07-13", "archive_url": "https://web.archive.org/web/2018/" + evDojURL})
	cbs := evAddSource(t, api, map[string]any{"url": evCbsURL, "title": evCbsTitle, "publisher": "CBS News", "kind": "interview", "published_at": "2018-07-15"})

	fc := a.signIn(models.RoleFactChecker)
	articlePage := fc.get("/articles/" + itoa(articleID))
	if !strings.Contains(articlePage.Body, `<span class="nosource">No sources</span>`) || !strings.Contains(articlePage.Body, "js/evidence.") {
		t.Fatalf("article page before: claims not flagged, or evidence.js not loaded")
	}
	// Search as you type finds the press release by a word of its title.
	code, hits := fc.evGetJSON("/sources.json?q=indic")
	items, _ := hits["items"].([]any)
	if code != 200 || len(items) != 1 || items[0].(map[string]any)["title"] != evDojTitle {
		t.Fatalf("search as you type: %d %v", code, hits)
	}
	// Link it, as the script does after the pick (X-Fragment answers with the section).
	fc.get("/claims/" + itoa(denialID))
	res := fc.evPostFragment("/claims/"+itoa(denialID)+"/evidence", url.Values{"source": {evDojTitle}, "source_id": {itoa(doj)}, "stance": {"refutes"},
		"passage": {"The indictment charges twelve Russian nationals for committing federal crimes that were intended to interfere with the 2016 U.S. presidential election."},
		"note":    {"Grand jury indictment of GRU officers, three days before the summit."}})
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(res.Body), "<section id=\"evidence\"") ||
		!strings.Contains(res.Body, evDojTitle) || !strings.Contains(res.Body, "✗ Refutes") || !strings.Contains(res.Body, `data-count="1"`) {
		t.Fatalf("link the press release: %d\n%s", res.StatusCode, res.Body)
	}
	if strings.Contains(res.Body, "<html") {
		t.Fatal("the fragment must not be a whole page")
	}
	// Without the script: words typed in the source field offer the library's matches.
	fc.get("/claims/" + itoa(interviewID))
	res = fc.postForm("/claims/"+itoa(interviewID)+"/evidence", url.Values{"source": {"cbs interview"}, "stance": {"context"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `data-testid="source-choices"`) || !strings.Contains(res.Body, `value="`+itoa(cbs)+`"`) {
		t.Fatalf("choices: %d\n%s", res.StatusCode, evBetween(res.Body, `id="evidence"`, "</section>"))
	}
	res = fc.postForm("/claims/"+itoa(interviewID)+"/evidence", url.Values{"source": {"cbs interview"}, "source_id": {"", itoa(cbs)}, "stance": {"context"},
		"passage": {"It hadn't, but certainly I'll be looking at that."}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/claims/"+itoa(interviewID)+"?evidence=added#evidence" {
		t.Fatalf("link the interview: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	// See them on the claims.
	page := fc.get("/claims/" + itoa(denialID))
	table := evBetween(page.Body, `data-testid="evidence-table"`, "</table>")
	if !strings.Contains(table, evDojTitle) || !strings.Contains(table, "✗ Refutes") || !strings.Contains(table, "intended to interfere") || !strings.Contains(table, "U.S. Department of Justice") {
		t.Fatalf("claim page evidence:\n%s", table)
	}
	page = fc.get("/claims/" + itoa(interviewID) + "?evidence=added")
	if !strings.Contains(page.Body, "Evidence added.") || !strings.Contains(evBetween(page.Body, `data-testid="evidence-table"`, "</table>"), "◆ Context") {
		t.Fatalf("interview claim page:\n%s", evBetween(page.Body, `id="evidence"`, "</section>"))
	}
	articlePage = fc.get("/articles/" + itoa(articleID))
	if strings.Contains(articlePage.Body, `class="nosource"`) || strings.Count(articlePage.Body, "1 source<") != 2 {
		t.Fatalf("article page still flags claims without sources")
	}

	// Find them again on the source's page...
	srcPage := fc.get("/sources/" + itoa(doj))
	cites := evBetween(srcPage.Body, `data-testid="citations"`, "</table>")
	if !strings.Contains(cites, "never interfered") || !strings.Contains(cites, "✗ Refutes") || !strings.Contains(cites, "Vladimir Putin") {
		t.Fatalf("source page citations:\n%s", cites)
	}
	if lib := fc.get("/sources?q=cbs"); !strings.Contains(lib.Body, "CBS Evening News") || !strings.Contains(lib.Body, "1 claim") || strings.Contains(lib.Body, evDojTitle) {
		t.Fatalf("library search page")
	}
	// ...and through the API.
	code, ev, _ := api.call("GET", "/api/v1/claims/"+itoa(denialID)+"/evidence", nil)
	list := ev["items"].([]any)
	first := list[0].(map[string]any)
	if code != 200 || len(list) != 1 || first["stance"] != "refutes" || first["source"].(map[string]any)["url"] != evDojURL || first["added_by"].(map[string]any)["name"] != fc.user.Name {
		t.Fatalf("API evidence: %d %v", code, ev)
	}
	code, cl, _ := api.call("GET", "/api/v1/sources/"+itoa(cbs)+"/claims", nil)
	citing := cl["items"].([]any)
	if code != 200 || len(citing) != 1 || citing[0].(map[string]any)["stance"] != "context" || num(citing[0].(map[string]any)["claim"].(map[string]any), "id") != int(interviewID) {
		t.Fatalf("API source claims: %d %v", code, cl)
	}
	code, claim, _ := api.call("GET", "/api/v1/claims/"+itoa(denialID), nil)
	if code != 200 || num(claim, "evidence_count") != 1 {
		t.Fatalf("claim evidence_count: %v", claim)
	}
	code, found, _ := api.call("GET", "/api/v1/sources?q=justice+indicts", nil)
	if fi := found["items"].([]any); code != 200 || len(fi) != 1 || num(fi[0].(map[string]any), "citations") != 1 {
		t.Fatalf("API library search: %d %v", code, found)
	}

	// The real article, when the shared corpus is beside the repository.
	t.Run("shared corpus", func(t *testing.T) {
		text, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "corpus", "helsinki-summit.txt"))
		if err != nil {
			t.Skipf("shared corpus absent (%v): skipping the real Helsinki text", err)
		}
		realID, _ := createArticle(t, api, string(text))
		realDenial := evMark(t, api, realID, "The Russian state has never interfered and is not going to interfere in internal American affairs including the election process", "Vladimir Putin")
		realCBS := evMark(t, api, realID, "Trump said in an interview with CBS News broadcast on Sunday that the idea of asking Putin to extradite the agents had not occurred to him", "Donald Trump")
		for _, link := range []struct {
			claim, source int64
			stance        string
		}{{realDenial, doj, "refutes"}, {realCBS, cbs, "context"}} {
			if code, body, _ := api.call("POST", "/api/v1/claims/"+itoa(link.claim)+"/evidence", map[string]any{"source_id": link.source, "stance": link.stance}); code != http.StatusCreated {
				t.Fatalf("link on the real article: %d %v", code, body)
			}
		}
		if srcPage := fc.get("/sources/" + itoa(doj)); strings.Count(evBetween(srcPage.Body, `data-testid="citations"`, "</table>"), "never interfered") != 2 {
			t.Fatalf("the press release should be cited by both articles' denials")
		}
	})
}

func (b *browser) evGetJSON(path string) (int, map[string]any) {
	req, _ := http.NewRequest(http.MethodGet, b.a.srv.URL+path, nil)
	req.Header.Set("Accept", "application/json")
	res := b.do(req)
	var out map[string]any
	_ = json.Unmarshal([]byte(res.Body), &out)
	return res.StatusCode, out
}

func TestEvidenceAPIBadInput(t *testing.T) {
	a := newApp(t)
	ed := a.apiClient(models.RoleEditor)
	articleID, _ := createArticle(t, ed, evSummit)
	claimID := evMark(t, ed, articleID, evDenial, "Vladimir Putin")
	src := evAddSource(t, ed, map[string]any{"url": evDojURL, "title": evDojTitle})
	path := "/api/v1/claims/" + itoa(claimID) + "/evidence"
	if code, body, _ := ed.call("POST", path, map[string]any{"source_id": src, "stance": "refutes"}); code != http.StatusCreated || body["stance"] != "refutes" {
		t.Fatalf("first link: %d %v", code, body)
	}
	tests := []struct {
		name   string
		path   string
		body   any
		status int
		field  string
	}{
		{"malformed URL", path, map[string]any{"source": map[string]any{"url": "http://exa mple.org/x"}, "stance": "context"}, 422, "source.url"},
		{"relative URL", path, map[string]any{"source": map[string]any{"url": "/opa/pr/x"}, "stance": "context"}, 422, "source.url"},
		{"javascript URL", path, map[string]any{"source": map[string]any{"url": "javascript:alert(document.cookie)"}, "stance": "context"}, 422, "source.url"},
		{"data URL", path, map[string]any{"source": map[string]any{"url": "data:text/html,<script>alert(1)</script>"}, "stance": "context"}, 422, "source.url"},
		{"javascript archive", path, map[string]any{"source": map[string]any{"url": "https://example.org/a", "archive_url": "javascript:alert(1)"}, "stance": "context"}, 422, "source.archive_url"},
		{"unknown stance", path, map[string]any{"source_id": src, "stance": "debunks"}, 422, "stance"},
		{"no stance", path, map[string]any{"source_id": src}, 422, "stance"},
		{"unknown kind", path, map[string]any{"source": map[string]any{"url": "https://example.org/k", "kind": "gossip"}, "stance": "context"}, 422, "source.kind"},
		{"no source", path, map[string]any{"stance": "context"}, 422, "source_id"},
		{"both sources", path, map[string]any{"source_id": src, "source": map[string]any{"url": "https://example.org/b"}, "stance": "context"}, 422, "source_id"},
		{"source not in library", path, map[string]any{"source_id": 9999, "stance": "context"}, 422, "source_id"},
		{"over-long passage", path, map[string]any{"source_id": src, "stance": "context", "passage": strings.Repeat("ü", store.MaxPassageRunes+1)}, 422, "passage"},
		{"over-long note", path, map[string]any{"source_id": src, "stance": "context", "note": strings.Repeat("n", store.MaxEvidenceNoteRunes+1)}, 422, "note"},
		{"unknown field", path, map[string]any{"source_id": src, "stance": "context", "weight": 3}, 400, "weight"},
		{"wrong type", path, map[string]any{"source_id": "one", "stance": "context"}, 400, "source_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := ed.call("POST", tt.path, tt.body)
			if code != tt.status || fields(body)[tt.field] == nil {
				t.Fatalf("status %d (want %d), fields %v (want %q)", code, tt.status, fields(body), tt.field)
			}
		})
	}
	if code, _, _ := ed.call("POST", "/api/v1/claims/9999/evidence", map[string]any{"source_id": src, "stance": "refutes"}); code != http.StatusNotFound {
		t.Fatalf("evidence on a missing claim: %d, want 404", code)
	}
	// Same source, same stance: 409 naming the existing link; the same source with another stance is fine.
	code, body, _ := ed.call("POST", path, map[string]any{"source": map[string]any{"url": strings.ToUpper(evDojURL[:12]) + evDojURL[12:] + "/?fbclid=x"}, "stance": "refutes"})
	if code != http.StatusConflict || num(body["current"].(map[string]any), "source_id") != int(src) || !strings.Contains(body["error"].(string), "already linked") {
		t.Fatalf("duplicate link: %d %v", code, body)
	}
	viewer := a.apiClient(models.RoleViewer)
	if code, _, _ := viewer.call("POST", path, map[string]any{"source_id": src, "stance": "context"}); code != http.StatusForbidden {
		t.Fatalf("viewer adding evidence: %d, want 403", code)
	}
	if code, _, _ := viewer.call("POST", "/api/v1/sources", map[string]any{"url": "https://example.org/v"}); code != http.StatusForbidden {
		t.Fatalf("viewer adding a source: %d, want 403", code)
	}
	_, list, _ := ed.call("GET", path, nil)
	items := list["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("bad input stored evidence: %d items", len(items))
	}
	evID := int64(num(items[0].(map[string]any), "id"))
	if code, _, _ := viewer.call("PATCH", "/api/v1/evidence/"+itoa(evID), map[string]any{"version": 1, "note": "x"}); code != http.StatusForbidden {
		t.Fatalf("viewer editing evidence: %d, want 403", code)
	}
	if code, _, _ := viewer.call("DELETE", "/api/v1/evidence/"+itoa(evID), nil); code != http.StatusForbidden {
		t.Fatalf("viewer removing evidence: %d, want 403", code)
	}
	if code, body, _ := viewer.call("GET", "/api/v1/evidence/"+itoa(evID), nil); code != 200 || body["stance"] != "refutes" {
		t.Fatalf("viewer reading evidence: %d", code)
	}
	// Edit with a version, then a stale one; remove with If-Match.
	code, up, hdr := ed.call("PATCH", "/api/v1/evidence/"+itoa(evID), map[string]any{"version": 1, "passage": "twelve Russian nationals", "note": "p. 1"})
	if code != 200 || num(up, "version") != 2 || up["passage"] != "twelve Russian nationals" || hdr.Get("ETag") != `"evidence-`+itoa(evID)+`-v2"` {
		t.Fatalf("edit evidence: %d %v", code, up)
	}
	if code, body, _ := ed.call("PATCH", "/api/v1/evidence/"+itoa(evID), map[string]any{"version": 1, "note": "lost"}); code != http.StatusConflict || num(body["current"].(map[string]any), "version") != 2 {
		t.Fatalf("stale edit: %d %v", code, body)
	}
	if code, body, _ := ed.call("PATCH", "/api/v1/evidence/"+itoa(evID), map[string]any{"version": 2, "stance": "sideways"}); code != 422 || fields(body)["stance"] == nil {
		t.Fatalf("edit to unknown stance: %d %v", code, body)
	}
	if code, _, _ := ed.call("DELETE", "/api/v1/evidence/"+itoa(evID), nil, "If-Match", `"evidence-`+itoa(evID)+`-v1"`); code != http.StatusConflict {
		t.Fatalf("stale delete: %d", code)
	}
	if code, _, _ := ed.call("DELETE", "/api/v1/evidence/"+itoa(evID), nil, "If-Match", `"evidence-`+itoa(evID)+`-v2"`); code != http.StatusNoContent {
		t.Fatalf("delete: %d", code)
	}
	if code, _, _ := ed.call("DELETE", "/api/v1/evidence/"+itoa(evID), nil); code != http.StatusNotFound {
		t.Fatalf("second delete: %d", code)
	}
	if code, body, _ := ed.call("GET", "/api/v1/sources/"+itoa(src), nil); code != 200 || body["title"] != evDojTitle {
		t.Fatalf("the source stays in the library: %d %v", code, body)
	}
}

func TestSourceAPI(t *testing.T) {
	a := newApp(t)
	ed := a.apiClient(models.RoleEditor)
	id := evAddSource(t, ed, map[string]any{"url": "HTTPS://Example.ORG:443/reports/2018/?utm_medium=email&year=2018", "title": "Annual report", "publisher": "Statistics Office", "kind": "dataset"})
	code, src, hdr := ed.call("GET", "/api/v1/sources/"+itoa(id), nil)
	if code != 200 || src["url"] != "https://example.org/reports/2018?year=2018" || src["kind"] != "dataset" || src["accessed_at"] == nil || hdr.Get("ETag") != `"source-`+itoa(id)+`-v1"` {
		t.Fatalf("get: %d %v", code, src)
	}
	code, body, _ := ed.call("POST", "/api/v1/sources", map[string]any{"url": "https://example.org/reports/2018?year=2018#table-2", "title": "Again"})
	if code != http.StatusConflict || num(body["current"].(map[string]any), "id") != int(id) {
		t.Fatalf("the same document twice: %d %v", code, body)
	}
	for name, bad := range map[string]map[string]any{
		"javascript": {"url": "javascript:alert(1)"}, "data": {"url": "data:,x"}, "malformed": {"url": "https//example.org"},
		"no url": {"title": "x"}, "bad date": {"url": "https://example.org/d", "published_at": "13/07/2018"},
	} {
		if code, body, _ := ed.call("POST", "/api/v1/sources", bad); code != 422 || len(fields(body)) == 0 {
			t.Errorf("%s: %d %v", name, code, body)
		}
	}
	for i := 0; i < 3; i++ {
		evAddSource(t, ed, map[string]any{"url": "https://example.org/brief/" + itoa(int64(i)), "title": "Briefing " + itoa(int64(i)), "publisher": "Statistics Office"})
	}
	code, page, _ := ed.call("GET", "/api/v1/sources?q=statistics&per_page=3", nil)
	if code != 200 || len(page["items"].([]any)) != 3 || num(page, "next_page") != 2 {
		t.Fatalf("page 1: %d %v", code, page)
	}
	code, page, _ = ed.call("GET", "/api/v1/sources?q=statistics&per_page=3&page=2", nil)
	if code != 200 || len(page["items"].([]any)) != 1 || page["next_page"] != nil {
		t.Fatalf("page 2: %d %v", code, page)
	}
	if code, _, _ := ed.call("GET", "/api/v1/sources?per_page=500", nil); code != 400 {
		t.Fatalf("per_page=500: %d", code)
	}
	// PATCH needs the version; a stale one is 409 and saves nothing.
	if code, body, _ := ed.call("PATCH", "/api/v1/sources/"+itoa(id), map[string]any{"title": "No version"}); code != 422 || fields(body)["version"] == nil {
		t.Fatalf("no version: %d %v", code, body)
	}
	code, up, _ := ed.call("PATCH", "/api/v1/sources/"+itoa(id), map[string]any{"title": "Annual report 2018", "notes": "Table 4"}, "If-Match", `"source-`+itoa(id)+`-v1"`)
	if code != 200 || num(up, "version") != 2 || up["title"] != "Annual report 2018" {
		t.Fatalf("patch: %d %v", code, up)
	}
	code, body, _ = ed.call("PATCH", "/api/v1/sources/"+itoa(id), map[string]any{"version": 1, "title": "Lost update"})
	if code != http.StatusConflict || num(body["current"].(map[string]any), "version") != 2 || body["current"].(map[string]any)["title"] != "Annual report 2018" {
		t.Fatalf("stale patch: %d %v", code, body)
	}
	if code, _, _ := ed.call("PATCH", "/api/v1/sources/"+itoa(id), map[string]any{"title": "x"}, "If-Match", `"claim-1-v2"`); code != 400 {
		t.Fatalf("foreign If-Match: %d", code)
	}
	if code, _, _ := ed.call("PATCH", "/api/v1/sources/"+itoa(id), map[string]any{"version": 2, "url": "https://example.org/brief/1"}); code != http.StatusConflict {
		t.Fatalf("moving onto another source's address: %d", code)
	}
	viewer := a.apiClient(models.RoleViewer)
	if code, _, _ := viewer.call("PATCH", "/api/v1/sources/"+itoa(id), map[string]any{"version": 2, "title": "x"}); code != http.StatusForbidden {
		t.Fatalf("viewer: %d", code)
	}
	if code, _, _ := ed.call("GET", "/api/v1/sources/999", nil); code != 404 {
		t.Fatalf("missing source: %d", code)
	}
}

func TestClaimantAPIAndMerge(t *testing.T) {
	a := newApp(t)
	ed := a.apiClient(models.RoleEditor)
	code, putin, hdr := ed.call("POST", "/api/v1/claimants", map[string]any{"name": "Vladimir Putin", "title": "President of Russia",
		"same_as": []string{"https://www.wikidata.org/wiki/Q7747", "https://en.wikipedia.org/wiki/Vladimir_Putin"}})
	if code != 201 || putin["kind"] != "person" || len(putin["same_as"].([]any)) != 2 || hdr.Get("Location") == "" {
		t.Fatalf("create: %d %v", code, putin)
	}
	putinID := int64(num(putin, "id"))
	code, kremlin, _ := ed.call("POST", "/api/v1/claimants", map[string]any{"name": "The Kremlin", "kind": "organization"})
	if code != 201 || kremlin["kind"] != "organization" {
		t.Fatalf("organisation: %d %v", code, kremlin)
	}
	for name, bad := range map[string]map[string]any{
		"no name": {"title": "x"}, "kind": {"name": "X", "kind": "bot"}, "javascript link": {"name": "Y", "same_as": []string{"javascript:alert(1)"}},
	} {
		if code, body, _ := ed.call("POST", "/api/v1/claimants", bad); code != 422 || len(fields(body)) == 0 {
			t.Errorf("%s: %d %v", name, code, body)
		}
	}
	if code, body, _ := ed.call("POST", "/api/v1/claimants", map[string]any{"name": "VLADIMIR PUTIN"}); code != 409 || num(body["current"].(map[string]any), "id") != int(putinID) {
		t.Fatalf("same name: %d %v", code, body)
	}
	// Claims name claimants by name (a new name creates a person) or id.
	articleID, _ := createArticle(t, ed, evSummit)
	c1 := evMark(t, ed, articleID, evDenial, "V. Putin")
	c2 := evMark(t, ed, articleID, "election meddling had come up", itoa(putinID))
	code, list, _ := ed.call("GET", "/api/v1/claimants?q=putin", nil)
	items := list["items"].([]any)
	if code != 200 || len(items) != 2 {
		t.Fatalf("list: %d %v", code, list)
	}
	code, dup, _ := ed.call("GET", "/api/v1/claimants?q=v.+putin", nil)
	dupItem := dup["items"].([]any)[0].(map[string]any)
	dupID := int64(num(dupItem, "id"))
	if code != 200 || dupItem["kind"] != "person" || num(dupItem, "claim_count") != 1 {
		t.Fatalf("created by the claim: %v", dup)
	}
	// PATCH: version, stale version, renaming onto another claimant.
	code, up, _ := ed.call("PATCH", "/api/v1/claimants/"+itoa(putinID), map[string]any{"version": 1, "affiliation": "United Russia"})
	if code != 200 || num(up, "version") != 2 || up["affiliation"] != "United Russia" || up["title"] != "President of Russia" {
		t.Fatalf("patch: %d %v", code, up)
	}
	if code, body, _ := ed.call("PATCH", "/api/v1/claimants/"+itoa(putinID), map[string]any{"version": 1, "title": "lost"}); code != 409 || num(body["current"].(map[string]any), "version") != 2 {
		t.Fatalf("stale patch: %d %v", code, body)
	}
	if code, _, _ := ed.call("PATCH", "/api/v1/claimants/"+itoa(dupID), map[string]any{"version": 1, "name": "vladimir putin"}); code != 409 {
		t.Fatalf("rename onto another claimant: %d", code)
	}
	// Merge conflicts, then the merge.
	mergePath := "/api/v1/claimants/" + itoa(putinID) + "/merge"
	if code, body, _ := ed.call("POST", mergePath, map[string]any{"from": putinID}); code != 422 || fields(body)["from"] == nil {
		t.Fatalf("merge into itself: %d %v", code, body)
	}
	if code, _, _ := ed.call("POST", mergePath, map[string]any{"from": "The Kremlin"}); code != 409 {
		t.Fatalf("person with organization: %d", code)
	}
	if code, _, _ := ed.call("POST", mergePath, map[string]any{"from": "V. Putin", "version": 1}); code != 409 {
		t.Fatalf("stale merge: %d", code)
	}
	if code, _, _ := ed.call("POST", mergePath, map[string]any{"from": "Nobody"}); code != 422 {
		t.Fatalf("unknown duplicate: %d", code)
	}
	viewer := a.apiClient(models.RoleViewer)
	if code, _, _ := viewer.call("POST", mergePath, map[string]any{"from": "V. Putin"}); code != 403 {
		t.Fatalf("viewer merging: %d", code)
	}
	code, merged, _ := ed.call("POST", mergePath, map[string]any{"from": "v. putin", "version": 2})
	if code != 200 || merged["name"] != "Vladimir Putin" || num(merged, "version") != 3 {
		t.Fatalf("merge: %d %v", code, merged)
	}
	if code, _, _ := ed.call("GET", "/api/v1/claimants/"+itoa(dupID), nil); code != 404 {
		t.Fatalf("duplicate after merge: %d", code)
	}
	code, claims, _ := ed.call("GET", "/api/v1/claimants/"+itoa(putinID)+"/claims", nil)
	got := map[int]bool{}
	for _, it := range claims["items"].([]any) {
		got[num(it.(map[string]any), "id")] = true
	}
	if code != 200 || len(got) != 2 || !got[int(c1)] || !got[int(c2)] {
		t.Fatalf("claims after merge: %d %v", code, claims)
	}
	if _, cl, _ := ed.call("GET", "/api/v1/claims/"+itoa(c1), nil); num(cl["claimant"].(map[string]any), "id") != int(putinID) {
		t.Fatalf("moved claim: %v", cl["claimant"])
	}
	// The claimant page lists the claims across articles with state and verdict.
	b := a.signIn(models.RoleViewer)
	page := b.get("/claimants/" + itoa(putinID))
	table := evBetween(page.Body, `data-testid="claimant-claims"`, "</table>")
	if page.StatusCode != 200 || strings.Count(table, "<tr>") != 3 || !strings.Contains(table, "never interfered") || !strings.Contains(table, "New") || !strings.Contains(table, "No sources") || strings.Contains(page.Body, "Merge a duplicate") {
		t.Fatalf("claimant page for a viewer: %d\n%s", page.StatusCode, table)
	}
}

func TestEvidenceInThePageWithoutJavaScript(t *testing.T) {
	a := newApp(t)
	ed := a.apiClient(models.RoleEditor)
	articleID, _ := createArticle(t, ed, evSummit)
	claimID := evMark(t, ed, articleID, evDenial, "Vladimir Putin")
	claimPath := "/claims/" + itoa(claimID)

	// A page whose title the server fetches when a new address is pasted.
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><title>Kremlin readout of the Helsinki talks</title><p>Readout.</p>`))
	}))
	defer site.Close()
	if err := a.store.SetSettings(context.Background(), store.Actor{Name: "test"}, map[string]string{"private_networks": "127.0.0.0/8"}); err != nil {
		t.Fatal(err)
	}
	b := a.signIn(models.RoleEditor)
	page := b.get(claimPath)
	if !strings.Contains(page.Body, `data-testid="no-evidence"`) || !strings.Contains(page.Body, `action="/claims/`+itoa(claimID)+`/evidence"`) {
		t.Fatalf("claim page without evidence")
	}
	// The lookup the script makes when an address is pasted.
	lookup := func(raw string) (int, string) {
		v := url.Values{"url": {raw}, "_csrf": {b.csrf}}
		req, _ := http.NewRequest("POST", a.srv.URL+"/sources/lookup", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		r := b.do(req)
		return r.StatusCode, r.Body
	}
	if code, body := lookup(site.URL + "/readout?utm_source=x"); code != 200 || !strings.Contains(body, `"title":"Kremlin readout of the Helsinki talks"`) || !strings.Contains(body, `"source":null`) || strings.Contains(body, "utm_source") {
		t.Fatalf("lookup of a new address: %d %s", code, body)
	}
	if code, body := lookup("javascript:alert(1)"); code != 422 || !strings.Contains(body, "http") {
		t.Fatalf("lookup of javascript: %d %s", code, body)
	}
	// Paste a new address without a title: the server fetches it.
	res := b.postForm(claimPath+"/evidence", url.Values{"source": {site.URL + "/readout"}, "stance": {"origin"}, "kind": {"official_statement"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add by new address: %d\n%s", res.StatusCode, evBetween(res.Body, `id="evidence"`, "</section>"))
	}
	page = b.get(claimPath)
	if !strings.Contains(page.Body, "Kremlin readout of the Helsinki talks") || !strings.Contains(page.Body, "⌂ Origin") || !strings.Contains(page.Body, "Official statement") {
		t.Fatalf("claim page after adding:\n%s", evBetween(page.Body, `id="evidence"`, "</section>"))
	}
	if code, body := lookup(site.URL + "/readout/"); code != 200 || !strings.Contains(body, `"source":{"id":`) {
		t.Fatalf("lookup of a known address: %d %s", code, body)
	}
	// Bad input in the page: messages in place, nothing stored.
	for name, v := range map[string]url.Values{
		"javascript":     {"source": {"javascript:alert(1)"}, "stance": {"context"}},
		"data":           {"source": {"data:text/html,hi"}, "stance": {"context"}},
		"unknown stance": {"source": {site.URL + "/other"}, "title": {"Other"}, "stance": {"maybe"}},
		"long passage":   {"source": {site.URL + "/other"}, "title": {"Other"}, "stance": {"context"}, "passage": {strings.Repeat("p", store.MaxPassageRunes+1)}},
		"nothing":        {"stance": {"context"}},
		"no match":       {"source": {"zzzz"}, "stance": {"context"}},
	} {
		res := b.postForm(claimPath+"/evidence", v)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `class="error-text"`) || !strings.Contains(res.Body, "<details class=\"card\" id=\"add-evidence-"+itoa(claimID)+"\" open") {
			t.Errorf("%s: %d\n%s", name, res.StatusCode, evBetween(res.Body, `id="evidence"`, "</section>"))
		}
	}
	res = b.postForm(claimPath+"/evidence", url.Values{"source": {site.URL + "/readout#top"}, "stance": {"origin"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, `data-testid="evidence-conflict"`) || !strings.Contains(res.Body, "already linked") {
		t.Fatalf("same source and stance again: %d", res.StatusCode)
	}
	list, _ := a.store.ClaimEvidence(context.Background(), claimID)
	if len(list) != 1 {
		t.Fatalf("evidence after bad input: %d, want 1", len(list))
	}
	ev := list[0]
	// Edit in place: the edit link opens the row as a form; a stale version is a conflict that keeps the text.
	page = b.get(claimPath + "?edit_evidence=" + itoa(ev.ID))
	if !strings.Contains(page.Body, `action="/evidence/`+itoa(ev.ID)+`"`) || !strings.Contains(page.Body, `class="editing"`) {
		t.Fatalf("edit row not rendered")
	}
	other := a.signIn(models.RoleEditor)
	other.get(claimPath)
	if res := other.postForm("/evidence/"+itoa(ev.ID), url.Values{"version": {"1"}, "stance": {"origin"}, "passage": {"First editor's passage"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first edit: %d", res.StatusCode)
	}
	res = b.evPostFragment("/evidence/"+itoa(ev.ID), url.Values{"version": {"1"}, "stance": {"context"}, "note": {"My note"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "Someone else changed this evidence") || !strings.Contains(res.Body, `value="My note"`) || !strings.Contains(res.Body, `name="version" value="2"`) {
		t.Fatalf("stale edit: %d\n%s", res.StatusCode, res.Body)
	}
	res = b.evPostFragment("/evidence/"+itoa(ev.ID), url.Values{"version": {"2"}, "stance": {"context"}, "note": {"My note"}})
	if res.StatusCode != 200 || !strings.Contains(res.Body, "Evidence saved.") || !strings.Contains(res.Body, "◆ Context") || !strings.Contains(res.Body, "My note") {
		t.Fatalf("edit: %d\n%s", res.StatusCode, res.Body)
	}
	// Where the claim was made.
	res = b.postForm(claimPath+"/origin", url.Values{"version": {"1"}, "place": {"Joint news conference, Helsinki"}, "first_appearance": {"https://www.kremlin.ru/events/president/news/58017"},
		"appearances": {"https://www.youtube.com/watch?v=abc&utm_source=x\n\njavascript:alert(1)"}})
	if res.StatusCode != 422 || !strings.Contains(evBetween(res.Body, `id="err-appearances"`, "</p>"), "http://") {
		t.Fatalf("javascript appearance: %d", res.StatusCode)
	}
	res = b.postForm(claimPath+"/origin", url.Values{"version": {"1"}, "place": {"Joint news conference, Helsinki"}, "first_appearance": {"https://www.kremlin.ru/events/president/news/58017"},
		"appearances": {"https://www.youtube.com/watch?v=abc&utm_source=x\nhttps://www.c-span.org/video/?448384-1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("origin: %d\n%s", res.StatusCode, evBetween(res.Body, `data-testid="origin"`, "</form>"))
	}
	page = b.get(claimPath)
	origin := evBetween(page.Body, `data-testid="origin"`, "<details")
	if !strings.Contains(origin, "Joint news conference, Helsinki") || !strings.Contains(origin, "https://www.youtube.com/watch?v=abc<") || !strings.Contains(origin, "kremlin.ru/events/president/news/58017") {
		t.Fatalf("origin shown:\n%s", origin)
	}
	code, o, _ := ed.call("GET", "/api/v1/claims/"+itoa(claimID)+"/origin", nil)
	if code != 200 || o["place"] != "Joint news conference, Helsinki" || len(o["appearances"].([]any)) != 2 || num(o, "version") != 2 {
		t.Fatalf("origin API: %v", o)
	}
	// The claim's own edit form now carries version 2: the origin moved the claim on.
	if !strings.Contains(evBetween(page.Body, `action="/claims/`+itoa(claimID)+`"`, "</form>"), `name="version" value="2"`) {
		t.Fatalf("claim form version not updated")
	}
	code, body, _ := ed.call("PUT", "/api/v1/claims/"+itoa(claimID)+"/origin", map[string]any{"version": 1, "place": "stale"})
	if code != 409 || num(body["current"].(map[string]any), "version") != 2 {
		t.Fatalf("stale origin PUT: %d %v", code, body)
	}
	// Remove.
	res = b.postForm("/evidence/"+itoa(ev.ID)+"/delete", url.Values{"version": {"3"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", res.StatusCode)
	}
	if page := b.get(claimPath + "?evidence=removed"); !strings.Contains(page.Body, `data-testid="no-evidence"`) || !strings.Contains(page.Body, "The source stays in the library") {
		t.Fatalf("after removal")
	}
	// A viewer sees no forms and cannot post.
	viewer := a.signIn(models.RoleViewer)
	page = viewer.get(claimPath)
	if strings.Contains(page.Body, `action="/claims/`+itoa(claimID)+`/evidence"`) || strings.Contains(page.Body, "Edit where the claim was made") {
		t.Fatalf("viewer sees evidence forms")
	}
	if res := viewer.postForm(claimPath+"/evidence", url.Values{"source": {site.URL + "/readout"}, "stance": {"context"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer adding evidence in the page: %d", res.StatusCode)
	}
	if res := viewer.postForm("/sources", url.Values{"url": {"https://example.org/x"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer adding a source in the page: %d", res.StatusCode)
	}
	// The article page's dialog loads the section as a fragment; a plain GET goes to the claim page.
	req, _ := http.NewRequest("GET", a.srv.URL+claimPath+"/evidence", nil)
	req.Header.Set("X-Fragment", "evidence")
	if r := b.do(req); r.StatusCode != 200 || !strings.HasPrefix(strings.TrimSpace(r.Body), "<section") {
		t.Fatalf("fragment: %d", r.StatusCode)
	}
	if r := b.get(claimPath + "/evidence"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != claimPath+"#evidence" {
		t.Fatalf("plain GET of the fragment: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
}

func TestSourceAndClaimantPages(t *testing.T) {
	a := newApp(t)
	b := a.signIn(models.RoleEditor)
	b.get("/sources")
	res := b.postForm("/sources", url.Values{"url": {"javascript:alert(1)"}, "title": {"Bad"}})
	if res.StatusCode != 422 || !strings.Contains(evBetween(res.Body, `id="err-url"`, "</p>"), "http://") {
		t.Fatalf("javascript source in the page: %d", res.StatusCode)
	}
	res = b.postForm("/sources", url.Values{"url": {evDojURL}, "title": {evDojTitle}, "publisher": {"U.S. Department of Justice"}, "kind": {"official_statement"}, "published_at": {"2018-07-13"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add source: %d", res.StatusCode)
	}
	srcPath := strings.TrimSuffix(res.Header.Get("Location"), "?saved=1")
	b.get("/sources")
	if res := b.postForm("/sources", url.Values{"url": {evDojURL + "/"}}); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), srcPath+"?exists") {
		t.Fatalf("the same document again: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	page := b.get(srcPath)
	if !strings.Contains(page.Body, "Official statement") || !strings.Contains(page.Body, "13 July 2018") || !strings.Contains(page.Body, `data-testid="no-citations"`) {
		t.Fatalf("source page")
	}
	other := a.signIn(models.RoleEditor)
	other.get(srcPath)
	if res := other.postForm(srcPath, url.Values{"version": {"1"}, "url": {evDojURL}, "title": {"Press release"}, "kind": {"official_statement"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first edit: %d", res.StatusCode)
	}
	res = b.postForm(srcPath, url.Values{"version": {"1"}, "url": {evDojURL}, "title": {"My title"}, "kind": {"official_statement"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "Someone else changed this source") || !strings.Contains(res.Body, `value="My title"`) || !strings.Contains(res.Body, `name="version" value="2"`) {
		t.Fatalf("stale source edit: %d", res.StatusCode)
	}
	if page := b.get("/sources?q=press"); !strings.Contains(page.Body, "Press release") {
		t.Fatalf("library search after rename")
	}
	// Claimants.
	b.get("/claimants")
	res = b.postForm("/claimants", url.Values{"name": {"Donald Trump"}, "title": {"President of the United States"}, "same_as": {"https://www.wikidata.org/wiki/Q22686\nhttps://en.wikipedia.org/wiki/Donald_Trump"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add claimant: %d", res.StatusCode)
	}
	trumpPath := strings.TrimSuffix(res.Header.Get("Location"), "?saved=1")
	b.get("/claimants")
	if res := b.postForm("/claimants", url.Values{"name": {"donald trump"}}); res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "already a claimant") {
		t.Fatalf("duplicate claimant: %d", res.StatusCode)
	}
	ed := a.apiClient(models.RoleEditor)
	art1, _ := createArticle(t, ed, evSummit)
	art2, _ := createArticle(t, ed, wireReport)
	evMark(t, ed, art1, evInterview, "Donald Trump")
	evMark(t, ed, art2, "Nobody expected it.", "D. Trump")
	page = b.get(trumpPath)
	if strings.Count(evBetween(page.Body, `data-testid="claimant-claims"`, "</table>"), "<tr>") != 2 {
		t.Fatalf("claimant page before merge")
	}
	if res := b.postForm(trumpPath+"/merge", url.Values{"from": {"Donald Trump"}, "version": {"1"}}); res.StatusCode != 422 || !strings.Contains(res.Body, "cannot be merged into itself") {
		t.Fatalf("merge into itself: %d", res.StatusCode)
	}
	if res := b.postForm(trumpPath+"/merge", url.Values{"from": {"d. trump"}, "version": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("merge: %d", res.StatusCode)
	}
	page = b.get(trumpPath + "?merged=1")
	claims := evBetween(page.Body, `data-testid="claimant-claims"`, "</table>")
	if strings.Count(claims, "<tr>") != 3 || !strings.Contains(claims, "Nobody expected it.") || !strings.Contains(claims, "Methane deal") {
		t.Fatalf("claimant page after merge:\n%s", claims)
	}
	if list := b.get("/claimants?q=trump"); strings.Count(evBetween(list.Body, `data-testid="claimant-list"`, "</table>"), "<tr>") != 2 {
		t.Fatalf("claimant list after merge")
	}
	viewer := a.signIn(models.RoleViewer)
	if res := viewer.postForm(trumpPath+"/merge", url.Values{"from": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer merging in the page: %d", res.StatusCode)
	}
	if res := viewer.get("/claimants/999"); res.StatusCode != 404 {
		t.Fatalf("missing claimant page: %d", res.StatusCode)
	}
}

// evWait polls a JavaScript condition until it is true.
func evWait(ctx context.Context, t *testing.T, cond string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if browsertest.Eval[bool](ctx, t, "!!("+cond+")") {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", cond)
}

// TestBrowserEvidence drives evidence.js in Chromium, by keyboard where a
// person would: open a claim's evidence from the article page (e), search
// the library as you type, pick with the arrow keys, add; paste a new
// address on the claim page and get its title; edit in place.
func TestBrowserEvidence(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a := newApp(t)
	fc := storetest.User(t, a.store, models.RoleFactChecker)
	api := a.apiClient(models.RoleFactChecker)
	art := storetest.Article(t, a.store, fc, "Putin denies election interference at Helsinki summit", evSummit)
	denialID := evMark(t, api, art.ID, evDenial, "Vladimir Putin")
	interviewID := evMark(t, api, art.ID, evInterview, "Donald Trump")
	doj := evAddSource(t, api, map[string]any{"url": evDojURL, "title": evDojTitle, "publisher": "U.S. Department of Justice", "kind": "official_statement", "published_at": "2018-07-13"})
	evAddSource(t, api, map[string]any{"url": "https://www.justice.gov/file/1080281/download", "title": "United States v. Netyksho et al. (indictment)", "publisher": "U.S. District Court", "kind": "court_filing"})
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><title>Transcript: President Trump's interview with CBS Evening News</title><p>…</p>`))
	}))
	defer site.Close()
	if err := a.store.SetSettings(context.Background(), store.Actor{Name: "test"}, map[string]string{"private_networks": "127.0.0.0/8"}); err != nil {
		t.Fatal(err)
	}
	base := a.srv.URL
	browsertest.Navigate(ctx, t, base+"/login")
	browsertest.Do(ctx, t, chromedp.SendKeys("#email", fc.Email), chromedp.SendKeys("#password", storetest.Password), chromedp.Submit("#password"))
	evWait(ctx, t, `location.pathname !== "/login"`)

	// The article page: open claim 1's evidence with the keyboard.
	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(art.ID))
	evWait(ctx, t, `document.querySelectorAll("[data-open-evidence]").length === 2`)
	browsertest.Do(ctx, t, chromedp.Focus("#claim-"+itoa(denialID)), chromedp.KeyEvent("e"))
	evWait(ctx, t, `document.querySelector("#evidence-dialog[open] [data-source-search]") === document.activeElement`)
	browsertest.Do(ctx, t, chromedp.KeyEvent("indic"))
	evWait(ctx, t, `document.querySelectorAll('#evidence-dialog [role="option"]').length === 2`)
	// Newest first: the court filing, then the press release.
	browsertest.Do(ctx, t, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown))
	pickedTitle := browsertest.Eval[string](ctx, t, `document.querySelector('#evidence-dialog [role="option"][aria-selected="true"] div').textContent`)
	if pickedTitle != evDojTitle {
		t.Fatalf("second option = %q, want the press release", pickedTitle)
	}
	browsertest.Do(ctx, t, chromedp.KeyEvent(kb.Enter))
	evWait(ctx, t, `document.querySelector("#evidence-dialog [data-source-id]").value === "`+itoa(doj)+`"`)
	if got := browsertest.Eval[string](ctx, t, `document.querySelector("#evidence-dialog [data-source-search]").value`); got != evDojTitle {
		t.Fatalf("the field shows %q after the pick", got)
	}
	if browsertest.Eval[bool](ctx, t, `!!document.querySelector('#evidence-dialog [aria-invalid="true"]')`) {
		t.Fatal("the Enter that picked the source also submitted the form")
	}
	browsertest.Do(ctx, t,
		chromedp.SetValue("#evidence-dialog select[name=stance]", "refutes"),
		chromedp.SendKeys("#evidence-dialog textarea[name=passage]", "The indictment charges twelve Russian nationals for committing federal crimes that were intended to interfere with the 2016 U.S. presidential election."),
	)
	browsertest.Screenshot(ctx, t, "evidence-1-dialog-picked")
	browsertest.Do(ctx, t, chromedp.Click(`#evidence-dialog [data-evidence-add] button[type="submit"]`))
	evWait(ctx, t, `document.querySelector('#evidence-dialog [data-testid="evidence-table"]')`)
	table := browsertest.Text(ctx, t, `#evidence-dialog [data-testid="evidence-table"]`)
	if !strings.Contains(table, "✗ Refutes") || !strings.Contains(table, pickedTitle) {
		t.Fatalf("dialog table: %s", table)
	}
	if li := browsertest.Text(ctx, t, "#claim-"+itoa(denialID)); !strings.Contains(li, "1 source") || strings.Contains(li, "No sources") {
		t.Fatalf("the claim list did not update: %s", li)
	}
	browsertest.Screenshot(ctx, t, "evidence-2-dialog-added")
	browsertest.Do(ctx, t, chromedp.KeyEvent(kb.Escape))
	evWait(ctx, t, `!document.querySelector("#evidence-dialog").open && document.activeElement.hasAttribute("data-open-evidence")`)
	browsertest.Screenshot(ctx, t, "evidence-2b-article-panel")

	// The claim page: paste a new address; the server fetches its title.
	browsertest.Navigate(ctx, t, base+"/claims/"+itoa(interviewID))
	browsertest.Do(ctx, t, chromedp.Click("#add-evidence-"+itoa(interviewID)+" summary"), chromedp.SendKeys("#ev-source-"+itoa(interviewID), site.URL+"/cbs-interview?utm_source=newsletter"))
	evWait(ctx, t, `document.querySelector("#ev-title-`+itoa(interviewID)+`").value.indexOf("CBS Evening News") > 0`)
	if hidden := browsertest.Eval[bool](ctx, t, `document.querySelector("[data-new-source]").hidden`); hidden {
		t.Fatal("the new source's fields stay hidden for a new address")
	}
	browsertest.Do(ctx, t,
		chromedp.SetValue("#ev-kind-"+itoa(interviewID), "interview"),
		chromedp.SetValue("#ev-stance-"+itoa(interviewID), "context"),
		chromedp.SendKeys("#ev-passage-"+itoa(interviewID), "It hadn't, but certainly I'll be looking at that."),
	)
	browsertest.Screenshot(ctx, t, "evidence-3-claim-new-url")
	browsertest.Do(ctx, t, chromedp.Click(`[data-evidence-add] button[type="submit"]`))
	evWait(ctx, t, `document.querySelector('[data-testid="evidence-table"]') && document.querySelector("[data-evidence-status] .alert")`)
	if s := browsertest.Text(ctx, t, "[data-evidence-status]"); !strings.Contains(s, "Evidence added") {
		t.Fatalf("status: %q", s)
	}
	// Edit in place, then look at the page.
	browsertest.Do(ctx, t, chromedp.Click("[data-evidence-edit]"))
	evWait(ctx, t, `document.activeElement && document.activeElement.name === "stance"`)
	browsertest.Do(ctx, t, chromedp.SendKeys(`tr.editing input[name=note]`, "Asked about extradition by Jeff Glor."), chromedp.Click(`tr.editing button[type="submit"]`))
	evWait(ctx, t, `!document.querySelector("tr.editing") && document.querySelector('[data-testid="evidence-table"]').textContent.indexOf("Jeff Glor") > 0`)
	browsertest.Screenshot(ctx, t, "evidence-4-claim-page")

	// The source's page and the library.
	browsertest.Navigate(ctx, t, base+"/sources/"+itoa(doj))
	if c := browsertest.Text(ctx, t, `[data-testid="citations"]`); !strings.Contains(c, "never interfered") {
		t.Fatalf("source page citations: %s", c)
	}
	browsertest.Screenshot(ctx, t, "evidence-5-source-page")
	browsertest.Navigate(ctx, t, base+"/sources")
	browsertest.Screenshot(ctx, t, "evidence-6-library")
	browsertest.Navigate(ctx, t, base+"/claimants")
	browsertest.Screenshot(ctx, t, "evidence-7-claimants")
	browsertest.Navigate(ctx, t, base+"/claimants/1")
	browsertest.Screenshot(ctx, t, "evidence-8-claimant-page")
}

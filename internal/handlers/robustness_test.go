package handlers_test

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/handlers"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/static"
)

// TestNoRouteAnswers500ToBadInput sends every registered route hostile ids
// and bodies, signed in as an admin (pages, with a valid CSRF token) and
// with an admin's API token, and requires a 4xx (or a success), never a 5xx.
func TestNoRouteAnswers500ToBadInput(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(models.RoleAdmin)
	api := a.apiClient(models.RoleAdmin)
	c := &client{a: a, token: api.token}
	// Real rows with id 1, so hostile input reaches validation, not a 404.
	artID, _ := createArticle(t, api, wireReport)
	claimID := markQuote(t, api, artID, "Nobody expected it.")
	if code, _, _ := api.call("POST", "/api/v1/claims/"+itoa(claimID)+"/evidence", map[string]any{"source": map[string]any{"url": "https://example.org/report", "title": "Report"}, "stance": "context"}); code != http.StatusCreated {
		t.Fatalf("seed evidence: %d", code)
	}
	if code, _, _ := api.call("POST", "/api/v1/claims/"+itoa(claimID)+"/comments", map[string]any{"body": "First"}); code != http.StatusCreated {
		t.Fatalf("seed comment: %d", code)
	}
	assets, _ := static.Load()
	e := handlers.New(handlers.Deps{Store: a.store, Assets: assets})
	ids := []string{"1", "0", "-1", "abc", "99999999999999999999", "1e3", "%00"}
	bodies := []string{"", "{", "[]", `{"version": "x", "start": -5, "end": "y", "text": 5}`, `{"approve": "maybe", "state": "flying", "due": "soon", "stance": 7}`, strings.Repeat("x", 10000),
		// NUL is valid JSON but PostgreSQL refuses it in text: it must be a 4xx, not a 500.
		`{"title": "a\u0000b", "text": "x\u0000y", "summary": "s\u0000", "notes": "n\u0000", "body": "c\u0000", "note": "\u0000", "name": "\u0000", "claimant": "P\u0000", "version": 1, "stance": "context", "source": {"url": "https://example.org/\u0000", "title": "t\u0000"}}`}
	forms := []url.Values{{}, {"version": {"x"}, "start": {"-1"}, "end": {"abc"}, "start16": {"9999999"}, "end16": {"-3"}, "quote": {"\x00"}, "approve": {"maybe"},
		"state": {"flying"}, "due": {"13/13/13"}, "stance": {"sideways"}, "url": {"javascript:alert(1)"}, "role": {"emperor"}, "page": {"-1"}, "revision": {"x"}},
		{"summary": {"a\x00b"}, "notes": {"\x00"}, "name": {"N\x00"}, "title": {"T\x00"}, "text": {"x\x00y"}, "body": {"\x00"}, "note": {"\x00"}, "claimant": {"P\x00"}, "label": {"L\x00"}, "email": {"a\x00@b.org"}, "password": {"a long enough\x00"}, "version": {"1"}}}
	seen := map[string]bool{}
	routes := e.Routes()
	destructive := func(i int) bool {
		return routes[i].Method == http.MethodDelete || strings.Contains(routes[i].Path, "delete") || strings.Contains(routes[i].Path, "merge")
	}
	sort.SliceStable(routes, func(i, j int) bool { return !destructive(i) && destructive(j) })
	for _, r := range routes {
		if r.Path == "/static/*" || strings.HasSuffix(r.Path, "/*") || r.Method == "CONNECT" || r.Method == "TRACE" || r.Method == "PROPFIND" || r.Method == "REPORT" {
			continue
		}
		for _, id := range ids {
			path := r.Path
			for _, p := range []string{":id", ":n", ":format"} {
				path = strings.ReplaceAll(path, p, id)
			}
			key := r.Method + " " + path
			if seen[key] {
				continue
			}
			seen[key] = true
			if strings.HasPrefix(path, "/api/") {
				for _, b := range bodies {
					for _, q := range append([]string{"", "?page=-1&q=%ff&state=x&from=nope&per_page=1000000"}, boardQueries...) {
						code, body, _ := callRaw(c, r.Method, path+q, b)
						if code >= 500 {
							t.Errorf("%s %s%s with %.40q: %d %v", r.Method, path, q, b, code, body)
						}
					}
				}
				continue
			}
			for _, f := range forms {
				var res response
				switch r.Method {
				case http.MethodGet:
					res = admin.get(path + "?page=-1&q=%ff&from=nope&to=x&state=flying&reattach=abc&from=1&to=99")
					for _, q := range boardQueries {
						if r := admin.get(path + q); r.StatusCode >= 500 {
							t.Errorf("GET %s%s: %d", path, q, r.StatusCode)
						}
					}
				case http.MethodPost:
					if path == "/logout" {
						continue
					}
					v := url.Values{}
					for k, vs := range f {
						v[k] = vs
					}
					res = admin.postForm(path, v)
				default:
					continue
				}
				if res.StatusCode >= 500 {
					t.Errorf("%s %s: %d", r.Method, path, res.StatusCode)
				}
			}
		}
	}
	if len(seen) < 100 {
		t.Fatalf("only %d route/id pairs tried; the route walk is broken", len(seen))
	}
}

// boardQueries are the board's filters, unknown and all at once: a page
// past the early checks reaches the store's resolution and, valid, the
// index each combination names.
var boardQueries = []string{
	"?state=flying&verdict=Pants&assignee=ghost@example.org&marked_by=ghost@example.org&claimant=No+One&article=abc&overdue=1&no_evidence=1",
	"?state=new&verdict=none&assignee=none&marked_by=me&overdue=1&no_evidence=1&page=3",
	"?state=in_review&verdict=1&assignee=me&claimant=%C3%93LAFUR&article=1&marked_by=1",
}

// callRaw is client.call without its own 5xx failure, so the test reports every route.
func callRaw(c *client, method, path, body string) (int, string, http.Header) {
	req, _ := http.NewRequest(method, c.a.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error(), nil
	}
	defer res.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 300)
	n, _ := res.Body.Read(buf)
	sb.Write(buf[:n])
	return res.StatusCode, sb.String(), res.Header
}

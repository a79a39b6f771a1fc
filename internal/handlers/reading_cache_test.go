package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

// The reading page keeps its rendered body and claim list between views;
// whatever the page shows from claims, claimants and verdict labels must
// still appear at once after it changes, by any route.
func TestReadingPageIsNeverStale(t *testing.T) {
	a := newApp(t)
	api := a.apiClient(models.RoleFactChecker)
	_, art, _ := api.call("POST", "/api/v1/articles", map[string]any{"title": "Methane deal", "text": wireReport})
	id := itoa(int64(num(art, "id")))
	code, cl, _ := api.call("POST", "/api/v1/articles/"+id+"/claims", map[string]any{"quote": "Nobody expected it.", "claimant": "Ana Sørensen"})
	if code != 201 {
		t.Fatalf("mark: %d %v", code, cl)
	}
	claimID := itoa(int64(num(cl, "id")))
	claimantID := itoa(int64(num(cl["claimant"].(map[string]any), "id")))
	b := a.signIn(models.RoleViewer)
	page := func() string {
		t.Helper()
		r := b.get("/articles/" + id)
		if r.StatusCode != 200 {
			t.Fatalf("reading page: %d", r.StatusCode)
		}
		return r.Body
	}
	list := func(body string) string { // the cached part: the claim list
		i, j := strings.Index(body, `<ol class="claim-list"`), strings.Index(body, `</ol>`)
		return body[i:j]
	}
	first := page()
	if second := page(); list(second) != list(first) || !strings.Contains(first, "Ana Sørensen") || !strings.Contains(first, "No sources") {
		t.Fatalf("two views differ, or the claim is missing:\n%s", list(first))
	}

	steps := []struct {
		name   string
		change func() int
		want   string
	}{
		{"claimant renamed", func() int {
			code, _, _ := api.call("PATCH", "/api/v1/claimants/"+claimantID, map[string]any{"version": 1, "name": "Ana Sørensen-Lund"})
			return code
		}, "Ana Sørensen-Lund"},
		{"evidence added", func() int {
			code, _, _ := api.call("POST", "/api/v1/claims/"+claimID+"/evidence", map[string]any{"source": map[string]any{"url": "https://example.org/deal", "title": "Deal"}, "stance": "context"})
			return code
		}, "1 source"},
		{"summary edited", func() int {
			code, _, _ := api.call("PATCH", "/api/v1/claims/"+claimID, map[string]any{"version": 1, "summary": "Nobody expected the deal"})
			return code
		}, "Nobody expected the deal"},
		{"research started", func() int {
			code, _, _ := api.call("PATCH", "/api/v1/claims/"+claimID, map[string]any{"version": 2, "state": "researching"})
			return code
		}, `<span class="badge state-researching">`},
		{"verdict proposed", func() int {
			code, _, _ := api.call("PATCH", "/api/v1/claims/"+claimID, map[string]any{"version": 3, "state": "in_review", "verdict": "Misleading", "explanation": "It was announced a week before."})
			return code
		}, "Misleading"},
		{"verdict label renamed", func() int {
			admin := a.apiClient(models.RoleAdmin)
			scale, err := a.store.Verdicts(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range scale {
				if v.Label == "Misleading" {
					if _, err := a.store.UpdateVerdict(context.Background(), store.ActorOf(admin.user), v.ID, v.Version,
						store.VerdictInput{Label: "Misleading in context", Colour: v.Colour}); err != nil {
						t.Fatal(err)
					}
				}
			}
			return 200
		}, "Misleading in context"},
		{"claim deleted", func() int {
			code, _, _ := api.call("DELETE", "/api/v1/claims/"+claimID+"?version=4", nil)
			return code
		}, "No claims marked yet."},
	}
	// The API's list of the article's claims is kept the same way, with
	// the key as its ETag.
	apiList := func(etag string) (int, string, string) {
		t.Helper()
		code, body, hdr := api.call("GET", "/api/v1/articles/"+id+"/claims", nil, "If-None-Match", etag)
		b, _ := json.Marshal(body)
		return code, hdr.Get("ETag"), string(b)
	}
	_, etag, _ := apiList("")
	if code, again, _ := apiList(etag); code != http.StatusNotModified || again != etag || etag == "" {
		t.Fatalf("the list again with If-None-Match %s: %d, ETag %s; want 304", etag, code, again)
	}
	for _, s := range steps {
		if code := s.change(); code >= 300 {
			t.Fatalf("%s: %d", s.name, code)
		}
		if body := page(); !strings.Contains(body, s.want) {
			t.Fatalf("after %s the page lacks %q:\n%s", s.name, s.want, list(body))
		}
		code, newTag, _ := apiList(etag)
		if code != http.StatusOK || newTag == etag {
			t.Fatalf("after %s the API list with the old ETag: %d, ETag %s (was %s); want 200 and a new ETag", s.name, code, newTag, etag)
		}
		etag = newTag
	}

	// The list names the assignee: renaming that person changes it too.
	fc := a.apiClient(models.RoleFactChecker)
	code, c2, _ := api.call("POST", "/api/v1/articles/"+id+"/claims", map[string]any{"quote": "Delegates cheered"})
	if code != 201 {
		t.Fatalf("mark: %d", code)
	}
	if code, _, _ := api.call("PATCH", "/api/v1/claims/"+itoa(int64(num(c2, "id"))), map[string]any{"version": 1, "assignee": fc.user.Email}); code != 200 {
		t.Fatalf("assign: %d", code)
	}
	_, etag, _ = apiList("")
	admin := a.apiClient(models.RoleAdmin)
	newName := "Renamed Checker"
	if _, err := a.store.UpdateUser(context.Background(), store.ActorOf(admin.user), fc.user.ID, store.UserUpdate{Name: &newName}); err != nil {
		t.Fatal(err)
	}
	if code, newTag, body := apiList(etag); code != http.StatusOK || newTag == etag || !strings.Contains(body, newName) {
		t.Fatalf("after renaming the assignee: %d, ETag %s (was %s), body has the new name: %v", code, newTag, etag, strings.Contains(body, newName))
	}
}

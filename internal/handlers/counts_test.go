package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/benchseed"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

// A filter that matches more than store.CountCap claims of a state says so:
// the API lists the capped states and the page shows "1,000+"; without
// such a filter the counts are exact and grouped by thousands.
func TestBoardSaysWhenACountStoppedAtTheCap(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleFactChecker)
	if _, err := benchseed.Seed(context.Background(), a.store, benchseed.Options{Articles: 20, Claims: 6000, RandSeed: 5, Author: c.user.ID}); err != nil {
		t.Fatal(err)
	}
	code, body, _ := c.call("GET", "/api/v1/claims?no_evidence=true", nil)
	capped, _ := body["counts_capped"].([]any)
	if code != 200 || len(capped) == 0 || body["total_capped"] != true {
		t.Fatalf("no evidence: %d, counts_capped %v, total_capped %v", code, body["counts_capped"], body["total_capped"])
	}
	for _, s := range capped {
		if n := body["counts"].(map[string]any)[s.(string)]; n != float64(store.CountCap) {
			t.Errorf("capped state %s counts %v, want %d", s, n, store.CountCap)
		}
	}
	code, body, _ = c.call("GET", "/api/v1/claims", nil)
	if capped, _ := body["counts_capped"].([]any); code != 200 || capped == nil || len(capped) != 0 || body["total_capped"] != false || body["total"].(float64) < 5000 {
		t.Fatalf("no filter: %d, counts_capped %v, total %v (capped %v)", code, body["counts_capped"], body["total"], body["total_capped"])
	}

	b := a.signIn(models.RoleViewer)
	page := b.get("/board?no_evidence=1")
	if page.StatusCode != 200 || !strings.Contains(page.Body, "1,000+") {
		t.Fatalf("board, no evidence: %d, want a count shown as 1,000+", page.StatusCode)
	}
	page = b.get("/board")
	if page.StatusCode != 200 || strings.Contains(page.Body, "1,000+") || !strings.Contains(page.Body, "All: 5,") {
		t.Fatalf("board: %d, want exact counts such as All: 5,9xx", page.StatusCode)
	}
}

// Editors find the claims they marked: the board's marked_by filter, in the
// API and the page, and a section of their queue.
func TestMarkedByMe(t *testing.T) {
	a := newApp(t)
	ed := a.apiClient(models.RoleEditor)
	_, art, _ := ed.call("POST", "/api/v1/articles", map[string]any{"title": "Methane deal", "text": wireReport})
	if code, _, _ := ed.call("POST", "/api/v1/articles/"+itoa(int64(num(art, "id")))+"/claims", map[string]any{"quote": "Nobody expected it."}); code != 201 {
		t.Fatalf("mark: %d", code)
	}
	code, body, _ := ed.call("GET", "/api/v1/claims?marked_by=me", nil)
	if items, _ := body["items"].([]any); code != 200 || len(items) != 1 {
		t.Fatalf("marked_by=me: %d, %v", code, body)
	}
	other := a.apiClient(models.RoleFactChecker)
	if code, body, _ := other.call("GET", "/api/v1/claims?marked_by=me", nil); code != 200 || len(body["items"].([]any)) != 0 {
		t.Fatalf("marked_by=me for someone who marked nothing: %d, %v", code, body)
	}
	if code, body, _ := other.call("GET", "/api/v1/claims?marked_by="+ed.user.Email, nil); code != 200 || len(body["items"].([]any)) != 1 {
		t.Fatalf("marked_by=<the editor's e-mail>: %d, %v", code, body)
	}
	if code, body, _ := ed.call("GET", "/api/v1/claims?marked_by=ghost@example.org", nil); code != 422 || fields(body)["marked_by"] == nil {
		t.Fatalf("marked_by an unknown user: %d, %v", code, body)
	}
	b := a.signIn(models.RoleEditor)
	quote := "Emissions fell 4.2% last year"
	start := len([]rune(wireReport[:strings.Index(wireReport, quote)]))
	if _, err := a.store.CreateClaim(context.Background(), store.ActorOf(b.user), store.NewClaim{ArticleID: int64(num(art, "id")), Revision: 1,
		Start: start, End: start + len([]rune(quote)), Quote: quote}); err != nil {
		t.Fatal(err)
	}
	page := b.get("/queue")
	if page.StatusCode != 200 || !strings.Contains(page.Body, "Marked by me, still open") || !strings.Contains(page.Body, "Emissions fell 4.2% last year") || strings.Contains(page.Body, "Nobody expected it.") {
		t.Fatalf("the editor's queue: %d, want their own claim only", page.StatusCode)
	}
	if strings.Contains(page.Body, "Assigned to me") {
		t.Error("an editor's queue offers assignments, which only fact-checkers get")
	}
	if page := a.signIn(models.RoleFactChecker).get("/queue"); !strings.Contains(page.Body, "Assigned to me") || !strings.Contains(page.Body, "Marked by me") {
		t.Error("a fact-checker's queue lacks assignments or the claims they marked")
	}
}

package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Retiring takes an orphaned claim out of the article; it is refused for a
// claim still in the text, for a stale version, and without a version.
func TestRetireClaim(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	id, text := createArticle(t, c, summitReport)
	kept := markQuote(t, c, id, "a grand jury indicted 12 Russian intelligence officers")
	gone := markQuote(t, c, id, "Unemployment fell to 4.2% in May")
	if code, _, _ := c.call("PUT", "/api/v1/articles/"+itoa(id)+"/text", map[string]any{"text": strings.Replace(text, "\n\nUnemployment fell to 4.2% in May, the labour ministry said.", "", 1)}); code != 200 {
		t.Fatalf("revise: %d", code)
	}
	orphan := getClaim(t, c, gone)
	if orphan["anchor"].(map[string]any)["state"] != "orphaned" {
		t.Fatalf("claim after the revision: %v", orphan["anchor"])
	}
	path := func(id int64) string { return "/api/v1/claims/" + itoa(id) + "/retire" }
	tests := []struct {
		name   string
		id     int64
		body   any
		status int
	}{
		{"still in the text", kept, map[string]any{"version": num(getClaim(t, c, kept), "version")}, 422},
		{"no version", gone, map[string]any{"reason": "cut"}, 422},
		{"stale version", gone, map[string]any{"version": 1}, 409},
		{"unknown field", gone, map[string]any{"version": 2, "why": "x"}, 400},
		{"no such claim", 999, map[string]any{"version": 1}, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, body, _ := c.call("POST", path(tt.id), tt.body); code != tt.status {
				t.Fatalf("status %d, want %d: %v", code, tt.status, body)
			}
		})
	}
	viewer := a.apiClient(models.RoleViewer)
	if code, _, _ := viewer.call("POST", path(gone), map[string]any{"version": num(orphan, "version")}); code != http.StatusForbidden {
		t.Fatalf("viewer retires: %d", code)
	}
	if code, body, _ := c.call("POST", path(gone), map[string]any{"version": num(orphan, "version"), "reason": "The paragraph was cut."}); code != http.StatusNoContent {
		t.Fatalf("retire: %d %v", code, body)
	}
	if code, _, _ := c.call("GET", "/api/v1/claims/"+itoa(gone), nil); code != 404 {
		t.Fatalf("retired claim is still served: %d", code)
	}
	code, hist, _ := c.call("GET", "/api/v1/articles/"+itoa(id)+"/history", nil)
	if code != 200 || !strings.Contains(strings.Join(strings.Fields(jsonString(hist)), " "), "The paragraph was cut.") {
		t.Fatalf("the article history lacks the retirement: %d %v", code, hist)
	}
}

// TestRetireRefusesAPublishedClaim: a published fact-check whose sentence
// was removed stays public until it is withdrawn; Retire is refused and
// the claim is unchanged.
func TestRetireRefusesAPublishedClaim(t *testing.T) {
	a := newApp(t)
	ed, fa, fb := a.apiClient(models.RoleEditor), a.apiClient(models.RoleFactChecker), a.apiClient(models.RoleFactChecker)
	id, text := createArticle(t, ed, summitReport)
	jobs := markQuote(t, ed, id, "Unemployment fell to 4.2% in May")
	pubPublish(t, fa, fb, jobs, "True", "The ministry's figures say so.")
	if code, body, _ := fa.call("PUT", "/api/v1/articles/"+itoa(id)+"/text", map[string]any{"text": strings.Replace(text, "\n\nUnemployment fell to 4.2% in May, the labour ministry said.", "", 1)}); code != 200 {
		t.Fatalf("revise: %d %v", code, body)
	}
	before := getClaim(t, fa, jobs)
	if before["anchor"].(map[string]any)["state"] != "orphaned" {
		t.Fatalf("claim after the revision: %v", before["anchor"])
	}
	code, body, _ := fa.call("POST", "/api/v1/claims/"+itoa(jobs)+"/retire", map[string]any{"version": num(before, "version"), "reason": "cut"})
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("retiring a published claim: %d %v, want 422", code, body)
	}
	after := getClaim(t, fa, jobs)
	if after["state"] != before["state"] || num(after, "version") != num(before, "version") {
		t.Fatalf("the refused retire changed the claim: %v → %v", before["state"], after["state"])
	}
	if st, _ := pubPage(t, a, "/claims/"+itoa(jobs)); st != http.StatusOK {
		t.Fatalf("public page after the refused retire: %d", st)
	}
}

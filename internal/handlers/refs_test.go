package handlers_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// A reference object that does not name a record is refused with a 400 on
// its field, and nothing changes: a misspelt key never clears the field.
func TestReferenceObjectsAreNeverReadAsClear(t *testing.T) {
	a := newApp(t)
	ed, fc := a.apiClient(models.RoleEditor), a.apiClient(models.RoleFactChecker)
	art := storetest.Article(t, a.store, ed.user, "Helsinki", rvHelsinki)
	claims := "/api/v1/articles/" + itoa(art.ID) + "/claims"
	code, cl, _ := ed.call("POST", claims, map[string]any{"quote": "Putin said he had wanted Trump to win", "claimant": "Vladimir Putin"})
	if code != http.StatusCreated {
		t.Fatalf("mark: %d %v", code, cl)
	}
	id := int64(num(cl, "id"))
	path := "/api/v1/claims/" + itoa(id)
	code, cl, _ = fc.call("PATCH", path, map[string]any{"version": num(cl, "version"), "state": "researching", "verdict": "False", "assignee": fc.user.Email})
	if code != http.StatusOK {
		t.Fatalf("set up: %d %v", code, cl)
	}
	ctx := context.Background()
	entries := func() int {
		h, err := a.store.History(ctx, historyQuery(id))
		if err != nil {
			t.Fatal(err)
		}
		return len(h)
	}
	before, version := entries(), num(cl, "version")

	bad := []struct {
		name, field string
		value       any
	}{
		{"verdict with a misspelt key", "verdict", map[string]any{"lable": "True"}},
		{"verdict as an empty object", "verdict", map[string]any{}},
		{"verdict with id and label", "verdict", map[string]any{"id": 1, "label": "True"}},
		{"verdict with a null id", "verdict", map[string]any{"id": nil}},
		{"verdict id as text in an object", "verdict", map[string]any{"id": "6"}},
		{"verdict as a list", "verdict", []any{"True"}},
		{"verdict as true", "verdict", true},
		{"verdict as a fraction", "verdict", 1.5},
		{"assignee with a misspelt key", "assignee", map[string]any{"emial": "x@example.org"}},
		{"assignee by name, which is not a key", "assignee", map[string]any{"name": fc.user.Name}},
		{"assignee as an empty object", "assignee", map[string]any{}},
		{"assignee with an empty e-mail", "assignee", map[string]any{"email": ""}},
		{"claimant with a misspelt key", "claimant", map[string]any{"nmae": "Kremlin"}},
		{"claimant as an empty object", "claimant", map[string]any{}},
		{"claimant kind without a name", "claimant", map[string]any{"id": 1, "kind": "person"}},
		{"claimant with a number for a name", "claimant", map[string]any{"name": 7}},
		{"claimant kind not text", "claimant", map[string]any{"name": "Kremlin", "kind": 1}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			code, out, _ := fc.call("PATCH", path, map[string]any{"version": version, tt.field: tt.value})
			if code != http.StatusBadRequest || fields(out)[tt.field] == nil {
				t.Fatalf("status %d, want 400 with a message on %s: %v", code, tt.field, out)
			}
			got, err := a.store.Claim(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if got.Version != version || got.Verdict == nil || got.Verdict.Label != "False" || got.AssigneeID == nil || got.Claimant == nil {
				t.Fatalf("claim changed: version %d (was %d), verdict %v, assignee %v, claimant %v", got.Version, version, got.Verdict, got.AssigneeID, got.Claimant)
			}
			if n := entries(); n != before {
				t.Fatalf("history has %d entries, want %d", n, before)
			}
		})
	}

	t.Run("creating a claim with a misspelt claimant key", func(t *testing.T) {
		_, list, _ := ed.call("GET", claims, nil)
		n := len(list["items"].([]any))
		code, out, _ := ed.call("POST", claims, map[string]any{"quote": "Russia had never interfered", "claimant": map[string]any{"nam": "Putin"}})
		if code != http.StatusBadRequest || fields(out)["claimant"] == nil {
			t.Fatalf("status %d, want 400 on claimant: %v", code, out)
		}
		_, list, _ = ed.call("GET", claims, nil)
		if len(list["items"].([]any)) != n {
			t.Fatalf("a claim was created: %v", list)
		}
	})

	// The documented shapes work.
	good := []struct {
		name  string
		body  map[string]any
		check func(models.ClaimDetail) bool
	}{
		{"verdict by label object", map[string]any{"verdict": map[string]any{"label": "true"}}, func(d models.ClaimDetail) bool { return d.Verdict != nil && d.Verdict.Label == "True" }},
		{"assignee by id object", map[string]any{"assignee": map[string]any{"id": fc.user.ID}}, func(d models.ClaimDetail) bool { return d.AssigneeID != nil && *d.AssigneeID == fc.user.ID }},
		{"assignee by e-mail object", map[string]any{"assignee": map[string]any{"email": fc.user.Email}}, func(d models.ClaimDetail) bool { return d.AssigneeID != nil && *d.AssigneeID == fc.user.ID }},
		{"claimant by name and kind", map[string]any{"claimant": map[string]any{"name": "Kremlin press office", "kind": "organization"}}, func(d models.ClaimDetail) bool {
			return d.Claimant != nil && d.Claimant.Name == "Kremlin press office" && d.Claimant.Kind == "organization"
		}},
		{"verdict cleared by null", map[string]any{"verdict": nil}, func(d models.ClaimDetail) bool { return d.Verdict == nil }},
		{"assignee cleared by empty text", map[string]any{"assignee": ""}, func(d models.ClaimDetail) bool { return d.AssigneeID == nil }},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			d, err := a.store.Claim(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			tt.body["version"] = d.Version
			code, out, _ := fc.call("PATCH", path, tt.body)
			if code != http.StatusOK {
				t.Fatalf("status %d: %v", code, out)
			}
			if d, _ = a.store.Claim(ctx, id); !tt.check(d) {
				t.Fatalf("not applied: %+v", d)
			}
		})
	}
}

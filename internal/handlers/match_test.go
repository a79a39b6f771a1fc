package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

func mtDay(s string) *time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return &t
}

// mtLibrary puts three fact-checks in the app's library and returns their ids.
func mtLibrary(t *testing.T, a *app) []int64 {
	t.Helper()
	w, err := a.store.UpsertFactChecks(context.Background(), store.Actor{Name: "test"}, []models.FactCheck{
		{URL: "https://checks.example/putin-interference", ClaimReviewed: "The Russian state has never interfered in the internal affairs of the United States, including the election process.",
			Headline: "Did Putin say Russia never interfered?", Excerpt: "US intelligence agencies concluded that Russia interfered in the 2016 election.",
			RatingName: "False", PublisherName: "Checks Example", DatePublished: mtDay("2018-07-17")},
		{URL: "https://checks.example/wedding-rings", ClaimReviewed: "A photograph shows wedding rings removed from Holocaust victims.", Headline: "Wedding rings photo <script>alert(1)</script>",
			PublisherName: "Checks <b>Example</b>", DatePublished: mtDay("2019-12-01")},
		{URL: "https://checks.example/microchips", ClaimReviewed: "Bill Gates wants to put microchips in vaccines.", Headline: "Gates microchip vaccine",
			RatingName: "Pants on Fire", PublisherName: "Other Checks"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return []int64{w[0].ID, w[1].ID, w[2].ID}
}

const mtPutin = "The Russian state has never interfered and is not going to interfere into internal American affairs, including election process."

func TestAPIMatch(t *testing.T) {
	a := newApp(t)
	ids := mtLibrary(t, a)
	c := a.apiClient(models.RoleViewer)
	status, body, _ := c.call("POST", "/api/v1/match", map[string]any{"text": mtPutin})
	if status != http.StatusOK {
		t.Fatalf("match: %d %v", status, body)
	}
	items, _ := body["items"].([]any)
	if len(items) == 0 {
		t.Fatalf("no matches: %v", body)
	}
	top := items[0].(map[string]any)
	want := map[string]any{"kind": "factcheck", "id": float64(ids[0]), "rating": "False", "publisher": "Checks Example",
		"url": "https://checks.example/putin-interference", "date": "2018-07-17", "suggest": true}
	for k, v := range want {
		if top[k] != v {
			t.Errorf("items[0].%s = %v; want %v", k, top[k], v)
		}
	}
	if s, _ := top["score"].(float64); s <= 0 || s > 1 || !strings.HasPrefix(top["text"].(string), "The Russian state has never interfered") {
		t.Errorf("items[0] = %v", top)
	}
	if th, _ := body["threshold"].(float64); th <= 0 || th >= 1 {
		t.Errorf("threshold = %v", body["threshold"])
	}
	// limit
	status, body, _ = c.call("POST", "/api/v1/match", map[string]any{"text": "Putin Gates microchips wedding rings", "limit": 1})
	if items, _ := body["items"].([]any); status != http.StatusOK || len(items) != 1 {
		t.Errorf("limit 1: %d %v", status, body)
	}
	// A fact-check with no rating says so.
	_, body, _ = c.call("POST", "/api/v1/match", map[string]any{"text": "wedding rings taken from Holocaust victims photo"})
	if items, _ := body["items"].([]any); len(items) == 0 || items[0].(map[string]any)["rating"] != "no rating" {
		t.Errorf("no rating: %v", body)
	}
}

func TestAPIMatchBadInput(t *testing.T) {
	a := newApp(t)
	mtLibrary(t, a)
	c := a.apiClient(models.RoleViewer)
	long := strings.Repeat("x", 10001)
	for _, tc := range []struct {
		name  string
		body  any
		want  int
		field string
	}{
		{"empty text", map[string]any{"text": ""}, 422, "text"},
		{"blank text", map[string]any{"text": " \n\t "}, 422, "text"},
		{"no text", map[string]any{"limit": 3}, 422, "text"},
		{"empty object", map[string]any{}, 422, "text"},
		{"text too long", map[string]any{"text": long}, 422, "text"},
		{"limit 0", map[string]any{"text": "Putin", "limit": 0}, 400, "limit"},
		{"limit 51", map[string]any{"text": "Putin", "limit": 51}, 400, "limit"},
		{"limit negative", map[string]any{"text": "Putin", "limit": -1}, 400, "limit"},
		{"limit a string", map[string]any{"text": "Putin", "limit": "10"}, 400, "limit"},
		{"limit fractional", map[string]any{"text": "Putin", "limit": 2.5}, 400, "limit"},
		{"text a number", map[string]any{"text": 12}, 400, "text"},
		{"unknown field", map[string]any{"text": "Putin", "lang": "en"}, 400, "lang"},
		{"not JSON", "text=Putin", 400, ""},
		{"an array", `["Putin"]`, 400, ""},
		{"NUL", `{"text": "Putin\u0000"}`, 400, ""},
		{"trailing data", `{"text": "Putin"} {}`, 400, ""},
	} {
		status, body, _ := c.call("POST", "/api/v1/match", tc.body)
		if status != tc.want {
			t.Errorf("%s: status %d; want %d (%v)", tc.name, status, tc.want, body)
			continue
		}
		if tc.field != "" && fields(body)[tc.field] == nil {
			t.Errorf("%s: no message for %s: %v", tc.name, tc.field, body)
		}
	}
	// Exactly the limit is fine, in code points.
	if status, body, _ := c.call("POST", "/api/v1/match", map[string]any{"text": strings.Repeat("é", 10000)}); status != http.StatusOK {
		t.Errorf("10,000 characters: %d %v", status, body)
	}
	anon := &client{a: a}
	if status, _, _ := anon.call("POST", "/api/v1/match", map[string]any{"text": "Putin"}); status != http.StatusUnauthorized {
		t.Errorf("without a token: %d", status)
	}
}

package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// searchClaims marks three claims, one deleted, in a fresh app.
func searchClaims(t *testing.T, a *app) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	ed := storetest.User(t, a.store, models.RoleEditor)
	text := "Unemployment fell to 4 percent last year. The minister said <b>inflation</b> is falling. Unemployment rose in the north."
	art := storetest.Article(t, a.store, ed, "Jobs report", text)
	ids := map[string]int64{}
	mark := func(key, quote, notes string) {
		i := strings.Index(text, quote)
		start := len([]rune(text[:i]))
		in := models.ClaimInput{}
		if notes != "" {
			in.Notes = &notes
		}
		c, err := a.store.CreateClaim(ctx, store.ActorOf(ed), store.NewClaim{ArticleID: art.ID, Revision: 1, Start: start, End: start + len([]rune(quote)), Quote: quote, Input: in})
		if err != nil {
			t.Fatal(err)
		}
		ids[key] = c.ID
	}
	mark("fell", "Unemployment fell to 4 percent last year", "")
	mark("inflation", "The minister said <b>inflation</b> is falling", "Compare with the central bank's forecast")
	mark("rose", "Unemployment rose in the north", "")
	if err := a.store.DeleteClaim(ctx, store.ActorOf(ed), ids["rose"], 0); err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestClaimSearchAPI(t *testing.T) {
	a := newApp(t)
	ids := searchClaims(t, a)
	c := a.apiClient(models.RoleViewer)
	got := func(query string) []int64 {
		t.Helper()
		status, body, _ := c.call(http.MethodGet, "/api/v1/claims"+query, nil)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %v", query, status, body)
		}
		var out []int64
		for _, it := range list(body, "items") {
			out = append(out, int64(num(it.(map[string]any), "id")))
		}
		return out
	}
	for query, want := range map[string][]int64{
		"?q=unemployment":           {ids["fell"]}, // the deleted claim never appears
		"?q=unemploy+percent":       {ids["fell"]},
		"?q=forecasts":              {ids["inflation"]}, // in the notes, by stem
		"?q=falling&state=new":      {ids["inflation"]},
		"?q=falling&state=approved": nil,
		"?q=zebra":                  nil,
		"?q=%22%29%28*":             {ids["inflation"], ids["fell"]}, // no words: the board, newest first
	} {
		if g := got(query); !equalInts(g, want) {
			t.Errorf("%s: got %v, want %v", query, g, want)
		}
	}
	status, body, _ := c.call(http.MethodGet, "/api/v1/claims?q="+strings.Repeat("x", 201), nil)
	if status != http.StatusUnprocessableEntity || fields(body)["q"] == nil {
		t.Errorf("q over 200 characters: %d %v", status, body)
	}
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBoardSearchPage(t *testing.T) {
	a := newApp(t)
	searchClaims(t, a)
	b := a.signIn(models.RoleViewer)
	res := b.get("/board?q=inflation&state=new")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("board: %d", res.StatusCode)
	}
	if !strings.Contains(res.Body, `<mark class="hit">inflation</mark>`) || strings.Contains(res.Body, "<b>inflation") || !strings.Contains(res.Body, "best match first") {
		t.Errorf("highlight: %s", res.Body)
	}
	if !strings.Contains(res.Body, `value="inflation"`) || strings.Contains(res.Body, "Unemployment fell") {
		t.Errorf("search box or results: %s", res.Body)
	}
	res = b.get("/board?q=forecast")
	if !strings.Contains(res.Body, `data-testid="match-snippet"`) || !strings.Contains(res.Body, `<mark class="hit">forecast</mark>`) {
		t.Errorf("snippet from the notes: %s", res.Body)
	}
	if res := b.get("/board?q=" + strings.Repeat("x", 201)); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "under 200 characters") {
		t.Errorf("long q: %d", res.StatusCode)
	}
}

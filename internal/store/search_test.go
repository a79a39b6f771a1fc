package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

const searchText = "The Russian state has never interfered in American affairs. " +
	"Unemployment fell to 4 percent last year. " +
	"Running marathons damages the heart. " +
	"Le président a dit que les impôts baisseront. " +
	"Inflation is falling faster than anywhere in Europe."

// searchFixture marks each sentence of searchText as a claim.
func searchFixture(t *testing.T) (*store.Store, models.User, map[string]models.ClaimDetail) {
	t.Helper()
	s := storetest.New(t)
	ctx := context.Background()
	ed := storetest.User(t, s, models.RoleEditor)
	a := storetest.Article(t, s, ed, "Search fixture", searchText)
	claims := map[string]models.ClaimDetail{}
	mark := func(key, quote, claimant, summary, notes string) {
		i := strings.Index(searchText, quote)
		start := len([]rune(searchText[:i]))
		in := models.ClaimInput{}
		if claimant != "" {
			in.Claimant = &claimant
		}
		if summary != "" {
			in.Summary = &summary
		}
		if notes != "" {
			in.Notes = &notes
		}
		c, err := s.CreateClaim(ctx, store.ActorOf(ed), store.NewClaim{ArticleID: a.ID, Revision: 1, Start: start, End: start + len([]rune(quote)), Quote: quote, Input: in})
		if err != nil {
			t.Fatal(err)
		}
		claims[key] = c
	}
	mark("putin", "The Russian state has never interfered in American affairs", "Vladimir Putin", "Russia never interfered in US elections", "")
	mark("jobs", "Unemployment fell to 4 percent last year", "Labour Ministry", "", "Check against the labour force survey")
	mark("heart", "Running marathons damages the heart", "", "", "")
	mark("impots", "Le président a dit que les impôts baisseront", "", "", "")
	mark("inflation", "Inflation is falling faster than anywhere in Europe", "Vladimir Putin", "", "")
	return s, ed, claims
}

func boardIDs(t *testing.T, s *store.Store, f store.BoardFilter) []int64 {
	t.Helper()
	p, err := s.Board(context.Background(), f)
	if err != nil {
		t.Fatalf("board %+v: %v", f, err)
	}
	var ids []int64
	for _, c := range p.Items {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestClaimSearch(t *testing.T) {
	s, ed, c := searchFixture(t)
	ids := func(keys ...string) []int64 {
		var out []int64
		for _, k := range keys {
			out = append(out, c[k].ID)
		}
		return out
	}
	tests := []struct {
		name string
		f    store.BoardFilter
		want []int64
	}{
		{"quote word", store.BoardFilter{Q: "marathons"}, ids("heart")},
		{"prefix", store.BoardFilter{Q: "unemploy"}, ids("jobs")},
		{"stem", store.BoardFilter{Q: "damaged run"}, ids("heart")},
		{"summary", store.BoardFilter{Q: "elections"}, ids("putin")},
		{"notes", store.BoardFilter{Q: "survey"}, ids("jobs")},
		{"claimant name", store.BoardFilter{Q: "putin"}, ids("inflation", "putin")},
		{"every word must match", store.BoardFilter{Q: "putin inflation"}, ids("inflation")},
		{"no match", store.BoardFilter{Q: "zebra"}, nil},
		{"query syntax is inert", store.BoardFilter{Q: `"marathons" OR) NEAR(* -:&|!`}, nil},
		{"syntax with a word", store.BoardFilter{Q: `marathon*) (`}, ids("heart")},
		{"only punctuation is no search", store.BoardFilter{Q: `"*()`}, ids("inflation", "impots", "heart", "jobs", "putin")},
		{"with a filter", store.BoardFilter{Q: "putin", Claimant: "Vladimir Putin", State: "new"}, ids("inflation", "putin")},
		{"filter excludes", store.BoardFilter{Q: "putin", State: "researching"}, nil},
		{"article filter", store.BoardFilter{Q: "heart", Article: "1"}, ids("heart")},
		{"marked by", store.BoardFilter{Q: "heart", MarkedBy: "me", Me: ed.ID}, ids("heart")},
		{"no evidence", store.BoardFilter{Q: "heart", NoEvidence: true}, ids("heart")},
	}
	for _, tt := range tests {
		if got := boardIDs(t, s, tt.f); !equalIDs(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	// Ranked: the claim whose quote and summary say it comes before the one
	// where only the claimant matches.
	if got := boardIDs(t, s, store.BoardFilter{Q: "russia"}); len(got) != 1 || got[0] != c["putin"].ID {
		t.Errorf("russia: %v", got)
	}
	p, err := s.Board(context.Background(), store.BoardFilter{Q: "putin"})
	if err != nil || p.Total != 2 || p.Counts[models.StateNew] != 2 || p.TotalAtLeast {
		t.Errorf("counts: %+v %v", p, err)
	}
	if _, err := s.Board(context.Background(), store.BoardFilter{Q: strings.Repeat("a", 201)}); !isInvalid(err, "q") {
		t.Errorf("long q: %v", err)
	}
}

func isInvalid(err error, field string) bool {
	var v models.ValidationError
	return errors.As(err, &v) && v[field] != ""
}

func equalIDs(a, b []int64) bool {
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

// The index follows every change: edits, deletions, a claimant's new name.
func TestClaimSearchFollowsChanges(t *testing.T) {
	s, ed, c := searchFixture(t)
	ctx := context.Background()
	summary := "Joblessness claim"
	up, err := s.UpdateClaim(ctx, store.ActorOf(ed), c["jobs"].ID, store.ClaimPatch{Version: c["jobs"].Version, Content: models.ClaimInput{Summary: &summary}})
	if err != nil {
		t.Fatal(err)
	}
	if got := boardIDs(t, s, store.BoardFilter{Q: "joblessness"}); !equalIDs(got, []int64{up.ID}) {
		t.Errorf("after edit: %v", got)
	}
	if err := s.DeleteClaim(ctx, store.ActorOf(ed), c["heart"].ID, 0); err != nil {
		t.Fatal(err)
	}
	if got := boardIDs(t, s, store.BoardFilter{Q: "marathons"}); len(got) != 0 {
		t.Errorf("deleted claim found: %v", got)
	}
	cl := c["putin"].Claimant
	name := "Vladimir Vladimirovich Putin"
	if _, err := s.UpdateClaimant(ctx, store.ActorOf(ed), cl.ID, cl.Version, store.ClaimantInput{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if got := boardIDs(t, s, store.BoardFilter{Q: "vladimirovich"}); !equalIDs(got, []int64{c["inflation"].ID, c["putin"].ID}) {
		t.Errorf("after the claimant's rename: %v", got)
	}
}

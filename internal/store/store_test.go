package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in, dialect string
		ok          bool
	}{
		{"data/claimdesk.db", "sqlite", true},
		{"sqlite:/tmp/x.db", "sqlite", true},
		{"file:x.db", "sqlite", true},
		{"postgres://u@h/db", "postgres", true},
		{"postgresql://u@h/db", "postgres", true},
		{"mysql://u@h/db", "", false},
		{"", "", false},
		{"x.db?_foreign_keys=off", "", false},
	}
	for _, tt := range tests {
		d, _, err := store.ParseURL(tt.in)
		if (err == nil) != tt.ok || d != tt.dialect {
			t.Errorf("ParseURL(%q) = %q, %v; want %q ok=%v", tt.in, d, err, tt.dialect, tt.ok)
		}
	}
}

func TestMigrateIsRecordedAndIdempotent(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	names, err := s.Migrations(ctx)
	if err != nil || len(names) == 0 || names[0] != "0001_init.sql" {
		t.Fatalf("migrations = %v, %v", names, err)
	}
	v, err := s.Verdicts(ctx)
	if err != nil || len(v) != 8 || v[0].Label != "True" || !v[7].NotCheckable {
		t.Fatalf("default scale = %+v, %v", v, err)
	}
}

func TestAuthenticateThrottles(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	u := storetest.User(t, s, models.RoleEditor)
	if _, err := s.Authenticate(ctx, u.Email, "wrong password", "1.2.3.4"); !errors.Is(err, models.ErrUnauthenticated) {
		t.Fatalf("wrong password: err = %v", err)
	}
	got, err := s.Authenticate(ctx, " "+u.Email+" ", storetest.Password, "1.2.3.4")
	if err != nil || got.ID != u.ID {
		t.Fatalf("right password: %v, %v", got.ID, err)
	}
	for i := 0; i < 10; i++ {
		_, _ = s.Authenticate(ctx, u.Email, "wrong password", "5.6.7.8")
	}
	if _, err := s.Authenticate(ctx, u.Email, storetest.Password, "9.9.9.9"); !errors.Is(err, models.ErrTooManyAttempts) {
		t.Fatalf("after 10 failures: err = %v, want ErrTooManyAttempts", err)
	}
}

func TestHistoryChainDetectsTampering(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	u := storetest.User(t, s, models.RoleEditor)
	storetest.Article(t, s, u, "One", "First paragraph.")
	storetest.Article(t, s, u, "Two", "Second article.")
	r, err := s.VerifyHistory(ctx)
	if err != nil || !r.OK || r.Entries != 3 {
		t.Fatalf("verify = %+v, %v; want OK with 3 entries", r, err)
	}
	if err := store.TamperForTest(s, ctx, "UPDATE history_entries SET actor_name = 'Mallory' WHERE id = 2"); err == nil {
		t.Fatal("UPDATE of history succeeded; the append-only trigger should refuse it")
	}
}

func TestArticleSearchAndPaging(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	u := storetest.User(t, s, models.RoleEditor)
	for _, title := range []string{"Helsinki summit: Trump meets Putin", "Budget vote delayed", "Putin's press conference", "Weather"} {
		storetest.Article(t, s, u, title, "Body of "+title)
	}
	p, err := s.Articles(ctx, store.ArticleQuery{Q: "put"})
	if err != nil || len(p.Items) != 2 || p.Items[0].Title != "Putin's press conference" {
		t.Fatalf("search put = %+v, %v", p.Items, err)
	}
	p, err = s.Articles(ctx, store.ArticleQuery{Q: `"; DROP TABLE articles; --`})
	if err != nil || len(p.Items) != 0 {
		t.Fatalf("hostile query = %+v, %v", p.Items, err)
	}
	p, err = s.Articles(ctx, store.ArticleQuery{PerPage: 3})
	if err != nil || len(p.Items) != 3 || !p.HasNext {
		t.Fatalf("page 1 = %d items, next=%v, %v", len(p.Items), p.HasNext, err)
	}
	p, err = s.Articles(ctx, store.ArticleQuery{PerPage: 3, Page: 2})
	if err != nil || len(p.Items) != 1 || p.HasNext || p.Items[0].Title != "Helsinki summit: Trump meets Putin" {
		t.Fatalf("page 2 = %+v, next=%v, %v", p.Items, p.HasNext, err)
	}
}

func TestUpdateClaimRejectsStaleVersion(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	ed := storetest.User(t, s, models.RoleEditor)
	a := storetest.Article(t, s, ed, "T", "Unemployment fell to 4.2% in May.")
	c, err := s.CreateClaim(ctx, store.ActorOf(ed), store.NewClaim{ArticleID: a.ID, Revision: 1, Start: 0, End: 32, Quote: "Unemployment fell to 4.2% in May"})
	if err != nil {
		t.Fatal(err)
	}
	one, two := "First summary", "Second summary"
	if _, err := s.UpdateClaim(ctx, store.ActorOf(ed), c.ID, store.ClaimPatch{Version: 1, Content: models.ClaimInput{Summary: &one}}); err != nil {
		t.Fatal(err)
	}
	_, err = s.UpdateClaim(ctx, store.ActorOf(ed), c.ID, store.ClaimPatch{Version: 1, Content: models.ClaimInput{Summary: &two}})
	var ce *models.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("stale update: err = %v, want ConflictError", err)
	}
	got, _ := s.Claim(ctx, c.ID)
	if got.Summary != one || got.Version != 2 {
		t.Fatalf("after conflict: summary %q version %d; want %q, 2", got.Summary, got.Version, one)
	}
}

// Two people submitting the first-run form at once: exactly one becomes
// admin, the other gets a conflict.
func TestCreateFirstAdminOnlyOnce(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	const n = 6
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := s.CreateFirstAdmin(ctx, models.NewUser{Email: "admin" + string(rune('a'+i)) + "@example.org", Name: "Admin", Password: "a long enough password"})
			errs <- err
		}()
	}
	created := 0
	for range n {
		err := <-errs
		var ce *models.ConflictError
		switch {
		case err == nil:
			created++
		case errors.As(err, &ce):
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	count, err := s.CountUsers(ctx)
	if created != 1 || count != 1 || err != nil {
		t.Fatalf("created %d admins, %d users in the database (%v); want exactly 1", created, count, err)
	}
}

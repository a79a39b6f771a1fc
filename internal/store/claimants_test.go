package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"golang.org/x/crypto/bcrypt"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

func TestClaimantCreateAndUpdate(t *testing.T) {
	f := newFixture(t)
	cl, err := f.s.CreateClaimant(f.ctx, f.actor, store.ClaimantInput{
		Name: ptr(" Vladimir  Putin "), Title: ptr("President of Russia"),
		SameAs: &[]string{"https://www.wikidata.org/wiki/Q7747", "https://WWW.wikidata.org/wiki/Q7747/", "https://en.wikipedia.org/wiki/Vladimir_Putin"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if cl.Name != "Vladimir Putin" || cl.Kind != models.KindPerson || len(cl.SameAs) != 2 || cl.Version != 1 {
		t.Fatalf("created %+v", cl)
	}
	_, err = f.s.CreateClaimant(f.ctx, f.actor, store.ClaimantInput{Name: ptr("vladimir putin")})
	var conf *models.ConflictError
	if !errors.As(err, &conf) || conf.Current.(models.Claimant).ID != cl.ID {
		t.Fatalf("same name in another case: %v, want a conflict", err)
	}
	bad := []struct {
		name  string
		in    store.ClaimantInput
		field string
	}{
		{"no name", store.ClaimantInput{}, "name"},
		{"blank name", store.ClaimantInput{Name: ptr("   ")}, "name"},
		{"long name", store.ClaimantInput{Name: ptr(strings.Repeat("n", 201))}, "name"},
		{"unknown kind", store.ClaimantInput{Name: ptr("X"), Kind: ptr("robot")}, "kind"},
		{"javascript link", store.ClaimantInput{Name: ptr("Y"), SameAs: &[]string{"javascript:alert(1)"}}, "same_as"},
	}
	for _, tt := range bad {
		_, err := f.s.CreateClaimant(f.ctx, f.actor, tt.in)
		var v models.ValidationError
		if !errors.As(err, &v) || v[tt.field] == "" {
			t.Errorf("%s: err = %v, want a message on %q", tt.name, err, tt.field)
		}
	}
	org, err := f.s.CreateClaimant(f.ctx, f.actor, store.ClaimantInput{Name: ptr("Kremlin"), Kind: ptr("organisation")})
	if err != nil || org.Kind != models.KindOrganization {
		t.Fatalf("organisation: %+v, %v", org, err)
	}
	up, err := f.s.UpdateClaimant(f.ctx, f.actor, cl.ID, 1, store.ClaimantInput{Affiliation: ptr("United Russia")})
	if err != nil || up.Version != 2 || up.Affiliation != "United Russia" || up.Title != "President of Russia" {
		t.Fatalf("update: %+v, %v", up, err)
	}
	if _, err := f.s.UpdateClaimant(f.ctx, f.actor, cl.ID, 1, store.ClaimantInput{Title: ptr("stale")}); !errors.As(err, &conf) || conf.Current.(models.Claimant).Version != 2 {
		t.Fatalf("stale update: %v", err)
	}
	if _, err := f.s.UpdateClaimant(f.ctx, f.actor, org.ID, 1, store.ClaimantInput{Name: ptr("VLADIMIR PUTIN")}); !errors.As(err, &conf) {
		t.Fatalf("rename onto another claimant: %v", err)
	}
	// Case-only rename of oneself is fine.
	if got, err := f.s.UpdateClaimant(f.ctx, f.actor, org.ID, 1, store.ClaimantInput{Name: ptr("The Kremlin")}); err != nil || got.Name != "The Kremlin" {
		t.Fatalf("rename: %+v, %v", got, err)
	}
	p, err := f.s.ClaimantList(f.ctx, store.ClaimantQuery{Q: "russia"})
	if err != nil || len(p.Items) != 1 || p.Items[0].ID != cl.ID {
		t.Fatalf("search by title: %+v, %v", p.Items, err)
	}
}

func TestMergeClaimantsKeepsEveryClaim(t *testing.T) {
	f := newFixture(t)
	into, _ := f.s.CreateClaimant(f.ctx, f.actor, store.ClaimantInput{Name: ptr("Vladimir Putin"), SameAs: &[]string{"https://www.wikidata.org/wiki/Q7747"}})
	from, _ := f.s.CreateClaimant(f.ctx, f.actor, store.ClaimantInput{Name: ptr("V. Putin"), Title: ptr("President of Russia"), SameAs: &[]string{"https://www.wikidata.org/wiki/Q7747", "http://kremlin.ru/"}})
	org, _ := f.s.CreateClaimant(f.ctx, f.actor, store.ClaimantInput{Name: ptr("Kremlin"), Kind: ptr("organization")})
	c1 := f.claim(t, "exports rose 12% last year")
	c2 := f.claim(t, "The agency denied it")
	c3 := f.claim(t, "Critics said that was wrong")
	for _, c := range []models.ClaimDetail{c1, c2} {
		if _, err := f.s.UpdateClaim(f.ctx, f.actor, c.ID, store.ClaimPatch{Version: c.Version, Content: models.ClaimInput{Claimant: ptr("V. Putin")}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.s.UpdateClaim(f.ctx, f.actor, c3.ID, store.ClaimPatch{Version: c3.Version, Content: models.ClaimInput{Claimant: ptr("Vladimir Putin")}}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeleteClaim(f.ctx, f.actor, c2.ID, 0); err != nil {
		t.Fatal(err)
	}

	var v models.ValidationError
	if _, err := f.s.MergeClaimants(f.ctx, f.actor, into.ID, into.ID, 0, 0); !errors.As(err, &v) {
		t.Fatalf("merge into itself: %v", err)
	}
	var conf *models.ConflictError
	if _, err := f.s.MergeClaimants(f.ctx, f.actor, into.ID, org.ID, 0, 0); !errors.As(err, &conf) {
		t.Fatalf("person with organization: %v, want a conflict", err)
	}
	if _, err := f.s.MergeClaimants(f.ctx, f.actor, into.ID, from.ID, 1, 7); !errors.As(err, &conf) {
		t.Fatalf("stale version: %v, want a conflict", err)
	}
	got, err := f.s.MergeClaimants(f.ctx, f.actor, into.ID, from.ID, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Vladimir Putin" || got.Title != "President of Russia" || len(got.SameAs) != 2 || got.Version != 2 {
		t.Fatalf("merged claimant: %+v", got)
	}
	if _, err := f.s.Claimant(f.ctx, from.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("merged-away claimant still there: %v", err)
	}
	claims, more, err := f.s.ClaimantClaims(f.ctx, into.ID, 1, 10)
	if err != nil || more || len(claims) != 2 {
		t.Fatalf("claims after merge: %d, %v", len(claims), err)
	}
	if d, _ := f.s.Claim(f.ctx, c1.ID); d.Claimant == nil || d.Claimant.ID != into.ID || d.Version != c1.Version+2 {
		t.Fatalf("moved claim: %+v", d.Claim)
	}
	hist, _ := f.s.History(f.ctx, store.HistoryQuery{ClaimID: c2.ID})
	if last := hist[len(hist)-1]; !strings.Contains(last.Changes, "merged into") {
		t.Errorf("deleted claim's history lacks the merge: %+v", last)
	}
	if _, err := f.s.MergeClaimants(f.ctx, f.actor, into.ID, from.ID, 0, 0); !errors.As(err, &v) {
		t.Fatalf("merging again: %v", err)
	}
	p, _ := f.s.ClaimantList(f.ctx, store.ClaimantQuery{Q: "putin"})
	if len(p.Items) != 1 || p.Claims[into.ID] != 2 {
		t.Fatalf("list after merge: %+v %v", p.Items, p.Claims)
	}
	if r, err := f.s.VerifyHistory(f.ctx); err != nil || !r.OK {
		t.Errorf("history chain: %+v, %v", r, err)
	}
}

// TestMergeClaimantsDoesNotOverwriteConcurrentEdit holds an edit of the
// surviving claimant open while a merge reads it, then commits the edit once
// the merge waits to write: the merge must answer a conflict, not write back
// the title it read. Only PostgreSQL lets the merge read meanwhile (SQLite
// writers take the database lock when they begin).
func TestMergeClaimantsDoesNotOverwriteConcurrentEdit(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		t.Skip("needs PostgreSQL: SQLite transactions do not interleave")
	}
	ctx := context.Background()
	url := storetest.URL(t)
	s, err := store.Open(ctx, store.Options{URL: url, PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	actor := store.ActorOf(storetest.User(t, s, models.RoleEditor))
	into, err := s.CreateClaimant(ctx, actor, store.ClaimantInput{Name: ptr("Olaf Scholz"), Title: ptr("Chancellor")})
	if err != nil {
		t.Fatal(err)
	}
	from, err := s.CreateClaimant(ctx, actor, store.ClaimantInput{Name: ptr("O. Scholz")})
	if err != nil {
		t.Fatal(err)
	}

	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	edit, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = edit.Rollback() }()
	var pid int
	if err := edit.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, err := edit.ExecContext(ctx, `UPDATE claimants SET title = 'Former chancellor', version = version + 1 WHERE id = $1`, into.ID); err != nil {
		t.Fatal(err)
	}

	done := make(chan error, 1)
	go func() {
		_, err := s.MergeClaimants(ctx, actor, into.ID, from.ID, 0, 0)
		done <- err
	}()
	waiting := false
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`, pid).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			waiting = true
			break
		}
	}
	if !waiting {
		t.Fatal("the merge never waited for the open edit")
	}
	if err := edit.Commit(); err != nil {
		t.Fatal(err)
	}
	err = <-done
	var conf *models.ConflictError
	if !errors.As(err, &conf) {
		t.Fatalf("merge over a concurrent edit: %v, want a conflict", err)
	}
	got, err := s.Claimant(ctx, into.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Former chancellor" || got.Version != 2 {
		t.Fatalf("claimant after the refused merge: title %q version %d, want the concurrent edit (Former chancellor, 2)", got.Title, got.Version)
	}
	if _, err := s.Claimant(ctx, from.ID); err != nil {
		t.Fatalf("duplicate removed by a refused merge: %v", err)
	}
}

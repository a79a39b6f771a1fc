package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// Names and labels match in any case for every script, the same way on
// SQLite (whose lower() folds only ASCII) and PostgreSQL.
func TestNamesMatchInAnyCase(t *testing.T) {
	f := newRvFixture(t)
	ctx := context.Background()
	admin := storetest.User(t, f.s, models.RoleAdmin)
	name, title := "Ólafur Ragnar Grímsson", "Président de l'Islande"
	ola, err := f.s.CreateClaimant(ctx, store.ActorOf(f.ed), store.ClaimantInput{Name: &name, Title: &title})
	if err != nil {
		t.Fatal(err)
	}
	var conflict *models.ConflictError
	for _, same := range []string{"ólafur ragnar grímsson", "ÓLAFUR  RAGNAR GRÍMSSON", "O\u0301lafur Ragnar Gri\u0301msson"} {
		if _, err := f.s.CreateClaimant(ctx, store.ActorOf(f.ed), store.ClaimantInput{Name: &same}); !errors.As(err, &conflict) {
			t.Errorf("a second claimant %q: err = %v, want a conflict with %q", same, err, name)
		}
		if got, err := f.s.ClaimantByRef(ctx, same); err != nil || got.ID != ola.ID {
			t.Errorf("ClaimantByRef(%q) = %d, %v; want claimant %d", same, got.ID, err, ola.ID)
		}
		if _, err := f.s.Board(ctx, store.BoardFilter{Claimant: same}); err != nil {
			t.Errorf("board filtered by claimant %q: %v", same, err)
		}
	}
	d := f.mustPatch(f.ed, f.one.ID, store.ClaimPatch{Content: models.ClaimInput{Claimant: rvStr("ÓLAFUR RAGNAR GRÍMSSON")}})
	if d.Claimant == nil || d.Claimant.ID != ola.ID {
		t.Fatalf("a claim naming %q got claimant %+v, want the existing %d", "ÓLAFUR RAGNAR GRÍMSSON", d.Claimant, ola.ID)
	}
	if found, err := f.s.Claimants(ctx, "ÓLAF", 10); err != nil || len(found) != 1 || found[0].ID != ola.ID {
		t.Fatalf("autocomplete ÓLAF: %v, %v", found, err)
	}
	for _, q := range []string{"grímsson", "PRÉSIDENT DE", "président"} {
		if page, err := f.s.ClaimantList(ctx, store.ClaimantQuery{Q: q}); err != nil || len(page.Items) != 1 {
			t.Fatalf("claimant search %q: %+v, %v", q, page.Items, err)
		}
	}
	if page, err := f.s.ClaimantList(ctx, store.ClaimantQuery{Q: "grímsson président"}); err != nil || len(page.Items) != 0 {
		t.Fatalf("a search across name and title matched: %+v, %v", page.Items, err)
	}

	label := "Ложь"
	if _, err := f.s.CreateVerdict(ctx, store.ActorOf(admin), store.VerdictInput{Label: label, Colour: "#a40e26"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.CreateVerdict(ctx, store.ActorOf(admin), store.VerdictInput{Label: "ЛОЖЬ", Colour: "#a40e26"}); err == nil {
		t.Error("a second label ЛОЖЬ was accepted beside Ложь")
	}
	if _, err := f.s.Board(ctx, store.BoardFilter{Verdict: "ложь"}); err != nil {
		t.Errorf("board filtered by verdict ложь: %v", err)
	}
	d = f.mustPatch(f.a, f.two.ID, store.ClaimPatch{Verdict: rvStr("ЛОЖЬ")})
	if d.Verdict == nil || d.Verdict.Label != label {
		t.Fatalf("verdict by ЛОЖЬ = %+v, want %s", d.Verdict, label)
	}

	// Rows from before migration 0011 have no key until its Go step runs.
	if err := store.TamperForTest(f.s, ctx, `UPDATE claimants SET name_key = '', search_key = ''`); err != nil {
		t.Fatal(err)
	}
	if err := store.FillNameKeysForTest(f.s, ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := f.s.ClaimantByRef(ctx, "ólafur ragnar grímsson"); err != nil || got.ID != ola.ID {
		t.Fatalf("after filling the keys again: %d, %v", got.ID, err)
	}
	if page, err := f.s.ClaimantList(ctx, store.ClaimantQuery{Q: "président"}); err != nil || len(page.Items) != 1 {
		t.Fatalf("after filling the search keys again: %+v, %v", page.Items, err)
	}
}

package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// Claim numbers are given in order of marking, kept when earlier text is
// marked later, never reused after a deletion, and counted per article.
func TestClaimNumbersAreStableIdentities(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	ed := storetest.User(t, s, models.RoleEditor)
	text := "One fell. Two rose. Three held. Four went."
	a := storetest.Article(t, s, ed, "A", text)
	b := storetest.Article(t, s, ed, "B", text)
	mark := func(art models.Article, start, end int) models.ClaimDetail {
		t.Helper()
		c, err := s.CreateClaim(ctx, store.ActorOf(ed), store.NewClaim{ArticleID: art.ID, Revision: 1, Start: start, End: end, Quote: text[start:end]})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	late := mark(a, 32, 41) // "Four went" first
	early := mark(a, 0, 8)  // then "One fell", earlier in the text
	gone := mark(a, 10, 18) // "Two rose", deleted below
	if late.Number != 1 || early.Number != 2 || gone.Number != 3 {
		t.Fatalf("numbers = %d, %d, %d; want 1, 2, 3 in order of marking", late.Number, early.Number, gone.Number)
	}
	if err := s.DeleteClaim(ctx, store.ActorOf(ed), gone.ID, gone.Version); err != nil {
		t.Fatal(err)
	}
	if next := mark(a, 20, 30); next.Number != 4 {
		t.Fatalf("after a deletion the next claim is %d; want 4 (numbers are never reused)", next.Number)
	}
	if other := mark(b, 0, 8); other.Number != 1 {
		t.Fatalf("first claim of another article is %d; want 1", other.Number)
	}
	list, err := s.ArticleClaims(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, c := range list {
		got = append(got, c.Number)
	}
	if want := []int{2, 4, 1}; !slices.Equal(got, want) { // reading order, numbers as given
		t.Fatalf("reading order numbers = %v; want %v", got, want)
	}
	read, err := s.ArticleReadingClaims(ctx, a.ID)
	if err != nil || len(read) != 3 || read[0].Number != 2 {
		t.Fatalf("reading page claims = %+v, %v", read, err)
	}
}

// Many people marking the same article at once never get the same number,
// and no number is skipped: on SQLite and on PostgreSQL.
func TestClaimNumbersUniqueUnderConcurrentMarking(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	ed := storetest.User(t, s, models.RoleEditor)
	const n = 24
	text := ""
	for i := range n {
		text += fmt.Sprintf("Claim %02d. ", i)
	}
	a := storetest.Article(t, s, ed, "Busy", text)
	var wg sync.WaitGroup
	errs := make([]error, n)
	nums := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := i * 10
			c, err := s.CreateClaim(ctx, store.ActorOf(ed), store.NewClaim{ArticleID: a.ID, Revision: 1, Start: start, End: start + 8, Quote: text[start : start+8]})
			errs[i], nums[i] = err, c.Number
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("marker %d: %v", i, err)
		}
	}
	slices.Sort(nums)
	for i, got := range nums {
		if got != i+1 {
			t.Fatalf("numbers under concurrent marking = %v; want 1…%d each once", nums, n)
		}
	}
}

// Migration 0035 numbers the claims that existed before it by creation
// order, deleted ones too, and sets each article's counter after them.
func TestMigrationNumbersExistingClaimsByCreationOrder(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	ed := storetest.User(t, s, models.RoleEditor)
	text := "One fell. Two rose. Three held."
	a := storetest.Article(t, s, ed, "A", text)
	var ids []int64
	for _, sp := range [][2]int{{0, 8}, {10, 18}, {20, 30}} {
		c, err := s.CreateClaim(ctx, store.ActorOf(ed), store.NewClaim{ArticleID: a.ID, Revision: 1, Start: sp[0], End: sp[1], Quote: text[sp[0]:sp[1]]})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	// Before 0035 the second claim was marked first and the third deleted.
	for _, q := range []string{
		fmt.Sprintf("UPDATE claims SET created_at = '2020-01-01 00:00:00' WHERE id = %d", ids[1]),
		fmt.Sprintf("UPDATE claims SET deleted_at = created_at WHERE id = %d", ids[2]),
		"DROP INDEX claims_article_number",
		"ALTER TABLE claims DROP COLUMN number",
		"ALTER TABLE articles DROP COLUMN last_claim_number",
		"DELETE FROM schema_migrations WHERE name = '0035_claim_numbers.sql'",
	} {
		if err := store.TamperForTest(s, ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	first, _ := s.Claim(ctx, ids[0])
	second, _ := s.Claim(ctx, ids[1])
	if first.Number != 2 || second.Number != 1 {
		t.Fatalf("numbers after migration: first marked %d, earlier created %d; want 2, 1", first.Number, second.Number)
	}
	c, err := s.CreateClaim(ctx, store.ActorOf(ed), store.NewClaim{ArticleID: a.ID, Revision: 1, Start: 0, End: 3, Quote: "One"})
	if err != nil || c.Number != 4 {
		t.Fatalf("next claim after migration = %d, %v; want 4 (the deleted claim keeps 3)", c.Number, err)
	}
}

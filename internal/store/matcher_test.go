package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/claimdesk/claimdesk/internal/match"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

func mtDate(s string) *time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return &t
}

// mtLibrary is a small library: the Helsinki denial, and two others.
func mtLibrary() []models.FactCheck {
	return []models.FactCheck{
		{URL: "https://checks.example/putin-interference", ClaimReviewed: "The Russian state has never interfered in the internal affairs of the United States, including the election process.",
			Headline: "Did Putin say Russia never interfered?", RatingName: "False", PublisherName: "Checks Example", DatePublished: mtDate("2018-07-17")},
		{URL: "https://checks.example/wedding-rings", ClaimReviewed: "A photograph shows wedding rings removed from Holocaust victims.", Headline: "Wedding rings photo",
			PublisherName: "Checks Example", DatePublished: mtDate("2019-12-01")},
		{URL: "https://checks.example/microchips", ClaimReviewed: "Bill Gates wants to put microchips in vaccines.", Headline: "Gates microchip vaccine",
			RatingName: "Pants on Fire", PublisherName: "Other Checks"},
	}
}

func mtImport(t *testing.T, s *store.Store, fcs []models.FactCheck) []store.FactCheckWrite {
	t.Helper()
	w, err := s.UpsertFactChecks(context.Background(), store.Actor{Name: "test"}, fcs)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func mtMatch(t *testing.T, m *store.Matcher, text string) []store.MatchItem {
	t.Helper()
	items, err := m.Match(context.Background(), match.Query{Text: text}, 5)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

const mtPutin = "Putin: the Russian state has never interfered and is not going to interfere into internal American affairs, including election process."

// Two server processes share one database, each with its own index: what
// one writes, the other's next match sees.
func TestMatcherFollowsTheLibraryAcrossProcesses(t *testing.T) {
	url := storetest.URL(t)
	open := func() *store.Store {
		s, err := store.Open(context.Background(), store.Options{URL: url, PasswordCost: bcrypt.MinCost})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	one := open()
	if err := one.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	two := open()
	m1, m2 := one.NewMatcher(), two.NewMatcher()
	if got := mtMatch(t, m2, mtPutin); len(got) != 0 {
		t.Fatalf("empty library matched %+v", got)
	}
	w := mtImport(t, one, mtLibrary())
	got := mtMatch(t, m2, mtPutin)
	if len(got) == 0 || got[0].Kind != store.MatchFactCheck || got[0].ID != w[0].ID {
		t.Fatalf("second process after import: %+v; want fact-check %d first", got, w[0].ID)
	}
	top := got[0]
	if top.Rating != "False" || top.Publisher != "Checks Example" || top.URL != "https://checks.example/putin-interference" ||
		top.Date == nil || top.Date.Format("2006-01-02") != "2018-07-17" || top.Score < match.Threshold || top.Score > 1 {
		t.Errorf("top match = %+v", top)
	}
	if got := mtMatch(t, m1, "Gates microchips vaccines"); len(got) == 0 || got[0].Rating != "Pants on Fire" {
		t.Errorf("first process = %+v", got)
	}

	// Re-importing the same url with other words replaces them in the index.
	edited := mtLibrary()[:1]
	edited[0].ClaimReviewed = "Elvis Presley was seen alive in a Memphis bakery."
	edited[0].Headline = "Elvis sighting"
	mtImport(t, one, edited)
	if got := mtMatch(t, m2, "Elvis alive in Memphis"); len(got) == 0 || got[0].ID != w[0].ID {
		t.Errorf("edited text not matched: %+v", got)
	}
	for _, it := range mtMatch(t, m2, mtPutin) {
		if it.ID == w[0].ID {
			t.Errorf("old words still match the edited fact-check: %+v", it)
		}
	}

	// A deleted fact-check leaves every index.
	if err := one.DeleteFactCheck(context.Background(), store.Actor{Name: "test"}, w[2].ID); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*store.Matcher{m1, m2} {
		for _, it := range mtMatch(t, m, "Gates microchips vaccines") {
			if it.ID == w[2].ID {
				t.Errorf("deleted fact-check still matched: %+v", it)
			}
		}
	}
	if m1.Size() != 2 || m2.Size() != 2 {
		t.Errorf("index sizes %d, %d; want 2", m1.Size(), m2.Size())
	}
	// A third process built now has the same results.
	m3 := open().NewMatcher()
	a, b := mtMatch(t, m3, "wedding rings victims"), mtMatch(t, m2, "wedding rings victims")
	if len(a) != len(b) || len(a) == 0 || a[0].ID != b[0].ID || a[0].Score != b[0].Score {
		t.Errorf("fresh index %+v; kept index %+v", a, b)
	}
}

// Our claims take part once a verdict is signed off, and leave when they go
// back to research.
func TestMatcherFollowsCheckedClaims(t *testing.T) {
	f := newRvFixture(t)
	m := f.s.NewMatcher()
	const q = "Russia did not interfere in the 2016 election, he said"
	if got := mtMatch(t, m, q); len(got) != 0 {
		t.Fatalf("claim without a verdict matched: %+v", got)
	}
	d := f.propose(f.a, f.one.ID)
	if got := mtMatch(t, m, q); len(got) != 0 {
		t.Fatalf("claim in review matched: %+v", got)
	}
	if _, err := f.s.SignOff(f.ctx, store.ActorOf(f.b), d.ID, store.Decision{Approve: true, Version: d.Version}); err != nil {
		t.Fatal(err)
	}
	got := mtMatch(t, m, q)
	if len(got) != 1 || got[0].Kind != store.MatchClaim || got[0].ID != f.one.ID || got[0].Rating != "False" ||
		got[0].State != models.StateApproved || got[0].ArticleID != f.article.ID || got[0].Text != f.one.Quote {
		t.Fatalf("approved claim: %+v", got)
	}
	f.mustPatch(f.a, d.ID, store.ClaimPatch{State: rvStr("researching"), Reason: "New evidence"})
	if got := mtMatch(t, m, q); len(got) != 0 {
		t.Fatalf("claim back in research matched: %+v", got)
	}
}

func TestLinkClaim(t *testing.T) {
	f := newRvFixture(t)
	w := mtImport(t, f.s, mtLibrary())
	actor := store.ActorOf(f.ed)
	l, err := f.s.LinkClaim(f.ctx, actor, f.one.ID, store.MatchRef{Kind: store.MatchFactCheck, ID: w[0].ID, Score: 0.93})
	if err != nil {
		t.Fatal(err)
	}
	if l.FactCheckID == nil || *l.FactCheckID != w[0].ID || l.Rating != "False" || l.Publisher != "Checks Example" ||
		l.URL != "https://checks.example/putin-interference" || l.Score != 0.93 || l.CreatorName != f.ed.Name || l.Kind() != store.MatchFactCheck {
		t.Fatalf("link = %+v", l)
	}
	// Bad references write nothing.
	for _, ref := range []store.MatchRef{
		{Kind: store.MatchFactCheck, ID: 999999, Score: 0.5},
		{Kind: store.MatchClaim, ID: f.one.ID, Score: 0.5},
		{Kind: "tweet", ID: 1, Score: 0.5},
		{Kind: store.MatchFactCheck, ID: w[1].ID, Score: 1.5},
	} {
		var v models.ValidationError
		if _, err := f.s.LinkClaim(f.ctx, actor, f.one.ID, ref); !errors.As(err, &v) {
			t.Errorf("LinkClaim(%+v) = %v; want a validation error", ref, err)
		}
	}
	if _, err := f.s.LinkClaim(f.ctx, actor, 999999, store.MatchRef{Kind: store.MatchFactCheck, ID: w[0].ID}); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("linking a missing claim = %v; want not found", err)
	}
	// Linking again replaces; a deleted fact-check leaves the copy readable.
	if _, err := f.s.LinkClaim(f.ctx, actor, f.one.ID, store.MatchRef{Kind: store.MatchFactCheck, ID: w[1].ID, Score: 0.6}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeleteFactCheck(f.ctx, actor, w[1].ID); err != nil {
		t.Fatal(err)
	}
	l, err = f.s.ClaimLink(f.ctx, f.one.ID)
	if err != nil || l.FactCheckID != nil || !strings.Contains(l.Text, "wedding rings") {
		t.Fatalf("link after the fact-check was deleted = %+v, %v", l, err)
	}
	// A link to one of our claims.
	if _, err := f.s.LinkClaim(f.ctx, actor, f.two.ID, store.MatchRef{Kind: store.MatchClaim, ID: f.one.ID, Score: 0.7}); err != nil {
		t.Fatal(err)
	}
	if l, err := f.s.ClaimLink(f.ctx, f.two.ID); err != nil || l.Kind() != store.MatchClaim || l.Text != f.one.Quote {
		t.Fatalf("link to a claim = %+v, %v", l, err)
	}
	if err := f.s.UnlinkClaim(f.ctx, actor, f.two.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.ClaimLink(f.ctx, f.two.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("after unlinking: %v", err)
	}
	hist, err := f.s.ClaimHistory(f.ctx, f.one.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range hist {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, ","); got != "created,linked,linked" {
		t.Errorf("history actions = %s", got)
	}
}

// A claim created from a suggestion is created with its link, or not at all.
func TestCreateClaimWithLinkIsAtomic(t *testing.T) {
	f := newRvFixture(t)
	w := mtImport(t, f.s, mtLibrary())
	quote := "Putin said he wanted Trump to win"
	start := len([]rune(rvHelsinki[:strings.Index(rvHelsinki, quote)]))
	n := store.NewClaim{ArticleID: f.article.ID, Revision: 1, Start: start, End: start + len([]rune(quote)), Quote: quote,
		Link: &store.MatchRef{Kind: store.MatchFactCheck, ID: 424242, Score: 0.8}}
	if _, err := f.s.CreateClaim(f.ctx, store.ActorOf(f.ed), n); err == nil {
		t.Fatal("claim created with a link to nothing")
	}
	before, _ := f.s.ArticleClaims(f.ctx, f.article.ID)
	n.Link.ID = w[0].ID
	d, err := f.s.CreateClaim(f.ctx, store.ActorOf(f.ed), n)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := f.s.ArticleClaims(f.ctx, f.article.ID)
	if len(after) != len(before)+1 {
		t.Fatalf("claims %d → %d", len(before), len(after))
	}
	if l, err := f.s.ClaimLink(f.ctx, d.ID); err != nil || *l.FactCheckID != w[0].ID {
		t.Fatalf("link = %+v, %v", l, err)
	}
}

func TestScanDismissals(t *testing.T) {
	f := newRvFixture(t)
	actor := store.ActorOf(f.ed)
	sp := store.Span{Start: 0, End: 58}
	for i := 0; i < 2; i++ {
		if err := f.s.DismissScanSuggestion(f.ctx, actor, f.article.ID, 1, sp); err != nil {
			t.Fatal(err)
		}
	}
	got, err := f.s.ScanDismissals(f.ctx, f.article.ID, 1)
	if err != nil || len(got) != 1 || !got[sp] {
		t.Fatalf("dismissals = %v, %v", got, err)
	}
	if got, _ := f.s.ScanDismissals(f.ctx, f.article.ID, 2); len(got) != 0 {
		t.Errorf("revision 2 inherits dismissals: %v", got)
	}
	var v models.ValidationError
	if err := f.s.DismissScanSuggestion(f.ctx, actor, f.article.ID, 7, sp); !errors.As(err, &v) {
		t.Errorf("dismissal on a revision that does not exist: %v", err)
	}
	if err := f.s.DismissScanSuggestion(f.ctx, actor, f.article.ID, 1, store.Span{Start: 5, End: 5}); !errors.As(err, &v) {
		t.Errorf("empty span: %v", err)
	}
}

// A change whose id is below one already read (a PostgreSQL transaction
// that took its id first and committed last) is still applied.
func TestMatcherAppliesChangesCommittedLate(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	w := mtImport(t, s, []models.FactCheck{
		{URL: "https://a.example/1", ClaimReviewed: "Vaccines contain microchips."},
		{URL: "https://a.example/2", ClaimReviewed: "The moon landing was staged."},
	})
	m := s.NewMatcher()
	if err := m.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if err := store.ExecForTest(s, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO match_changes (id, kind, item_id) VALUES (12, 'factcheck', ?)`, w[1].ID)
	if err := m.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if last, pending := store.MatcherCursorForTest(m); last != 12 || pending == 0 {
		t.Fatalf("last %d, pending %d; want 12 and the skipped ids watched", last, pending)
	}
	exec(`UPDATE factchecks SET claim_reviewed = 'Elvis was seen alive in a bakery.' WHERE id = ?`, w[0].ID)
	exec(`UPDATE match_changes SET id = 5 WHERE id > 12`) // SQLite numbered it 13; PostgreSQL's sequence gave 3
	got := mtMatch(t, m, "Elvis alive bakery")
	if len(got) != 1 || got[0].ID != w[0].ID {
		t.Fatalf("late change not applied: %+v", got)
	}
	if _, pending := store.MatcherCursorForTest(m); pending == 0 {
		t.Errorf("the other skipped ids are no longer watched")
	}
}

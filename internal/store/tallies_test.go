package store_test

import (
	"context"
	"maps"
	"testing"

	"github.com/claimdesk/claimdesk/internal/benchseed"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// The tallies behind the dashboard and the board's counts must equal a
// count of the claims table after every kind of change to claims.
func TestClaimTalliesFollowEveryChange(t *testing.T) {
	f := newRvFixture(t)
	admin := storetest.User(t, f.s, models.RoleAdmin)
	check := func(step string) {
		t.Helper()
		tallied, counted, _, err := store.TalliesForTest(f.s, f.ctx)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if !maps.Equal(tallied, counted) {
			t.Fatalf("after %s: tallies %v, claims table %v", step, tallied, counted)
		}
	}
	check("marking two claims")
	third := f.mark("the summit in Helsinki was a success")
	check("marking a third")
	f.propose(f.a, f.one.ID)
	check("proposing a verdict")
	if _, err := f.s.SignOff(f.ctx, store.ActorOf(f.b), f.one.ID, store.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	check("sign-off")
	f.mustPatch(f.a, f.one.ID, store.ClaimPatch{State: rvStr("researching"), Reason: "New evidence came in."})
	check("going back to research")
	f.mustPatch(f.a, f.two.ID, store.ClaimPatch{Verdict: rvStr("Mostly true")})
	check("a verdict without a state change")
	mostlyTrue := f.scale[1]
	if _, err := f.s.DeleteVerdict(f.ctx, store.ActorOf(admin), mostlyTrue.ID, f.falseLabel.ID); err != nil {
		t.Fatal(err)
	}
	check("deleting a verdict label and moving its claims")
	cur, err := f.s.Claim(f.ctx, third.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeleteClaim(f.ctx, store.ActorOf(f.ed), third.ID, cur.Version); err != nil {
		t.Fatal(err)
	}
	check("deleting a claim")
	other := storetest.Article(t, f.s, f.ed, "Another", "A second article with one claim in it.")
	if _, err := f.s.CreateClaim(f.ctx, store.ActorOf(f.ed), store.NewClaim{ArticleID: other.ID, Revision: 1, Start: 2, End: 16, Quote: "second article"}); err != nil {
		t.Fatal(err)
	}
	check("a claim on another article")
	if err := f.s.DeleteArticle(f.ctx, store.ActorOf(f.ed), other.ID); err != nil {
		t.Fatal(err)
	}
	check("deleting that article")
	if err := f.s.CompactTallies(f.ctx); err != nil {
		t.Fatal(err)
	}
	check("compacting")
}

// Readers fold the change rows back into one row per state and verdict once
// they pile up, without changing a count.
func TestClaimTalliesCompact(t *testing.T) {
	f := newRvFixture(t)
	ctx := context.Background()
	// Each change of verdict writes a -1 and a +1 row.
	for i := range 140 {
		f.mustPatch(f.a, f.one.ID, store.ClaimPatch{Verdict: rvStr(f.scale[i%2].Label)})
	}
	tallied, counted, before, err := store.TalliesForTest(f.s, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if before < 280 || !maps.Equal(tallied, counted) {
		t.Fatalf("before the first read: %d change rows (want at least 280), tallies %v, claims %v", before, tallied, counted)
	}
	_, _, after, err := store.TalliesForTest(f.s, ctx) // the first read compacted
	if err != nil {
		t.Fatal(err)
	}
	if after > 4 || !maps.Equal(tallied, counted) {
		t.Fatalf("after a read: %d rows (from %d), tallies %v, claims %v", after, before, tallied, counted)
	}
	if tallied["new/0"] != 1 || tallied["new/"+rvItoa(f.scale[1].ID)] != 1 {
		t.Fatalf("tallies = %v, want one new claim without verdict and one with %s", tallied, f.scale[1].Label)
	}
}

// The board's counts are exact from the tallies when only state and verdict
// are filtered; other filters count up to store.CountCap per state and say
// so. The queue's totals stop at the cap the same way.
func TestBoardAndQueueCountsStopAtTheCap(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	author := storetest.User(t, s, models.RoleAdmin)
	checker := storetest.User(t, s, models.RoleFactChecker)
	if _, err := benchseed.Seed(ctx, s, benchseed.Options{Articles: 40, Claims: 7000, RandSeed: 3, Author: author.ID, Assignees: []int64{checker.ID}}); err != nil {
		t.Fatal(err)
	}
	check := func(name string, f store.BoardFilter) (capped, uncapped int) {
		t.Helper()
		p, err := s.Board(ctx, f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		exact, err := store.BoardCountsExactForTest(s, ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range models.States {
			switch want := exact[st]; {
			case want > store.CountCap && (p.Counts[st] != store.CountCap || !p.AtLeast[st]):
				t.Errorf("%s: %s = %d (at least: %v), want %d+ for %d", name, st, p.Counts[st], p.AtLeast[st], store.CountCap, want)
			case want > store.CountCap:
				capped++
			case p.Counts[st] != want || p.AtLeast[st]:
				t.Errorf("%s: %s = %d (at least: %v), want exactly %d", name, st, p.Counts[st], p.AtLeast[st], want)
			default:
				uncapped++
			}
		}
		if f.State == "" && p.TotalAtLeast != (capped > 0) {
			t.Errorf("%s: total %d, at least = %v with %d capped states", name, p.Total, p.TotalAtLeast, capped)
		}
		if st := models.State(f.State); st != "" && (p.Total != p.Counts[st] || p.TotalAtLeast != p.AtLeast[st]) {
			t.Errorf("%s: total %d (at least: %v), want the %s count %d (at least: %v)", name, p.Total, p.TotalAtLeast, st, p.Counts[st], p.AtLeast[st])
		}
		return capped, uncapped
	}
	p, err := s.Board(ctx, store.BoardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	exact, err := store.BoardCountsExactForTest(s, ctx, store.BoardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	live := 0
	for _, st := range models.States {
		live += exact[st]
		if p.Counts[st] != exact[st] || p.AtLeast[st] {
			t.Errorf("unfiltered board: %s = %d (at least: %v), want exactly %d from the tallies", st, p.Counts[st], p.AtLeast[st], exact[st])
		}
	}
	if p.Total != live || p.TotalAtLeast || live < 6000 {
		t.Errorf("unfiltered board: total %d (at least: %v), want exactly %d (of 7,000 seeded, some deleted)", p.Total, p.TotalAtLeast, live)
	}
	if capped, uncapped := check("no evidence", store.BoardFilter{NoEvidence: true}); capped == 0 || uncapped == 0 {
		t.Fatalf("no evidence: %d capped and %d exact states; the data should give both", capped, uncapped)
	}
	check("no evidence, new", store.BoardFilter{NoEvidence: true, State: "new"})
	check("assignee", store.BoardFilter{Assignee: checker.Email})
	check("article", store.BoardFilter{Article: "1"})

	over, err := s.Board(ctx, store.BoardFilter{Overdue: true, PerPage: 200})
	if err != nil || len(over.Items) < 2 {
		t.Fatalf("overdue board: %d items, %v", len(over.Items), err)
	}
	for i := 1; i < len(over.Items); i++ { // longest overdue first
		a, b := over.Items[i-1], over.Items[i]
		if a.Due.After(*b.Due) || (a.Due.Equal(*b.Due) && a.ID > b.ID) {
			t.Fatalf("overdue board out of order at %d: claim %d due %v before claim %d due %v", i, a.ID, a.Due, b.ID, b.Due)
		}
	}
	q, err := s.Queue(ctx, checker, 0)
	if err != nil {
		t.Fatal(err)
	}
	exact, err = store.BoardCountsExactForTest(s, ctx, store.BoardFilter{Assignee: checker.Email})
	if err != nil {
		t.Fatal(err)
	}
	open := 0
	for _, st := range models.OpenStates {
		open += exact[st]
	}
	if want := min(open, store.CountCap); q.AssignedTotal != want || q.AssignedAtLeast != (open > store.CountCap) || len(q.Assigned) != 100 {
		t.Fatalf("queue: %d assigned (at least: %v), %d listed; want %d of %d", q.AssignedTotal, q.AssignedAtLeast, len(q.Assigned), want, open)
	}
}

// PageStamp rises for an article when one of its claims, or any claimant or
// verdict label, changes, and stays put for changes on other articles.
func TestPageStamp(t *testing.T) {
	f := newRvFixture(t)
	other := storetest.Article(t, f.s, f.ed, "Another", "A second article with one claim in it.")
	admin := storetest.User(t, f.s, models.RoleAdmin)
	stamps := func() (int64, int64) {
		t.Helper()
		a, err := f.s.PageStamp(f.ctx, f.article.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.s.PageStamp(f.ctx, other.ID)
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
	steps := []struct {
		name         string
		change       func() error
		mine, theirs bool // whether the article's and the other article's stamps must rise
	}{
		{"a claim on the other article", func() error {
			_, err := f.s.CreateClaim(f.ctx, store.ActorOf(f.ed), store.NewClaim{ArticleID: other.ID, Revision: 1, Start: 2, End: 16, Quote: "second article"})
			return err
		}, false, true},
		{"a claim edited", func() error {
			_, err := f.patch(f.ed, f.one.ID, store.ClaimPatch{Content: models.ClaimInput{Summary: rvStr("Russia did not interfere")}})
			return err
		}, true, false},
		{"a state change", func() error {
			_, err := f.patch(f.a, f.one.ID, store.ClaimPatch{State: rvStr("researching")})
			return err
		}, true, false},
		{"a verdict label renamed", func() error {
			v := f.scale[0]
			_, err := f.s.UpdateVerdict(f.ctx, store.ActorOf(admin), v.ID, v.Version, store.VerdictInput{Label: "Accurate", Colour: v.Colour})
			return err
		}, true, true},
		{"a claimant named on a claim", func() error {
			_, err := f.patch(f.ed, f.two.ID, store.ClaimPatch{Content: models.ClaimInput{Claimant: rvStr("Vladimir Putin")}})
			return err
		}, true, false},
	}
	for _, s := range steps {
		a0, b0 := stamps()
		if err := s.change(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		a1, b1 := stamps()
		if (a1 > a0) != s.mine || (b1 > b0) != s.theirs || a1 < a0 || b1 < b0 {
			t.Errorf("%s: stamps %d→%d (this article) and %d→%d (the other); want rises %v and %v", s.name, a0, a1, b0, b1, s.mine, s.theirs)
		}
	}
}

// Writers change claims while readers read the dashboard, which compacts the
// tallies as they pile up: no change may be lost or counted twice.
func TestClaimTalliesUnderConcurrency(t *testing.T) {
	f := newRvFixture(t)
	ctx := context.Background()
	const writers, changes = 4, 40
	ids := []int64{f.one.ID, f.two.ID}
	for len(ids) < writers {
		ids = append(ids, f.mark("the summit in Helsinki was a success").ID)
	}
	done := make(chan error, writers+2)
	stop := make(chan struct{})
	for w := range writers {
		go func() {
			for i := range changes {
				cur, err := f.s.Claim(ctx, ids[w])
				if err == nil {
					_, err = f.s.UpdateClaim(ctx, store.ActorOf(f.a), ids[w], store.ClaimPatch{Version: cur.Version, Verdict: rvStr(f.scale[i%3].Label)})
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 2 {
		go func() {
			for {
				select {
				case <-stop:
					done <- nil
					return
				default:
				}
				if _, err := f.s.Dashboard(ctx, 4); err != nil {
					done <- err
					return
				}
			}
		}()
	}
	for range writers {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	tallied, counted, _, err := store.TalliesForTest(f.s, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(tallied, counted) {
		t.Fatalf("after concurrent changes: tallies %v, claims table %v", tallied, counted)
	}
}

package benchseed_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/claimdesk/claimdesk/internal/anchor"
	"github.com/claimdesk/claimdesk/internal/benchseed"
	"github.com/claimdesk/claimdesk/internal/ingest"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// TestSeed seeds a small database and checks the counts, the skew of claims
// over articles, the anchors, and that seeding writes no history.
func TestSeed(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	author := storetest.User(t, s, models.RoleAdmin)
	checker := storetest.User(t, s, models.RoleFactChecker)
	historyBefore, err := s.VerifyHistory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	o := benchseed.Options{Articles: 400, Claims: 4000, BigClaims: 150, RandSeed: 7, Author: author.ID, Assignees: []int64{checker.ID}}
	res, err := benchseed.Seed(ctx, s, o)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	if res.Articles != 400 || res.Claims != 4000 || res.Claimants != 20 || res.Sources != 80 || res.Key != benchseed.Key(o) {
		t.Fatalf("result = %+v", res)
	}
	if res.Evidence == 0 || res.BigArticle == 0 || res.LastArticle-res.FirstArticle != 399 {
		t.Fatalf("result = %+v: want evidence, a big article and 400 consecutive ids", res)
	}

	// Every live article, through the store's own list.
	var all []models.ArticleSummary
	for page := 1; ; page++ {
		p, err := s.Articles(ctx, store.ArticleQuery{Page: page, PerPage: 100})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p.Items...)
		if !p.HasNext {
			break
		}
	}
	const deleted = 1 // article index 330 of 0…399
	if len(all) != 400-deleted {
		t.Fatalf("%d live articles, want %d", len(all), 400-deleted)
	}

	var zero, few, hundreds, liveClaims int
	states, types, verdicts, claimants := map[models.State]int{}, map[models.ClaimType]int{}, map[string]int{}, map[int64]bool{}
	years := map[int]bool{}
	for _, sum := range all {
		years[sum.PublishedAt.Year()] = true
		liveClaims += sum.ClaimCount
		switch n := sum.ClaimCount; {
		case sum.ID == res.BigArticle:
			if n != 150 {
				t.Errorf("big article has %d claims, want 150", n)
			}
		case n == 0:
			zero++
		case n <= 12:
			few++
		case n >= 70:
			hundreds++
		}
	}
	// 4000 claims less about 1% deleted, and those of the deleted article.
	if liveClaims < 3800 || liveClaims > 4000 {
		t.Errorf("%d live claims on live articles, want about 3,950", liveClaims)
	}
	if zero < 60 || few < 150 || hundreds < 2 {
		t.Errorf("distribution: %d without claims, %d with 1–12, %d with 70+; want most with few and some with many", zero, few, hundreds)
	}
	if len(years) < 8 {
		t.Errorf("publication dates span %d years, want them spread over the decade", len(years))
	}

	// Anchors: the quote, prefix and suffix are the article's text at the offsets.
	checked := 0
	for i, sum := range all {
		if i%7 != 0 && sum.ID != res.BigArticle {
			continue
		}
		a, err := s.Article(ctx, sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		size := len(a.Text)
		if sum.ClaimCount < 70 && (size < 2000 || size > 8600) {
			t.Errorf("article %d is %d bytes, want 2–8 kB", a.ID, size)
		}
		if !utf8.ValidString(a.Text) || !norm.NFC.IsNormalString(a.Text) || ingest.Canonical(a.Text) != a.Text || strings.Contains(a.Text, "\n\n\n") || a.Title == "" || a.Outlet == "" || a.Byline == "" {
			t.Errorf("article %d: bad text or metadata: %q by %q in %q", a.ID, a.Title, a.Byline, a.Outlet)
		}
		rev, err := s.Revision(ctx, a.ID, 1)
		if err != nil || rev.Text != a.Text {
			t.Errorf("article %d: revision 1 missing or different: %v", a.ID, err)
		}
		cs, err := s.ArticleClaims(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != sum.ClaimCount {
			t.Errorf("article %d: %d claims, list says %d", a.ID, len(cs), sum.ClaimCount)
		}
		text := anchor.NewText(a.Text)
		for _, c := range cs {
			prefix, suffix := text.Context(c.Start, c.End)
			if err := text.Check(c.Start, c.End); err != nil || text.Slice(c.Start, c.End) != c.Quote || c.Prefix != prefix || c.Suffix != suffix {
				t.Fatalf("claim %d [%d,%d) %q does not match the text: %v", c.ID, c.Start, c.End, c.Quote, err)
			}
			hasVerdict := c.Verdict != nil
			needsVerdict := c.State == models.StateInReview || c.State == models.StateApproved || c.State == models.StatePublished
			if needsVerdict && !hasVerdict || (c.State == models.StateNew || c.State == models.StateResearching) && hasVerdict {
				t.Errorf("claim %d in state %s with verdict %v", c.ID, c.State, c.Verdict)
			}
			if hasVerdict {
				if c.ProposedBy == nil || *c.ProposedBy != author.ID || c.VerdictBy == nil || *c.VerdictBy != author.ID || c.ExplanationBy == nil {
					t.Errorf("claim %d: verdict without its proposer and authors", c.ID)
				}
				verdicts[c.Verdict.Label]++
				if c.EvidenceCount < 1 || c.EvidenceCount > 2 {
					t.Errorf("claim %d with a verdict has %d evidence links, want 1–2", c.ID, c.EvidenceCount)
				}
			}
			if c.Claimant != nil {
				claimants[c.Claimant.ID] = true
			}
			states[c.State]++
			types[c.Type]++
			checked++
		}
	}
	t.Logf("claims per article: %d none, %d with 1–12, %d with 70+; states %v; types %v; verdicts %v; %d claimants; %d claims checked",
		zero, few, hundreds, states, types, verdicts, len(claimants), checked)
	if checked < 400 {
		t.Fatalf("checked only %d claims", checked)
	}
	if len(states) != len(models.States)-1 || // every state but withdrawn, which the seed does not make
		len(types) != len(models.ClaimTypes) || len(verdicts) < 6 || len(claimants) < 10 {
		t.Errorf("variety: states %v, types %v, verdicts %v, %d claimants", states, types, verdicts, len(claimants))
	}
	if states[models.StateNew] < states[models.StateApproved] || states[models.StatePublished] < states[models.StateInReview] {
		t.Errorf("state mix %v: want new and published to outnumber approved and in review", states)
	}

	// Search finds generated titles.
	p, err := s.Articles(ctx, store.ArticleQuery{Q: all[0].Outlet, Page: 1, PerPage: 100})
	if err != nil || len(p.Items) == 0 {
		t.Errorf("search for outlet %q: %d results, %v", all[0].Outlet, len(p.Items), err)
	}

	// The source library's word index covers the seeded sources.
	sp, err := s.Sources(ctx, store.SourceQuery{Q: "statist", PerPage: 100})
	if err != nil || len(sp.Items) == 0 || !strings.Contains(sp.Items[0].Title+sp.Items[0].Publisher, "Statistics") {
		t.Errorf("source search for \"statist\": %d results, %v", len(sp.Items), err)
	}

	// No history for seeded rows; the chain is untouched.
	h, err := s.History(ctx, store.HistoryQuery{ArticleID: res.BigArticle})
	if err != nil || len(h) != 0 {
		t.Errorf("history of a seeded article: %d entries, %v; want none", len(h), err)
	}
	after, err := s.VerifyHistory(ctx)
	if err != nil || !after.OK || after.Entries != historyBefore.Entries {
		t.Errorf("history after seeding = %+v, %v; want the %d entries from before", after, err, historyBefore.Entries)
	}

	info, ok, err := benchseed.Info(ctx, s)
	if err != nil || !ok || info.BigArticle != res.BigArticle || info.Key != res.Key {
		t.Errorf("seed info = %+v, %v, %v; want %+v", info, ok, err, res)
	}
	if _, err := benchseed.Seed(ctx, s, o); err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Errorf("second seed: err = %v, want a refusal", err)
	}
}

func TestSeedRejectsBadOptions(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	u := storetest.User(t, s, models.RoleAdmin)
	tests := []struct {
		name string
		o    benchseed.Options
	}{
		{"no articles", benchseed.Options{Articles: 0, Claims: 10, Author: u.ID}},
		{"negative claims", benchseed.Options{Articles: 5, Claims: -1, Author: u.ID}},
		{"no author", benchseed.Options{Articles: 5, Claims: 10}},
	}
	for _, tt := range tests {
		if _, err := benchseed.Seed(ctx, s, tt.o); err == nil {
			t.Errorf("%s: seeded", tt.name)
		}
	}
	if _, ok, err := benchseed.Info(ctx, s); ok || err != nil {
		t.Errorf("seed info after refusals: %v, %v; want none", ok, err)
	}
}

func TestSeedExactCountsWhenSmall(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	u := storetest.User(t, s, models.RoleAdmin)
	res, err := benchseed.Seed(ctx, s, benchseed.Options{Articles: 3, Claims: 40, BigClaims: 30, RandSeed: 1, Author: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.ArticleClaims(ctx, res.BigArticle)
	if err != nil || len(cs) != 30 || res.Claims != 40 {
		t.Fatalf("big article: %d claims (%v); total %d; want 30 of 40", len(cs), err, res.Claims)
	}
}

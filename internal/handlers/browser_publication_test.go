package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/claimdesk/claimdesk/internal/anchor"
	"github.com/claimdesk/claimdesk/internal/browsertest"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// pubApprove takes a claim to approved in the store: by proposes the
// verdict, signer signs it off.
func pubApprove(t *testing.T, s *store.Store, by, signer models.User, id int64, verdict, explanation string) {
	t.Helper()
	ctx := context.Background()
	c, err := s.Claim(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	st := func(p store.ClaimPatch) {
		t.Helper()
		p.Version = c.Version
		if c, err = s.UpdateClaim(ctx, store.ActorOf(by), id, p); err != nil {
			t.Fatal(err)
		}
	}
	researching, review := "researching", "in_review"
	if c.State == models.StateNew {
		st(store.ClaimPatch{State: &researching})
	}
	st(store.ClaimPatch{Verdict: &verdict, Explanation: &explanation})
	st(store.ClaimPatch{State: &review})
	if _, err := s.SignOff(ctx, store.ActorOf(signer), id, store.Decision{Approve: true, Version: c.Version}); err != nil {
		t.Fatal(err)
	}
}

// pubShots takes the current page at 1440 and 390 px wide.
func pubShots(ctx context.Context, t *testing.T, name string) {
	t.Helper()
	for _, w := range []struct {
		suffix string
		width  int64
		height int64
	}{{"-1440", 1440, 900}, {"-390", 390, 844}} {
		browsertest.Do(ctx, t, chromedp.EmulateViewport(w.width, w.height), chromedp.Reload())
		browsertest.Screenshot(ctx, t, name+w.suffix)
	}
	browsertest.Do(ctx, t, chromedp.EmulateViewport(1440, 900))
}

// TestBrowserPublicationLasts: on the Helsinki article, a published claim
// goes through a copy edit and stays up, marked under re-verification,
// until "Verdict stands" brings back "Re-verified"; a second claim is
// corrected with a public note; a third is withdrawn, and its address
// shows the notice.
func TestBrowserPublicationLasts(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a := newApp(t)
	text := summitReport
	if raw, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "corpus", "helsinki-summit.txt")); err == nil {
		text = string(raw)
	}
	admin := storetest.User(t, a.store, models.RoleAdmin)
	signer := storetest.User(t, a.store, models.RoleFactChecker)
	art := storetest.Article(t, a.store, admin, "Trump sides with Putin in Helsinki", text)
	bg := context.Background()
	if err := a.store.SetSettings(bg, store.ActorOf(admin), map[string]string{"newsroom_name": "Helsinki Fact Desk", "newsroom_url": "https://factdesk.example.org"}); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, q := range [][2]string{
		{"The Russian state has never interfered and is not going to interfere in internal American affairs including the election process", "Vladimir Putin"},
		{"a grand jury indicted 12 Russian intelligence officers", "AP"},
		{"President Donald Trump said he", "Donald Trump"},
	} {
		start := cp(art.Text, q[0])
		end := start + len([]rune(q[0]))
		prefix, suffix := anchor.NewText(art.Text).Context(start, end)
		c, err := a.store.CreateClaim(bg, store.ActorOf(admin), store.NewClaim{ArticleID: art.ID, Revision: 1, Start: start, End: end, Quote: q[0],
			Prefix: prefix, Suffix: suffix, Input: models.ClaimInput{Claimant: ptr(q[1])}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	denial, indictment, third := ids[0], ids[1], ids[2]
	pubApprove(t, a.store, admin, signer, denial, "False", "US intelligence agencies and a Senate committee found that Russia interfered in the 2016 election.")
	pubApprove(t, a.store, admin, signer, indictment, "True", "The Justice Department published the indictment of 12 officers on 13 July 2018.")
	pubApprove(t, a.store, admin, signer, third, "True", "Trump said so at the press conference.")
	base := a.srv.URL
	browserSignIn(ctx, t, base, admin.Email)
	claimURL := func(id int64) string { return base + "/claims/" + itoa(id) }

	// Publish each through its preview.
	for i, id := range ids {
		browsertest.Navigate(ctx, t, claimURL(id))
		browsertest.Do(ctx, t, chromedp.Click(`[data-testid="publish-link"]`), chromedp.WaitVisible(`[data-testid="publish-preview"]`))
		if i == 0 {
			if h := browsertest.Text(ctx, t, `[data-testid="publish-preview"] h1`); h != "Fact check: a claim by Vladimir Putin, rated False" {
				t.Fatalf("preview headline %q", h)
			}
			pubShots(ctx, t, "publish-preview")
		}
		browsertest.Do(ctx, t, chromedp.Click(`[data-testid="publish-form"] button.primary`), chromedp.WaitVisible(`[data-testid="public-link"]`))
	}

	// A copy edit inside the first claim: the edit page asks first.
	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(art.ID)+"/edit")
	browsertest.Do(ctx, t,
		chromedp.SetValue("#text", strings.Replace(art.Text, "has never interfered", "has never meddled", 1)),
		chromedp.Click(`form button[type="submit"].primary`),
		chromedp.WaitVisible(`[data-testid="touched-published"]`),
	)
	if s := browsertest.Text(ctx, t, `[data-testid="touched-published"]`); !strings.Contains(s, "1 published fact-check") || !strings.Contains(s, "never meddled") {
		t.Fatalf("confirmation: %q", s)
	}
	browsertest.Do(ctx, t, chromedp.Click(`form button[type="submit"].primary`), chromedp.WaitVisible(`[data-testid="reanchor-summary"]`))

	// Its public page stays up, marked under re-verification.
	browsertest.Navigate(ctx, t, claimURL(denial)+"/public")
	if s := browsertest.Text(ctx, t, `[data-testid="reverification"]`); !strings.Contains(s, "Under re-verification since") {
		t.Fatalf("public page: %q", s)
	}
	pubShots(ctx, t, "public-under-reverification")
	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(art.ID))
	if n := browsertest.Eval[int](ctx, t, `document.querySelectorAll('[data-testid="list-reverification"]').length`); n != 1 {
		t.Fatalf("article page marks %d claims under re-verification, want 1", n)
	}
	// Verdict stands.
	browsertest.Navigate(ctx, t, claimURL(denial))
	browsertest.Do(ctx, t, chromedp.Click(`[data-testid="reverify-form"] button`), chromedp.WaitVisible(`[data-testid="claim-reverified"]`))
	pubShots(ctx, t, "claim-published-panel")
	// Copy ClaimReview: the clipboard, or (headless, without permission) the
	// JSON opened and selected for the person to copy.
	browsertest.Do(ctx, t, chromedp.Click(`[data-testid="copy-claimreview"]`))
	waitFor(ctx, t, `["Copied", "Select and copy"].includes(document.querySelector('[data-testid="copy-claimreview"]').textContent)`)
	if js := browsertest.Eval[string](ctx, t, `document.querySelector("#claimreview-json").value`); !strings.Contains(js, `"@type": "ClaimReview"`) || !strings.Contains(js, `"dateModified"`) {
		t.Fatalf("ClaimReview to copy: %s", js)
	}
	browsertest.Navigate(ctx, t, claimURL(denial)+"/public")
	if s := browsertest.Text(ctx, t, `[data-testid="reverified"]`); !strings.Contains(s, "Re-verified on") {
		t.Fatalf("after verdict stands: %q", s)
	}
	if n := browsertest.Eval[int](ctx, t, `document.querySelectorAll('[data-testid="reverification"]').length`); n != 0 {
		t.Fatal("still marked under re-verification")
	}
	pubShots(ctx, t, "public-reverified")

	// The second claim is corrected with a public note.
	note := "We first said 12 intelligence officers; the indictment names 12 officers of the GRU, Russia's military intelligence."
	browsertest.Navigate(ctx, t, claimURL(indictment))
	browsertest.Do(ctx, t,
		chromedp.Click(`details:has([data-testid="correct-form"]) > summary`),
		chromedp.SendKeys("#p-note", note),
		chromedp.Click(`[data-testid="correct-form"] button`),
		chromedp.WaitVisible(`[data-testid="correction-in-progress"]`),
	)
	if c, _ := a.store.Claim(bg, indictment); c.State != models.StateResearching || c.CorrectionNote != note {
		t.Fatalf("after Correct: %s %q", c.State, c.CorrectionNote)
	}
	pubApprove(t, a.store, admin, signer, indictment, "Mostly true", "The indictment names 12 officers of Russia's military intelligence agency, the GRU.")
	browsertest.Navigate(ctx, t, claimURL(indictment))
	browsertest.Do(ctx, t, chromedp.Click(`[data-testid="publish-link"]`), chromedp.WaitVisible("#pub-note"))
	if v := browsertest.Eval[string](ctx, t, `document.querySelector("#pub-note").value`); v != note {
		t.Fatalf("the note written at Correct is not in the confirmation: %q", v)
	}
	browsertest.Do(ctx, t, chromedp.Click(`[data-testid="publish-form"] button.primary`), chromedp.WaitVisible(`[data-testid="public-link"]`))
	browsertest.Navigate(ctx, t, claimURL(indictment)+"/public")
	if s := browsertest.Text(ctx, t, `[data-testid="corrections"]`); !strings.Contains(s, note) {
		t.Fatalf("corrections on the public page: %q", s)
	}
	if s := browsertest.Text(ctx, t, `[data-testid="rating"]`); s != "Mostly true" {
		t.Fatalf("rating after the correction: %q", s)
	}
	pubShots(ctx, t, "public-corrected")

	// The third is withdrawn: its address shows the notice.
	browsertest.Navigate(ctx, t, claimURL(third))
	browsertest.Do(ctx, t,
		chromedp.Click(`details:has([data-testid="withdraw-form"]) > summary`),
		chromedp.SendKeys("#p-reason", "The quote was cut from the transcript we checked; we cannot stand by the rating."),
		chromedp.Click(`[data-testid="withdraw-form"] button`),
		chromedp.WaitVisible(`[data-testid="claim-withdrawn"]`),
	)
	browsertest.Navigate(ctx, t, claimURL(third)+"/public")
	if s := browsertest.Text(ctx, t, `[data-testid="withdrawn"]`); !strings.Contains(s, "This fact check was withdrawn on") || !strings.Contains(s, "cut from the transcript") {
		t.Fatalf("withdrawal notice: %q", s)
	}
	if n := browsertest.Eval[int](ctx, t, `document.querySelectorAll('script[type="application/ld+json"]').length`); n != 0 {
		t.Fatal("a withdrawn page still carries ClaimReview")
	}
	pubShots(ctx, t, "public-withdrawn")
	browsertest.Navigate(ctx, t, base+"/corrections")
	pubShots(ctx, t, "corrections-log")
	browsertest.Navigate(ctx, t, base+"/fact-checks")
	if n := browsertest.Eval[int](ctx, t, `document.querySelectorAll('[data-testid="public-item"]').length`); n != 2 {
		t.Fatalf("public index lists %d fact-checks, want 2 (the withdrawn one left)", n)
	}
	pubShots(ctx, t, "fact-checks-index")
}

func ptr[T any](v T) *T { return &v }

package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/claimdesk/claimdesk/internal/browsertest"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// A fact-checker takes a claim through research to a proposed verdict in
// Chromium, while a colleague changes the same claim underneath: the page
// shows the conflict, keeps both edits, and a second fact-checker approves.
func TestBrowserReviewToApproval(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a := newApp(t)
	ed := storetest.User(t, a.store, models.RoleEditor)
	fa := storetest.User(t, a.store, models.RoleFactChecker)
	fb := storetest.User(t, a.store, models.RoleFactChecker)
	colleague := storetest.User(t, a.store, models.RoleFactChecker)
	art := storetest.Article(t, a.store, ed, "Helsinki summit", rvHelsinki)
	quote := "Putin also said Russia had never interfered in American affairs."
	start := len([]rune(rvHelsinki[:strings.Index(rvHelsinki, quote)]))
	cl, err := a.store.CreateClaim(context.Background(), store.ActorOf(ed), store.NewClaim{ArticleID: art.ID, Revision: 1,
		Start: start, End: start + len([]rune(quote)), Quote: quote})
	if err != nil {
		t.Fatal(err)
	}
	scale, err := a.store.Verdicts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	falseID := ""
	for _, v := range scale {
		if v.Label == "False" {
			falseID = itoa(v.ID)
		}
	}
	base, page := a.srv.URL, a.srv.URL+"/claims/"+itoa(cl.ID)
	state := func() string {
		t.Helper()
		d, err := a.store.Claim(context.Background(), cl.ID)
		if err != nil {
			t.Fatal(err)
		}
		return string(d.State)
	}

	browserSignIn(ctx, t, base, fa.Email)
	browsertest.Navigate(ctx, t, page)
	browsertest.Do(ctx, t, chromedp.Click(`[data-testid="state-form"] button[value="researching"]`))
	waitFor(ctx, t, `document.readyState === "complete" && !!document.querySelector('[data-testid="state-form"] button[value="in_review"]')`)
	if got := state(); got != "researching" {
		t.Fatalf("after Start research the claim is %s", got)
	}

	// The page is open with the claim at its current version. A colleague
	// now writes the rationale through the API.
	cur, err := a.store.Claim(context.Background(), cl.ID)
	if err != nil {
		t.Fatal(err)
	}
	rationale := "The Mueller indictment of 13 July names twelve GRU officers."
	if _, err := a.store.UpdateClaim(context.Background(), store.ActorOf(colleague), cl.ID, store.ClaimPatch{Version: cur.Version, Rationale: &rationale}); err != nil {
		t.Fatal(err)
	}
	explanation := "US intelligence agencies and a grand jury found that Russia did interfere in 2016."
	browsertest.Do(ctx, t,
		chromedp.SetValue("#r-verdict", falseID),
		chromedp.SendKeys("#r-explanation", explanation),
		chromedp.Click(`[data-testid="review-form"] button[type="submit"]`),
	)
	waitFor(ctx, t, `document.readyState === "complete" && !!document.querySelector('[data-testid="review-conflict"]')`)
	browsertest.Screenshot(ctx, t, "review-conflict")
	if got := browsertest.Eval[string](ctx, t, `document.querySelector("#r-explanation").value`); got != explanation {
		t.Fatalf("after the conflict the explanation field holds %q, want the unsaved %q", got, explanation)
	}
	if got := browsertest.Eval[string](ctx, t, `document.querySelector("#r-rationale").value`); got != rationale {
		t.Fatalf("after the conflict the rationale field holds %q, want the colleague's %q", got, rationale)
	}
	browsertest.Do(ctx, t, chromedp.Click(`[data-testid="review-form"] button[type="submit"]`))
	waitFor(ctx, t, `document.readyState === "complete" && !document.querySelector('[data-testid="review-conflict"]')`)
	d, err := a.store.Claim(context.Background(), cl.ID)
	if err != nil || d.Explanation != explanation || d.Rationale != rationale || d.Verdict == nil || d.Verdict.Label != "False" {
		t.Fatalf("after saving again: explanation %q, rationale %q, verdict %+v, %v; want both people's edits", d.Explanation, d.Rationale, d.Verdict, err)
	}
	browsertest.Do(ctx, t, chromedp.Click(`[data-testid="state-form"] button[value="in_review"]`))
	waitFor(ctx, t, `document.readyState === "complete" && !!document.querySelector('[data-testid="sign-off"]')`)
	if got := state(); got != "in_review" {
		t.Fatalf("after Propose the claim is %s", got)
	}
	if strings.Contains(browsertest.Text(ctx, t, `[data-testid="sign-off"]`), "Approve") {
		t.Fatal("the proposer is offered Approve on their own verdict")
	}

	// A second fact-checker signs it off.
	browsertest.Do(ctx, t, chromedp.Click(`form[action="/logout"] button`))
	waitFor(ctx, t, `document.readyState === "complete" && location.pathname !== "`+"/claims/"+itoa(cl.ID)+`"`)
	browserSignIn(ctx, t, base, fb.Email)
	browsertest.Navigate(ctx, t, page)
	browsertest.Do(ctx, t, chromedp.Click(`[data-testid="sign-off"] button[value="true"]`))
	waitFor(ctx, t, `document.readyState === "complete" && document.querySelector('[data-testid="review"]').textContent.includes("Approved")`)
	if got := state(); got != "approved" {
		t.Fatalf("after the sign-off the claim is %s", got)
	}
	browsertest.Screenshot(ctx, t, "review-approved")
}

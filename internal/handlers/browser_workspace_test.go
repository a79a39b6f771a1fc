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

// helsinkiClaim marks quote on a new Helsinki article and returns the claim.
func helsinkiClaim(t *testing.T, a *app, ed models.User, quote string) models.ClaimDetail {
	t.Helper()
	art := storetest.Article(t, a.store, ed, "Helsinki summit", rvHelsinki)
	start := len([]rune(rvHelsinki[:strings.Index(rvHelsinki, quote)]))
	cl, err := a.store.CreateClaim(context.Background(), store.ActorOf(ed), store.NewClaim{ArticleID: art.ID, Revision: 1,
		Start: start, End: start + len([]rune(quote)), Quote: quote})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// On the claim workspace a fact-checker types a verdict and presses "Send
// for sign-off" without saving first: one step keeps everything. When a
// required field is missing the page comes back with every field as typed,
// the message beside the field at fault, and the focus on it.
func TestBrowserSendForSignOffKeepsWhatWasTyped(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a := newApp(t)
	ed := storetest.User(t, a.store, models.RoleEditor)
	fc := storetest.User(t, a.store, models.RoleFactChecker)
	cl := helsinkiClaim(t, a, ed, "Putin also said Russia had never interfered in American affairs.")
	base, page := a.srv.URL, a.srv.URL+"/claims/"+itoa(cl.ID)
	falseID := ""
	scale, _ := a.store.Verdicts(context.Background())
	for _, v := range scale {
		if v.Label == "False" {
			falseID = itoa(v.ID)
		}
	}
	browserSignIn(ctx, t, base, fc.Email)
	browsertest.Navigate(ctx, t, page)
	// "Start research" offers to assign the claim to me, ticked when unassigned.
	if !browsertest.Eval[bool](ctx, t, `document.querySelector('input[name="assign_me"]').checked`) {
		t.Fatal(`"and assign it to me" is not offered, ticked, beside Start research`)
	}
	if browsertest.Eval[bool](ctx, t, `!!document.querySelector("#s-reason")`) {
		t.Fatal("the Reason box is shown on a new claim, where no reason is asked")
	}
	browsertest.Do(ctx, t, chromedp.Click(`[data-testid="state-form"] button[value="researching"]`))
	waitFor(ctx, t, `document.readyState === "complete" && !!document.querySelector('[data-testid="state-form"] button[value="in_review"]')`)
	d, _ := a.store.Claim(context.Background(), cl.ID)
	if d.State != models.StateResearching || d.AssigneeID == nil || *d.AssigneeID != fc.ID {
		t.Fatalf("after Start research: state %s, assignee %v; want researching, assigned to me", d.State, d.AssigneeID)
	}
	if saved := browsertest.Text(ctx, t, `[data-testid="saved"]`); !strings.Contains(saved, "assignment") || !strings.Contains(saved, "researching") {
		t.Fatalf("saved message = %q; want it to name the assignment and the new state", saved)
	}

	// Missing explanation: 422, nothing typed is lost, the message sits by the field.
	rationale := "The Mueller indictment of 13 July names twelve GRU officers.\nSee also the Senate report."
	browsertest.Do(ctx, t,
		chromedp.SetValue("#r-verdict", falseID),
		chromedp.SendKeys("#r-rationale", rationale),
		chromedp.Click(`[data-testid="state-form"] button[value="in_review"]`),
	)
	waitFor(ctx, t, `document.readyState === "complete" && !!document.querySelector("#err-explanation")`)
	if got := browsertest.Eval[string](ctx, t, `document.querySelector("#r-rationale").value`); got != rationale {
		t.Fatalf("after the error the rationale holds %q, want what was typed", got)
	}
	if got := browsertest.Eval[string](ctx, t, `document.querySelector("#r-verdict").value`); got != falseID {
		t.Fatalf("after the error the rating is %q, want the one chosen (%s)", got, falseID)
	}
	if !browsertest.Eval[bool](ctx, t, `document.querySelector("#err-explanation").closest(".field").contains(document.querySelector("#r-explanation"))`) {
		t.Fatal("the message is not beside the explanation field")
	}
	waitFor(ctx, t, `document.activeElement && document.activeElement.id === "r-explanation"`)
	if !browsertest.Eval[bool](ctx, t, `(() => { const r = document.querySelector("#r-explanation").getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`) {
		t.Fatal("the page is not scrolled to the field at fault")
	}
	browsertest.Screenshot(ctx, t, "workspace-error-1440")

	// Type the explanation and send: one step saves all and moves the claim.
	explanation := "US intelligence agencies and a grand jury found that Russia did interfere in 2016."
	browsertest.Do(ctx, t,
		chromedp.SendKeys("#r-explanation", explanation),
		chromedp.Click(`[data-testid="state-form"] button[value="in_review"]`),
	)
	waitFor(ctx, t, `document.readyState === "complete" && !!document.querySelector('[data-testid="sign-off"]')`)
	d, _ = a.store.Claim(context.Background(), cl.ID)
	if d.State != models.StateInReview || d.Explanation != explanation || d.Rationale != rationale || d.Verdict == nil || d.Verdict.Label != "False" {
		t.Fatalf("after Send for sign-off: state %s, verdict %+v, explanation %q, rationale %q; want all typed text kept", d.State, d.Verdict, d.Explanation, d.Rationale)
	}
	if saved := browsertest.Text(ctx, t, `[data-testid="saved"]`); !strings.Contains(saved, "the rating") || !strings.Contains(saved, "the explanation") || !strings.Contains(saved, "in review") {
		t.Fatalf("saved message = %q; want it to name the rating, the explanation and the new state", saved)
	}
	// In review, the Reason box sits behind "Send back to researching…".
	if browsertest.Eval[bool](ctx, t, `document.querySelector("#s-reason").checkVisibility()`) {
		t.Fatal("the Reason box is shown before Send back is chosen")
	}

	// Posting a comment while the rationale holds unsaved edits keeps them.
	draft := rationale + "\nAnd the Senate committee's fifth volume."
	browsertest.Do(ctx, t,
		chromedp.SetValue("#r-rationale", draft),
		chromedp.SendKeys("#comment-body", "Checked the indictment."),
		chromedp.Click(`#comment-form button[type="submit"]`),
	)
	waitFor(ctx, t, `document.readyState === "complete" && document.querySelectorAll('[id^="comment-"].claim-item').length === 1`)
	if got := browsertest.Eval[string](ctx, t, `document.querySelector("#r-rationale").value`); got != draft {
		t.Fatalf("after posting a comment the rationale holds %q; want the unsaved edit kept", got)
	}
	if !browsertest.Eval[bool](ctx, t, `!!document.querySelector('[data-testid="kept-typed"]')`) {
		t.Fatal("the page does not say the unsaved text was kept")
	}

	// The workspace: two columns at 1440 px with the panel on the right, one at 390 px.
	browsertest.Do(ctx, t, chromedp.EmulateViewport(1440, 1000))
	browsertest.Navigate(ctx, t, page)
	if !browsertest.Eval[bool](ctx, t, `document.querySelector(".ws-panel").getBoundingClientRect().left > document.querySelector(".ws-claim").getBoundingClientRect().right`) {
		t.Fatal("at 1440 px the review panel is not to the right of the claim")
	}
	if !browsertest.Eval[bool](ctx, t, `document.querySelector(".ws-evidence").getBoundingClientRect().top < document.querySelector(".ws-discussion").getBoundingClientRect().top`) {
		t.Fatal("evidence is not above the discussion")
	}
	browsertest.Screenshot(ctx, t, "workspace-1440")
	browsertest.Do(ctx, t, chromedp.EmulateViewport(390, 844))
	browsertest.Navigate(ctx, t, page)
	order := browsertest.Eval[[]string](ctx, t, `[".ws-claim", ".ws-evidence", ".ws-panel", ".ws-discussion", ".ws-history"].map(s => [s, document.querySelector(s).getBoundingClientRect().top]).sort((a, b) => a[1] - b[1]).map(x => x[0])`)
	if strings.Join(order, " ") != ".ws-claim .ws-evidence .ws-panel .ws-discussion .ws-history" {
		t.Fatalf("at 390 px the parts read %v; want claim, evidence, review, discussion, history", order)
	}
	if w := browsertest.Eval[int](ctx, t, `document.documentElement.scrollWidth`); w > 390 {
		t.Fatalf("at 390 px the page is %d px wide: it scrolls sideways", w)
	}
	browsertest.Screenshot(ctx, t, "workspace-390")
	browsertest.Do(ctx, t, chromedp.EmulateViewport(1440, 1000))
}

// At 390 px: tapping a highlight opens its claim as a bottom sheet, the
// evidence table is cards, and the mark dialog opens at its top with Close
// in view.
func TestBrowserPhoneSheetCardsAndDialogs(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a := newApp(t)
	ed := storetest.User(t, a.store, models.RoleEditor)
	cl := helsinkiClaim(t, a, ed, "Putin also said Russia had never interfered in American affairs.")
	base := a.srv.URL
	browserSignIn(ctx, t, base, ed.Email)
	browsertest.Do(ctx, t, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	defer browsertest.Do(ctx, t, chromedp.EmulateViewport(browsertest.WindowWidth, browsertest.WindowHeight))
	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(cl.ArticleID))
	if browsertest.Eval[bool](ctx, t, `document.querySelector('[data-testid="kbd-hint"]').checkVisibility()`) {
		t.Fatal("keyboard hints are shown on a touch screen")
	}
	browsertest.Do(ctx, t, chromedp.Click(`mark.claim`))
	waitFor(ctx, t, `document.querySelector("#claim-sheet") && document.querySelector("#claim-sheet").open`)
	sheet := browsertest.Text(ctx, t, "#claim-sheet")
	if !strings.Contains(sheet, "Claim 1") || !strings.Contains(sheet, "never interfered") || !strings.Contains(sheet, "Open") {
		t.Fatalf("bottom sheet = %q", sheet)
	}
	if !browsertest.Eval[bool](ctx, t, `(() => { const r = document.querySelector("#claim-sheet").getBoundingClientRect(); return r.bottom >= innerHeight - 2 && r.top > innerHeight / 4; })()`) {
		t.Fatal("the claim sheet is not at the bottom of the screen")
	}
	browsertest.Screenshot(ctx, t, "phone-sheet")
	browsertest.Do(ctx, t, chromedp.Click(`#claim-sheet [data-close]`))
	waitFor(ctx, t, `!document.querySelector("#claim-sheet").open`)

	// The mark dialog opens at its top: title and Close in view.
	selectIn(ctx, t, 1, strings.Split(rvHelsinki, "\n\n")[0], "siding with Vladimir Putin")
	waitFor(ctx, t, `!document.querySelector("#sel-toolbar").hidden`)
	browsertest.Do(ctx, t, chromedp.Click("#mark-button"))
	waitFor(ctx, t, `document.querySelector("#mark-dialog").open`)
	if !browsertest.Eval[bool](ctx, t, `(() => { const r = document.querySelector("#mark-dialog [data-close]").getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`) {
		t.Fatal("the mark dialog's Close is not in view when it opens")
	}
	browsertest.Screenshot(ctx, t, "phone-mark-dialog")
	browsertest.Do(ctx, t, chromedp.Click(`#mark-dialog .dialog-head [data-close]`))

	// The evidence table is cards.
	url, title := "https://www.justice.gov/file/1080281/download", "Indictment of twelve GRU officers"
	if _, err := a.store.AddEvidence(context.Background(), store.ActorOf(ed), cl.ID, store.EvidenceInput{
		Source: &store.SourceInput{URL: &url, Title: &title}, Stance: "refutes", Passage: "conspired to interfere"}); err != nil {
		t.Fatal(err)
	}
	browsertest.Navigate(ctx, t, base+"/claims/"+itoa(cl.ID))
	if got := browsertest.Eval[string](ctx, t, `getComputedStyle(document.querySelector('[data-testid="evidence-table"] tr')).display`); got != "block" {
		t.Fatalf("evidence rows at 390 px display as %q; want cards (block)", got)
	}
	if !strings.Contains(browsertest.Eval[string](ctx, t, `getComputedStyle(document.querySelector('[data-testid="evidence-table"] td[data-label]'), "::before").content`), "Source") {
		t.Fatal("evidence cards do not label their parts")
	}
	if w := browsertest.Eval[int](ctx, t, `document.documentElement.scrollWidth`); w > 390 {
		t.Fatalf("the claim page at 390 px is %d px wide", w)
	}
	browsertest.Screenshot(ctx, t, "phone-evidence-cards")
}

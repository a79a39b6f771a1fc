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

// TestBrowserReviseAndReattach: an editor revises the article in the page
// and works through the re-anchor review screen: a word-level diff of the
// changed claim, which they confirm (counted as confirmed); an orphan they
// re-attach by selecting text, coming back to the screen; and a claim
// whose sentence they removed on purpose, which they retire.
func TestBrowserReviseAndReattach(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a := newApp(t)
	ed := storetest.User(t, a.store, models.RoleEditor)
	art := storetest.Article(t, a.store, ed, "Summit", summitReport)
	bg := context.Background()
	for _, q := range []string{"a grand jury indicted 12 Russian intelligence officers", "Unemployment fell to 4.2% in May", "The agents are accused of hacking e-mail accounts."} {
		start := cp(art.Text, q)
		if _, err := a.store.CreateClaim(bg, store.ActorOf(ed), store.NewClaim{ArticleID: art.ID, Revision: 1, Start: start, End: start + len([]rune(q)), Quote: q}); err != nil {
			t.Fatal(err)
		}
	}
	base := a.srv.URL
	browserSignIn(ctx, t, base, ed.Email)
	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(art.ID)+"/edit")
	newText := strings.Replace(art.Text, "indicted 12 Russian", "indicted 13 Russian", 1)
	newText = strings.Replace(newText, "Unemployment fell to 4.2% in May, the labour ministry said.", "The labour ministry said jobless figures would follow.", 1)
	newText = strings.Replace(newText, " The agents are accused of hacking e-mail accounts.", "", 1)
	browsertest.Do(ctx, t,
		chromedp.SetValue("#text", newText),
		chromedp.SendKeys("#note", "Correction"),
		chromedp.Click(`form button[type="submit"].primary`),
		chromedp.WaitVisible(`[data-testid="reanchor-summary"]`),
	)
	summary := strings.Join(strings.Fields(browsertest.Text(ctx, t, `[data-testid="reanchor-summary"]`)), " ")
	if !strings.Contains(summary, "1 changed") || !strings.Contains(summary, "2 orphaned") {
		t.Fatalf("summary: %q", summary)
	}
	// The changed claim: a word-level diff, and its number, state and rating.
	if del, ins := browsertest.Text(ctx, t, `[data-testid="quote-diff"] del`), browsertest.Text(ctx, t, `[data-testid="quote-diff"] ins`); del != "12" || ins != "13" {
		t.Fatalf("quote diff: deleted %q, inserted %q; want the figure only", del, ins)
	}
	for _, sel := range []string{`[data-testid="changed-card"]`, `[data-testid="orphan-card"]`} {
		if head := browsertest.Text(ctx, t, sel+" .line"); !strings.Contains(head, "Claim ") || !strings.Contains(head, "New") || !strings.Contains(head, "No verdict") {
			t.Fatalf("%s head = %q; want the claim's number, state and rating", sel, head)
		}
	}
	browsertest.Do(ctx, t, chromedp.EmulateViewport(1440, 1000))
	browsertest.Screenshot(ctx, t, "reanchor-review-1440")
	browsertest.Do(ctx, t, chromedp.EmulateViewport(390, 844))
	browsertest.Screenshot(ctx, t, "reanchor-review-390")
	browsertest.Do(ctx, t, chromedp.EmulateViewport(1440, 1000))

	// Confirm the changed claim: the summary counts it as confirmed.
	browsertest.Do(ctx, t, chromedp.Click(`[data-testid="changed-card"] form[action$="/reattach"] button.primary`))
	waitFor(ctx, t, `document.readyState === "complete" && !!document.querySelector('[data-testid="reanchor-done"]')`)
	summary = strings.Join(strings.Fields(browsertest.Text(ctx, t, `[data-testid="reanchor-summary"]`)), " ")
	if !strings.Contains(summary, "1 confirmed") || !strings.Contains(summary, "0 changed") || strings.Contains(summary, "1 kept") {
		t.Fatalf("after confirming, summary: %q; want it counted as confirmed", summary)
	}

	// Retire the claim whose sentence was removed on purpose.
	claims, _ := a.store.ArticleClaims(bg, art.ID)
	var retire models.ClaimDetail
	for _, c := range claims {
		if strings.HasPrefix(c.Quote, "The agents") {
			retire = c
		}
	}
	card := `#claim-` + itoa(retire.ID)
	browsertest.Do(ctx, t, chromedp.Click(card+` details.retire > summary`), chromedp.SendKeys(card+` textarea[name="reason"]`, "The sentence was cut for length."),
		chromedp.Click(card+` [data-testid="retire-form"] button`))
	waitFor(ctx, t, `document.readyState === "complete" && !!document.querySelector('[data-testid="reanchor-done"]') && !document.querySelector("`+card+`")`)
	if _, err := a.store.Claim(bg, retire.ID); err == nil {
		t.Fatal("the retired claim is still in the article")
	}
	hist, _ := a.store.History(bg, store.HistoryQuery{ClaimID: retire.ID})
	if len(hist) == 0 || hist[len(hist)-1].Action != "retired" || !strings.Contains(hist[len(hist)-1].Changes, "cut for length") {
		t.Fatalf("history of the retired claim ends with %+v", hist[len(hist)-1])
	}

	// Re-attach the orphan by selecting text in the new revision: back to the review screen.
	browsertest.Do(ctx, t, chromedp.Click(`[data-testid="orphan-card"] a[href*="reattach="]`))
	waitFor(ctx, t, `document.readyState === "complete" && !!document.querySelector("#reattach")`)
	paras := strings.Split(newText, "\n\n")
	selectIn(ctx, t, 4, paras[3], "jobless figures would follow")
	waitFor(ctx, t, `!document.querySelector("#sel-toolbar").hidden && document.querySelector("#mark-button").textContent === "Attach here"`)
	browsertest.Screenshot(ctx, t, "reattach-mode")
	browsertest.Do(ctx, t, chromedp.KeyEvent("m"))
	waitFor(ctx, t, `location.pathname.endsWith("/reanchor") && document.readyState === "complete" && !!document.querySelector('[data-testid="reanchor-done"]')`)
	if done := browsertest.Text(ctx, t, `[data-testid="reanchor-done"]`); !strings.Contains(done, "jobless figures would follow") {
		t.Fatalf("after re-attaching, the review screen says %q", done)
	}
	summary = strings.Join(strings.Fields(browsertest.Text(ctx, t, `[data-testid="reanchor-summary"]`)), " ")
	if !strings.Contains(summary, "1 confirmed") || !strings.Contains(summary, "1 re-attached") || !strings.Contains(summary, "1 retired") || !strings.Contains(summary, "0 orphaned") {
		t.Fatalf("final summary: %q", summary)
	}
	claims, err := a.store.ArticleClaims(bg, art.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range claims {
		if c.AnchorState != models.AnchorAnchored || c.AnchorRevision != 2 {
			t.Errorf("claim %d after review: %s at revision %d (%q)", c.ID, c.AnchorState, c.AnchorRevision, c.Quote)
		}
	}
	if len(claims) != 2 || claims[1].Quote != "jobless figures would follow" || claims[1].State != models.StateNew { // never reviewed: it keeps its state
		t.Fatalf("claims after the review: %+v", claims)
	}
	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(art.ID)+"/diff?from=1&to=2")
	browsertest.Screenshot(ctx, t, "diff")
}

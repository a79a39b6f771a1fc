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

// TestBrowserReviseAndReattach: an editor revises the article in the page,
// sees what happened to each claim, confirms the changed one and
// re-attaches the orphan by selecting text in the new revision.
func TestBrowserReviseAndReattach(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a := newApp(t)
	ed := storetest.User(t, a.store, models.RoleEditor)
	art := storetest.Article(t, a.store, ed, "Summit", summitReport)
	bg := context.Background()
	for _, q := range []string{"a grand jury indicted 12 Russian intelligence officers", "Unemployment fell to 4.2% in May"} {
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
	browsertest.Do(ctx, t,
		chromedp.SetValue("#text", newText),
		chromedp.SendKeys("#note", "Correction"),
		chromedp.Click(`form button[type="submit"].primary`),
		chromedp.WaitVisible(`[data-testid="reanchor-summary"]`),
	)
	summary := browsertest.Text(ctx, t, `[data-testid="reanchor-summary"]`)
	if !strings.Contains(summary, "1 changed") && !strings.Contains(strings.Join(strings.Fields(summary), " "), "1 changed") {
		t.Fatalf("summary: %q", summary)
	}
	browsertest.Screenshot(ctx, t, "reanchor-review")
	// Confirm the changed claim.
	browsertest.Do(ctx, t, chromedp.Click(`form[action$="/reattach"] button.primary`), chromedp.WaitVisible(`[data-testid="reanchor-summary"]`))
	// Re-attach the orphan by selecting text in the new revision.
	browsertest.Do(ctx, t, chromedp.Click(`a[href*="reattach="]`), chromedp.WaitVisible("#reattach"))
	paras := strings.Split(newText, "\n\n")
	selectIn(ctx, t, 4, paras[3], "jobless figures would follow")
	waitFor(ctx, t, `!document.querySelector("#sel-toolbar").hidden && document.querySelector("#mark-button").textContent === "Attach here"`)
	browsertest.Screenshot(ctx, t, "reattach-mode")
	browsertest.Do(ctx, t, chromedp.KeyEvent("m"))
	waitFor(ctx, t, `location.search.indexOf("marked=") >= 0 && !document.querySelector("#reattach")`)
	claims, err := a.store.ArticleClaims(bg, art.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range claims {
		if c.AnchorState != models.AnchorAnchored || c.AnchorRevision != 2 {
			t.Errorf("claim %d after review: %s at revision %d (%q)", c.ID, c.AnchorState, c.AnchorRevision, c.Quote)
		}
	}
	if claims[1].Quote != "jobless figures would follow" || claims[1].State != models.StateNew { // never reviewed: it keeps its state (issue 12 item 1)
		t.Fatalf("re-attached claim: %q, state %s", claims[1].Quote, claims[1].State)
	}
	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(art.ID)+"/diff?from=1&to=2")
	browsertest.Screenshot(ctx, t, "diff")
}

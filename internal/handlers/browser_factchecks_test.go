package handlers_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/claimdesk/claimdesk/internal/browsertest"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// An editor pastes a feed into the import page, reads the report, then
// searches the library and the board from the keyboard.
func TestBrowserFactCheckLibrary(t *testing.T) {
	ctx := browsertest.Chromium(t)
	browsertest.Do(ctx, t, chromedp.EmulateViewport(1440, 900))
	a := newApp(t)
	searchClaims(t, a)
	ed := storetest.User(t, a.store, models.RoleEditor)
	base := a.srv.URL
	browserSignIn(ctx, t, base, ed.Email)

	browsertest.Navigate(ctx, t, base+"/factchecks/import")
	feed := `{"@context":"https://schema.org","@type":"DataFeed","dataFeedElement":[` + strings.ReplaceAll(fcPutin, "\n", "") + `,` + fcNoRating +
		`,{"@type":"ClaimReview","url":"javascript:alert(1)","claimReviewed":"x"}]}`
	browsertest.Do(ctx, t, chromedp.SetValue("#json", feed), chromedp.Click(`form[action="/factchecks/import"] button[type="submit"]`))
	waitFor(ctx, t, `document.readyState === "complete" && !!document.querySelector('[data-testid="import-report"]')`)
	if got := browsertest.Text(ctx, t, `[data-testid="import-counts"]`); got != "2 new, 0 updated, 1 not imported." {
		t.Fatalf("report counts: %q", got)
	}
	browsertest.Screenshot(ctx, t, "search/factcheck-import-1440")
	browsertest.Do(ctx, t, chromedp.EmulateViewport(390, 844))
	browsertest.Screenshot(ctx, t, "search/factcheck-import-390")
	browsertest.Do(ctx, t, chromedp.EmulateViewport(1440, 900))

	// The library: type a search and press Enter.
	browsertest.Navigate(ctx, t, base+"/factchecks")
	browsertest.Do(ctx, t, chromedp.Focus("#fc-q"), chromedp.SendKeys("#fc-q", "russian interfer\r"))
	waitFor(ctx, t, `location.search.includes("q=russian") && document.readyState === "complete"`)
	if n := browsertest.Eval[int](ctx, t, `document.querySelectorAll('[data-testid="factcheck-list"] > li').length`); n != 1 {
		t.Fatalf("%d results", n)
	}
	if marks := browsertest.Eval[string](ctx, t, `[...document.querySelectorAll("mark.hit")].map(m => m.textContent).join(",")`); marks != "Russian,interfered,interference" { // the claim, then the headline
		t.Errorf("marked words: %q", marks)
	}
	browsertest.Screenshot(ctx, t, "search/factchecks-1440")
	browsertest.Do(ctx, t, chromedp.EmulateViewport(390, 844))
	browsertest.Screenshot(ctx, t, "search/factchecks-390")
	browsertest.Do(ctx, t, chromedp.EmulateViewport(1440, 900))
	browsertest.Do(ctx, t, chromedp.Click(`[data-testid="factcheck-list"] a`))
	waitFor(ctx, t, `location.pathname.startsWith("/factchecks/") && document.readyState === "complete"`)
	browsertest.Screenshot(ctx, t, "search/factcheck-1440")

	// The board's search box, with a filter.
	browsertest.Navigate(ctx, t, base+"/board?state=new")
	browsertest.Do(ctx, t, chromedp.Focus("#f-q"), chromedp.SendKeys("#f-q", "unemploy\r"))
	waitFor(ctx, t, `location.search.includes("q=unemploy") && document.readyState === "complete"`)
	if n := browsertest.Eval[int](ctx, t, `document.querySelectorAll('[data-testid="board"] tbody tr').length`); n != 1 {
		t.Fatalf("board: %d rows", n)
	}
	if !strings.Contains(browsertest.Eval[string](ctx, t, `location.search`), "state=new") {
		t.Error("the search dropped the state filter")
	}
	browsertest.Screenshot(ctx, t, "search/board-1440")
	browsertest.Do(ctx, t, chromedp.EmulateViewport(390, 844))
	browsertest.Screenshot(ctx, t, "search/board-390")
}

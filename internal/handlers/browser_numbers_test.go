package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/claimdesk/claimdesk/internal/browsertest"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// markSelection marks what is selected through the toolbar and the mark
// dialog, and waits until the list has want claims.
func markSelection(ctx context.Context, t *testing.T, want int) {
	t.Helper()
	waitFor(ctx, t, `!document.querySelector("#sel-toolbar").hidden`)
	browsertest.Do(ctx, t, chromedp.Click("#mark-button"))
	waitFor(ctx, t, `document.querySelector("#mark-dialog").open`)
	browsertest.Do(ctx, t, chromedp.Click(`#mark-form button[type="submit"]`))
	waitFor(ctx, t, `document.querySelectorAll(".claim-item").length === `+itoa(int64(want)))
}

// On the Helsinki article an editor marks a late sentence, then an earlier
// one: the first keeps number 1 in the list, the highlight, its page title
// and the history, while the list stays in reading order.
func TestBrowserClaimNumbersStayWhenAnEarlierClaimIsMarked(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a := newApp(t)
	ed := storetest.User(t, a.store, models.RoleEditor)
	art := storetest.Article(t, a.store, ed, "Helsinki summit", rvHelsinki)
	paras := strings.Split(art.Text, "\n\n")
	base := a.srv.URL
	browserSignIn(ctx, t, base, ed.Email)
	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(art.ID))

	late := "Russia had never interfered in American affairs"
	selectIn(ctx, t, 2, paras[1], late)
	markSelection(ctx, t, 1)
	early := "he saw no reason Russia would have interfered in the 2016 election"
	selectIn(ctx, t, 1, paras[0], early)
	markSelection(ctx, t, 2)

	list := browsertest.Eval[[]string](ctx, t, `[...document.querySelectorAll(".claim-item")].map(li => li.querySelector(".num").textContent + " " + li.querySelector(".quote").textContent)`)
	if len(list) != 2 || list[0] != "2. "+early || list[1] != "1. "+late {
		t.Fatalf("claim list = %q; want the earlier text first, numbered 2, and the first-marked claim still 1", list)
	}
	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(art.ID))
	claims, err := a.store.ArticleClaims(context.Background(), art.ID)
	if err != nil || len(claims) != 2 {
		t.Fatalf("claims: %d, %v", len(claims), err)
	}
	first := claims[1] // reading order: the late sentence is second
	if first.Number != 1 || first.Quote != late {
		t.Fatalf("stored claim %q has number %d; want 1", first.Quote, first.Number)
	}
	if got := browsertest.Eval[string](ctx, t, `[...document.querySelectorAll('mark[data-claims~="`+itoa(first.ID)+`"]')].pop().dataset.num`); got != "1" {
		t.Fatalf("highlight of the first claim is labelled %q; want 1", got)
	}
	browsertest.Navigate(ctx, t, base+"/claims/"+itoa(first.ID))
	if title := browsertest.Eval[string](ctx, t, `document.title`); !strings.HasPrefix(title, "Claim 1 · Helsinki summit") {
		t.Fatalf("claim page title = %q; want it to start with \"Claim 1 · Helsinki summit\"", title)
	}
	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(art.ID)+"/history")
	hist := browsertest.Text(ctx, t, "main")
	if !strings.Contains(hist, "claim 1") || !strings.Contains(hist, "claim 2") {
		t.Fatalf("article history does not name the claims by number:\n%s", hist)
	}
}

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

const mtScanText = mtHelsinki + `

Separately, posts shared online claimed that Bill Gates wants to put microchips in vaccines to track people.`

func mtStoreArticle(t *testing.T, a *app, u models.User, text string) models.Article {
	t.Helper()
	art, err := a.store.CreateArticle(context.Background(), store.ActorOf(u), models.Article{Title: "Helsinki summit", Text: text, PublishedAt: mtDay("2018-07-16")})
	if err != nil {
		t.Fatal(err)
	}
	return art
}

// An editor selects Putin's denial: the mark dialog offers the earlier
// fact-check, and marking with it chosen links the new claim.
func TestBrowserMatchMarkDialog(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a := newApp(t)
	ids := mtLibrary(t, a)
	ed := storetest.User(t, a.store, models.RoleEditor)
	art := mtStoreArticle(t, a, ed, mtHelsinki)
	paras := strings.Split(art.Text, "\n\n")
	base := a.srv.URL
	browserSignIn(ctx, t, base, ed.Email)
	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(art.ID))

	selectIn(ctx, t, 2, paras[1], "The Russian state has never interfered and is not going to interfere into internal American affairs")
	waitFor(ctx, t, `!document.querySelector("#sel-toolbar").hidden`)
	waitFor(ctx, t, `!document.querySelector("[data-testid=sel-hint]").hidden`)
	if hint := browsertest.Text(ctx, t, "[data-testid=sel-hint]"); !strings.HasPrefix(hint, "Checked before: 1 match") {
		t.Fatalf("toolbar hint = %q", hint)
	}
	browsertest.Do(ctx, t, chromedp.KeyEvent("m"))
	waitFor(ctx, t, `document.querySelector("#mark-dialog").open && !document.querySelector("#mark-matches").hidden`)
	if n := browsertest.Eval[int](ctx, t, `document.querySelectorAll("#mark-matches input[name=match]").length`); n != 2 {
		t.Fatalf("%d choices in the dialog; want No link and the fact-check", n)
	}
	card := browsertest.Text(ctx, t, "#mark-matches [data-testid=match]")
	for _, want := range []string{"The Russian state has never interfered in the internal affairs", "False", "Checks Example", "17 July 2018"} {
		if !strings.Contains(card, want) {
			t.Errorf("suggestion %q lacks %q", card, want)
		}
	}
	if !browsertest.Eval[bool](ctx, t, `document.querySelector("#mark-matches input[value='']").checked`) {
		t.Error("a link is chosen before the editor chose one")
	}
	browsertest.Screenshot(ctx, t, "match/mark-dialog")
	browsertest.Do(ctx, t, chromedp.Click("[data-testid=match-choice-0]"), chromedp.Click(`#mark-form button[type="submit"]`))
	waitFor(ctx, t, `document.querySelectorAll(".claim-item").length === 1`)
	cs, err := a.store.ArticleClaims(context.Background(), art.ID)
	if err != nil || len(cs) != 1 {
		t.Fatalf("claims: %d, %v", len(cs), err)
	}
	l, err := a.store.ClaimLink(context.Background(), cs[0].ID)
	if err != nil || l.FactCheckID == nil || *l.FactCheckID != ids[0] {
		t.Fatalf("link = %+v, %v", l, err)
	}

	// The claim page shows the link.
	browsertest.Navigate(ctx, t, base+"/claims/"+itoa(cs[0].ID))
	if txt := browsertest.Text(ctx, t, "[data-testid=claim-link]"); !strings.Contains(txt, "Matches an earlier fact-check") || !strings.Contains(txt, ed.Name) {
		t.Fatalf("claim link = %q", txt)
	}
	browsertest.Screenshot(ctx, t, "match/claim-page")
	browsertest.Do(ctx, t, chromedp.EmulateViewport(390, 844))
	browsertest.Navigate(ctx, t, base+"/claims/"+itoa(cs[0].ID))
	browsertest.Screenshot(ctx, t, "match/claim-page-390")
}

// The scan offers the two sentences that match; the editor dismisses one
// and accepts the other from the keyboard.
func TestBrowserMatchScan(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a := newApp(t)
	ids := mtLibrary(t, a)
	ed := storetest.User(t, a.store, models.RoleEditor)
	art := mtStoreArticle(t, a, ed, mtScanText)
	base := a.srv.URL
	browserSignIn(ctx, t, base, ed.Email)
	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(art.ID))
	browsertest.Do(ctx, t, chromedp.Click("[data-testid=scan-link]"))
	waitFor(ctx, t, `location.pathname.endsWith("/scan") && document.querySelectorAll("[data-testid=scan-item]").length === 2`)
	browsertest.Screenshot(ctx, t, "match/scan")
	first := browsertest.Text(ctx, t, "[data-testid=scan-item] blockquote")
	if !strings.HasPrefix(first, "Putin said") {
		t.Fatalf("first suggestion = %q", first)
	}
	// j focuses the first suggestion, d dismisses it, a accepts the next.
	browsertest.Do(ctx, t, chromedp.KeyEvent("j"), chromedp.KeyEvent("d"))
	waitFor(ctx, t, `document.querySelectorAll("[data-testid=scan-item]").length === 1 && document.querySelector("#scan-status").textContent.includes("dismissed")`)
	browsertest.Do(ctx, t, chromedp.KeyEvent("a"))
	waitFor(ctx, t, `document.querySelectorAll("[data-testid=scan-item]").length === 0 && document.querySelector("#scan-status").textContent.includes("Claim marked")`)
	cs, err := a.store.ArticleClaims(context.Background(), art.ID)
	if err != nil || len(cs) != 1 || !strings.Contains(cs[0].Quote, "Bill Gates wants to put microchips in vaccines") {
		t.Fatalf("claims after the scan: %+v, %v", cs, err)
	}
	if l, err := a.store.ClaimLink(context.Background(), cs[0].ID); err != nil || *l.FactCheckID != ids[2] {
		t.Fatalf("link = %+v, %v", l, err)
	}
	// Scanning again: the dismissed sentence stays dismissed, the accepted one is a claim.
	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(art.ID)+"/scan")
	if n := browsertest.Eval[int](ctx, t, `document.querySelectorAll("[data-testid=scan-item]").length`); n != 0 {
		t.Fatalf("%d suggestions after dismissing and accepting", n)
	}
	if !strings.Contains(browsertest.Text(ctx, t, "#scan"), "1 dismissed earlier is not shown again") {
		t.Error("the dismissal is not mentioned")
	}
}

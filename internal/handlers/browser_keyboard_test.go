package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/claimdesk/claimdesk/internal/browsertest"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// On the Helsinki article an editor marks a claim by keyboard alone: Tab
// reaches the article, "m" with nothing selected says how to select, ↓
// selects sentences, → a word, Shift+→ and Shift+← extend and shrink the
// selection word by word, m opens the mark dialog and Enter saves.
func TestBrowserMarkByKeyboardAlone(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a := newApp(t)
	ed := storetest.User(t, a.store, models.RoleEditor)
	art := storetest.Article(t, a.store, ed, "Helsinki summit", rvHelsinki)
	base := a.srv.URL
	browserSignIn(ctx, t, base, ed.Email)
	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(art.ID))

	for i := 0; i < 60 && !browsertest.Eval[bool](ctx, t, `document.activeElement && document.activeElement.id === "article-body"`); i++ {
		browsertest.Do(ctx, t, chromedp.KeyEvent(kb.Tab))
	}
	if !browsertest.Eval[bool](ctx, t, `document.activeElement.id === "article-body"`) {
		t.Fatal("Tab never reaches the article text")
	}
	browsertest.Do(ctx, t, chromedp.KeyEvent("m"))
	if msg := browsertest.Text(ctx, t, "#kbd-status"); !strings.Contains(msg, "Nothing is selected") || !strings.Contains(msg, "Shift+→") {
		t.Fatalf(`"m" with nothing selected says %q; want how to select`, msg)
	}
	if browsertest.Eval[bool](ctx, t, `document.querySelector("#mark-dialog").open`) {
		t.Fatal(`"m" with nothing selected opened the mark dialog`)
	}
	selected := func() string { return browsertest.Eval[string](ctx, t, `window.getSelection().toString()`) }
	shift := chromedp.KeyModifiers(chromedp.ModifierShift)
	browsertest.Do(ctx, t, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown))
	if got := selected(); got != "Standing beside Trump, Putin said he had wanted Trump to win because he talked about normalising relations." {
		t.Fatalf("↓ ↓ selected %q; want the second sentence", got)
	}
	browsertest.Do(ctx, t, chromedp.KeyEvent(kb.ArrowRight))
	if got := selected(); got != "Putin" {
		t.Fatalf("→ after the sentence selected %q; want the next word", got)
	}
	browsertest.Do(ctx, t, chromedp.KeyEvent(kb.ArrowRight, shift), chromedp.KeyEvent(kb.ArrowRight, shift), chromedp.KeyEvent(kb.ArrowLeft, shift))
	if got := selected(); got != "Putin also" {
		t.Fatalf("Shift+→ Shift+→ Shift+← selected %q; want %q", got, "Putin also")
	}
	for range 5 {
		browsertest.Do(ctx, t, chromedp.KeyEvent(kb.ArrowRight, shift))
	}
	want := "Putin also said Russia had never interfered"
	if got := selected(); got != want {
		t.Fatalf("after five more Shift+→ the selection is %q; want %q", got, want)
	}
	if !browsertest.Eval[bool](ctx, t, `document.activeElement.id === "article-body"`) {
		t.Fatal("selecting moved the focus out of the article")
	}
	browsertest.Screenshot(ctx, t, "keyboard-selection")
	browsertest.Do(ctx, t, chromedp.KeyEvent("m"))
	waitFor(ctx, t, `document.querySelector("#mark-dialog").open`)
	if q := browsertest.Text(ctx, t, "#mark-quote"); q != want {
		t.Fatalf("mark dialog quote = %q; want %q", q, want)
	}
	browsertest.Do(ctx, t, chromedp.KeyEvent("\r"))
	waitFor(ctx, t, `document.querySelectorAll(".claim-item").length === 1`)
	claims, err := a.store.ArticleClaims(context.Background(), art.ID)
	if err != nil || len(claims) != 1 || claims[0].Quote != want || claims[0].Start != len([]rune(rvHelsinki[:strings.Index(rvHelsinki, want)])) {
		t.Fatalf("claims after marking by keyboard: %+v, %v", claims, err)
	}
}

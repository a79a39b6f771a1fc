package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/claimdesk/claimdesk/internal/browsertest"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// browserSignIn signs in through the login form.
func browserSignIn(ctx context.Context, t *testing.T, base, email string) {
	t.Helper()
	browsertest.Navigate(ctx, t, base+"/login")
	browsertest.Do(ctx, t,
		chromedp.SendKeys("#email", email),
		chromedp.SendKeys("#password", storetest.Password),
		chromedp.Submit("#password"),
	)
	waitSignedIn(ctx, t)
}

// waitSignedIn waits until the sign-in form's navigation has finished: the
// login page itself has headings and cards, so waiting for an element is
// not enough, and navigating on too early aborts the sign-in.
func waitSignedIn(ctx context.Context, t *testing.T) {
	t.Helper()
	waitFor(ctx, t, `location.pathname !== "/login" && document.readyState === "complete"`)
}

// waitFor polls a JavaScript condition until it is true.
func waitFor(ctx context.Context, t *testing.T, cond string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if browsertest.Eval[bool](ctx, t, "!!("+cond+")") {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", cond)
}

func paragraphSelector(n int) string { return fmt.Sprintf("#article-body > p:nth-of-type(%d)", n) }

// selectIn selects the first occurrence of s in the n-th paragraph, as a user dragging over it.
func selectIn(ctx context.Context, t *testing.T, n int, para, s string) {
	t.Helper()
	i := strings.Index(para, s)
	if i < 0 {
		t.Fatalf("paragraph %d lacks %q", n, s)
	}
	start := browsertest.UTF16Len(para[:i])
	browsertest.SelectText(ctx, t, paragraphSelector(n), start, start+browsertest.UTF16Len(s))
}

func TestBrowserMarkClaims(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a := newApp(t)
	ed := storetest.User(t, a.store, models.RoleEditor)
	art := storetest.Article(t, a.store, ed, "Ministers agree methane deal", wireReport)
	paras := strings.Split(art.Text, "\n\n")
	base := a.srv.URL
	browserSignIn(ctx, t, base, ed.Email)
	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(art.ID))

	// 1. Select a sentence after the emoji and mark it with the toolbar's shortcut.
	selectIn(ctx, t, 3, paras[2], "Emissions fell 4.2% last year")
	waitFor(ctx, t, `!document.querySelector("#sel-toolbar").hidden`)
	browsertest.Do(ctx, t, chromedp.KeyEvent("m"))
	waitFor(ctx, t, `document.querySelector("#mark-dialog").open`)
	if q := browsertest.Text(ctx, t, "#mark-quote"); q != "Emissions fell 4.2% last year" {
		t.Fatalf("dialog quote = %q", q)
	}
	if f := browsertest.Eval[string](ctx, t, `document.activeElement.textContent`); !strings.HasPrefix(f, "Save claim") {
		t.Fatalf("focus in the mark dialog is on %q, want the Save button", f)
	}
	browsertest.Do(ctx, t,
		chromedp.SendKeys("#m-claimant", "The agency"),
		chromedp.SendKeys("#m-summary", "Emissions fell 4.2% last year"),
		chromedp.Click(`#mark-form button[type="submit"]`),
	)
	waitFor(ctx, t, `document.querySelectorAll(".claim-item").length === 1`)
	claims, err := a.store.ArticleClaims(context.Background(), art.ID)
	if err != nil || len(claims) != 1 {
		t.Fatalf("claims after marking: %d, %v", len(claims), err)
	}
	if got, want := claims[0].Start, cp(art.Text, "Emissions fell 4.2% last year"); got != want || claims[0].Quote != "Emissions fell 4.2% last year" || claims[0].Claimant == nil || claims[0].Claimant.Name != "The agency" {
		t.Fatalf("marked claim: start %d (want %d, code points after the emoji), quote %q, claimant %+v", got, want, claims[0].Quote, claims[0].Claimant)
	}

	// 2. An overlapping claim, with the toolbar button.
	selectIn(ctx, t, 3, paras[2], "4.2% last year, according to the agency’s own figures")
	waitFor(ctx, t, `!document.querySelector("#sel-toolbar").hidden`)
	browsertest.Do(ctx, t, chromedp.Click("#mark-button"))
	waitFor(ctx, t, `document.querySelector("#mark-dialog").open`)
	browsertest.Do(ctx, t, chromedp.SendKeys("#m-claimant", "The agency"), chromedp.Click(`#mark-form button[type="submit"]`))
	waitFor(ctx, t, `document.querySelectorAll(".claim-item").length === 2`)
	multi := browsertest.Eval[string](ctx, t, `(document.querySelector("mark.claim.multi")||{textContent:""}).textContent`)
	if multi != "4.2% last year" {
		t.Fatalf("overlap segment = %q, want %q", multi, "4.2% last year")
	}
	// Clicking a segment covered by two claims offers a choice.
	browsertest.Do(ctx, t, chromedp.Click("mark.claim.multi"))
	waitFor(ctx, t, `document.querySelector("#choose-dialog").open && document.querySelectorAll("#choose-list button").length === 2`)
	browsertest.Do(ctx, t, chromedp.Click("#choose-list li:nth-child(2) button"))
	waitFor(ctx, t, `document.activeElement && document.activeElement.classList.contains("claim-item")`)
	browsertest.Screenshot(ctx, t, "article-two-claims")

	// 3. Keyboard only: the quote form, reached and submitted from the keyboard.
	browsertest.Do(ctx, t, chromedp.Focus("#quote-form summary"), chromedp.KeyEvent("\r"))
	waitFor(ctx, t, `document.querySelector("#quote-form").open`)
	browsertest.Do(ctx, t, chromedp.KeyEvent("\t"))
	waitFor(ctx, t, `document.activeElement.id === "quote"`)
	browsertest.Do(ctx, t, chromedp.KeyEvent("Nobody expected it."), chromedp.KeyEvent("\t"), chromedp.KeyEvent("Ana Sørensen"), chromedp.KeyEvent("\r"))
	waitFor(ctx, t, `document.querySelectorAll(".claim-item").length === 3`)
	// j/k move between claims; ? shows the help; Esc closes it.
	browsertest.Do(ctx, t, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), chromedp.KeyEvent("j"), chromedp.KeyEvent("j"))
	if id := browsertest.Eval[string](ctx, t, `document.activeElement.id`); !strings.HasPrefix(id, "claim-") {
		t.Fatalf("after j j, focus is on %q", id)
	}
	before := browsertest.Eval[string](ctx, t, `(document.activeElement.previousElementSibling || {id: ""}).id`)
	browsertest.Do(ctx, t, chromedp.KeyEvent("k"))
	if id := browsertest.Eval[string](ctx, t, `document.activeElement.id`); before == "" || id != before {
		t.Fatalf("after j j k, focus is on %q, want the claim before, %q", id, before)
	}
	browsertest.Do(ctx, t, chromedp.KeyEvent("?"))
	waitFor(ctx, t, `document.querySelector("#help-dialog").open`)
	browsertest.Do(ctx, t, chromedp.KeyEvent("\u001b"))
	waitFor(ctx, t, `!document.querySelector("#help-dialog").open`)

	// 4. Reload: both highlights and the list are there, from the server.
	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(art.ID))
	if n := browsertest.Eval[int](ctx, t, `new Set([].concat(...[...document.querySelectorAll("mark.claim")].map(m => m.dataset.claims.split(" ")))).size`); n != 3 {
		t.Fatalf("claims highlighted after reload: %d, want 3", n)
	}
	// The page's text is exactly the canonical text, paragraph by paragraph.
	if got := browsertest.Eval[string](ctx, t, `[...document.querySelectorAll("#article-body > p")].map(p => p.textContent).join("\n\n")`); got != art.Text {
		t.Fatalf("rendered text differs from canonical text:\n%q\n%q", got, art.Text)
	}
	browsertest.Do(ctx, t, chromedp.EmulateViewport(390, 844))
	browsertest.Screenshot(ctx, t, "article-phone")
	browsertest.Do(ctx, t, chromedp.EmulateViewport(1440, 1000))
	browsertest.Screenshot(ctx, t, "article-1440")

	// 5. Delete one: confirm, and it is gone from the text and the list.
	first := claims[0].ID
	browsertest.Navigate(ctx, t, base+"/claims/"+itoa(first))
	browsertest.Screenshot(ctx, t, "claim-page")
	browsertest.Do(ctx, t, chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(`#claim-details > summary`), chromedp.Click(`form[data-confirm] button`), chromedp.WaitVisible("#article-body"))
	waitFor(ctx, t, `document.querySelectorAll(".claim-item").length === 2`)
	if browsertest.Eval[bool](ctx, t, fmt.Sprintf(`!!document.querySelector('mark[data-claims~="%d"]')`, first)) {
		t.Fatal("deleted claim still highlighted")
	}
	browsertest.Navigate(ctx, t, base+"/articles")
	browsertest.Screenshot(ctx, t, "article-list")
}

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

// TestBrowserInviteChoosePasswordAndChangeIt: an admin invites a colleague
// in the page, the colleague opens the one-time link, chooses a password
// (a common one first, refused), is signed in, and later changes it on
// /account.
func TestBrowserInviteChoosePasswordAndChangeIt(t *testing.T) {
	ctx := browsertest.Chromium(t)
	browsertest.Do(ctx, t, chromedp.EmulateViewport(1440, 900))
	a := newApp(t)
	admin := storetest.User(t, a.store, models.RoleAdmin)
	base := a.srv.URL
	browserSignIn(ctx, t, base, admin.Email)
	browsertest.Navigate(ctx, t, base+"/admin/users")
	browsertest.Do(ctx, t,
		chromedp.SendKeys("#name", "Ina Invited"),
		chromedp.SendKeys("#email", "ina@example.org"),
		chromedp.SetValue("#role", "factchecker"),
		chromedp.Submit("#email"),
	)
	waitFor(ctx, t, `document.readyState === "complete" && !!document.querySelector('[data-testid="link-url"]')`)
	browsertest.Screenshot(ctx, t, "accounts/users-invite-1440")
	link := browsertest.Text(ctx, t, `[data-testid="link-url"]`)
	path := link[strings.Index(link, "/account/link/"):]

	// The colleague, in a browser without the admin's session.
	browsertest.Do(ctx, t, chromedp.Submit(`form[action="/logout"] button`))
	waitFor(ctx, t, `location.pathname === "/login" && document.readyState === "complete"`)
	browsertest.Navigate(ctx, t, base+path)
	browsertest.Do(ctx, t,
		chromedp.SendKeys("#password", "Password2024!"),
		chromedp.SendKeys("#password_confirm", "Password2024!"),
		chromedp.Submit("#password"),
	)
	waitFor(ctx, t, `document.readyState === "complete" && !!document.querySelector('#err-password')`)
	if msg := browsertest.Text(ctx, t, "#err-password"); !strings.Contains(msg, "too common") {
		t.Fatalf("common password: %q", msg)
	}
	if v := browsertest.Eval[string](ctx, t, `document.querySelector("#password").value`); v != "" {
		t.Fatal("the password field came back filled in")
	}
	browsertest.Screenshot(ctx, t, "accounts/link-refused-1440")
	browsertest.Do(ctx, t, chromedp.EmulateViewport(390, 844))
	browsertest.Screenshot(ctx, t, "accounts/link-refused-390")
	browsertest.Do(ctx, t, chromedp.EmulateViewport(1440, 900))
	browsertest.Do(ctx, t,
		chromedp.SendKeys("#password", "a sentence nobody guesses"),
		chromedp.SendKeys("#password_confirm", "a sentence nobody guesses"),
		chromedp.Submit("#password"),
	)
	waitFor(ctx, t, `location.pathname === "/articles" && document.readyState === "complete"`)

	browsertest.Navigate(ctx, t, base+"/account")
	browsertest.Do(ctx, t,
		chromedp.SendKeys("#current_password", "a sentence nobody guesses"),
		chromedp.SendKeys("#password", "another sentence, longer"),
		chromedp.SendKeys("#password_confirm", "another sentence, longer"),
		chromedp.Submit("#current_password"),
	)
	waitFor(ctx, t, `document.readyState === "complete" && !!document.querySelector('[data-testid="account-flash"]')`)
	browsertest.Screenshot(ctx, t, "accounts/account-1440")
	browsertest.Do(ctx, t, chromedp.EmulateViewport(390, 844))
	browsertest.Screenshot(ctx, t, "accounts/account-390")
	u, err := a.store.Authenticate(context.Background(), "ina@example.org", "another sentence, longer", "192.0.2.7")
	if err != nil || u.Role != models.RoleFactChecker {
		t.Fatalf("sign in with the changed password: %+v %v", u, err)
	}
}

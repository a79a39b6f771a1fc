package handlers_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/claimdesk/claimdesk/internal/browsertest"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// TestBrowserUploadKeepsFileAfterFailedValidation: an editor uploads a
// hard-wrapped .txt without a title and with a bad language tag. The form
// comes back with the language error and the file still chosen; after
// fixing the language the article is made from the kept file, titled from
// its first line, in paragraphs.
func TestBrowserUploadKeepsFileAfterFailedValidation(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a := newApp(t)
	ed := storetest.User(t, a.store, models.RoleEditor)
	base := a.srv.URL
	browserSignIn(ctx, t, base, ed.Email)

	file := filepath.Join(t.TempDir(), "fitcoin-release.txt")
	if err := os.WriteFile(file, []byte("FitCoin turns heart rate into Bitcoin\n\n"+wrappedRelease), 0o644); err != nil {
		t.Fatal(err)
	}
	browsertest.Navigate(ctx, t, base+"/articles/new")
	browsertest.Do(ctx, t,
		chromedp.SetUploadFiles("#file", []string{file}),
		chromedp.SendKeys("#language", "english!"),
		chromedp.Click(`form button.primary`),
		chromedp.WaitVisible("#held-file"),
	)
	if msg := browsertest.Text(ctx, t, "#held-file"); !strings.Contains(msg, "fitcoin-release.txt") {
		t.Fatalf("held file note = %q", msg)
	}
	if errs := browsertest.Eval[string](ctx, t, `document.body.innerText`); !strings.Contains(errs, "language tag") || strings.Contains(errs, "Enter a title") {
		t.Fatalf("form errors: %q", errs[:min(len(errs), 400)])
	}
	browsertest.Screenshot(ctx, t, "upload-kept-file")
	browsertest.Do(ctx, t,
		chromedp.SetValue("#language", "en"),
		chromedp.Click(`form button.primary`),
		chromedp.WaitVisible("#article-body"),
	)
	if h := browsertest.Text(ctx, t, ".article-head h1"); h != "FitCoin turns heart rate into Bitcoin" {
		t.Fatalf("article heading %q, want the file's first line", h)
	}
	paras := browsertest.Eval[[]string](ctx, t, `[...document.querySelectorAll("#article-body > p")].map(p => p.textContent)`)
	if len(paras) != 2 || !strings.Contains(paras[1], "much more of an incentive") {
		t.Fatalf("paragraphs = %q", paras)
	}
}

package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/claimdesk/claimdesk/internal/browsertest"
)

// TestBrowserFirstRunAndLoadArticle: on a new install a newcomer creates the
// admin account, signs in, and loads the Helsinki article by pasting it and
// by uploading it (our own wire report stands in when ../shared is absent).
func TestBrowserFirstRunAndLoadArticle(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a := newApp(t)
	text := summitReport
	if raw, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "corpus", "helsinki-summit.txt")); err == nil {
		text = string(raw)
	}
	base := a.srv.URL
	browsertest.Navigate(ctx, t, base+"/")
	if h := browsertest.Text(ctx, t, "h1"); h != "Welcome to Claimdesk" {
		t.Fatalf("first page heading %q, want the setup page", h)
	}
	browsertest.Screenshot(ctx, t, "first-run")
	browsertest.Do(ctx, t,
		chromedp.SendKeys("#name", "Ada Admin"),
		chromedp.SendKeys("#email", "ada@example.org"),
		chromedp.SendKeys("#password", "a long admin password"),
		chromedp.Submit("#password"),
		chromedp.WaitVisible("#newsroom_name"),
	)
	// Then who publishes: the newsroom's name, address and logo.
	browsertest.Screenshot(ctx, t, "first-run-newsroom")
	browsertest.Do(ctx, t,
		chromedp.SendKeys("#newsroom_name", "Helsinki Fact Desk"),
		chromedp.SendKeys("#newsroom_url", "https://factdesk.example.org"),
		chromedp.SendKeys("#newsroom_logo_url", "https://factdesk.example.org/logo.png"),
		chromedp.Submit("#newsroom_name"),
		chromedp.WaitVisible("#text"),
	)
	if s, err := a.store.Settings(context.Background()); err != nil || s["newsroom_name"] != "Helsinki Fact Desk" || s["newsroom_logo_url"] != "https://factdesk.example.org/logo.png" {
		t.Fatalf("newsroom settings after the first run: %v %v", s, err)
	}
	// Paste.
	browsertest.Do(ctx, t,
		chromedp.SetValue("#text", text),
		chromedp.SendKeys("#title", "Trump sides with Putin in Helsinki"),
		chromedp.SendKeys("#outlet", "Wire"),
		chromedp.Click(`form button.primary`),
		chromedp.WaitVisible("#article-body"),
	)
	if got := browsertest.Eval[string](ctx, t, `[...document.querySelectorAll("#article-body > p")].map(p => p.textContent).join("\n\n")`); !strings.Contains(got, "The Russian state has never interfered") || !strings.Contains(got, "indicted 12 Russian intelligence officers") {
		t.Fatalf("pasted article not shown: %q", got[:min(200, len(got))])
	}
	browsertest.Screenshot(ctx, t, "helsinki-pasted")
	// Upload the same text as a .txt file.
	file := filepath.Join(t.TempDir(), "helsinki-summit.txt")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	browsertest.Navigate(ctx, t, base+"/articles/new")
	browsertest.Do(ctx, t,
		chromedp.SetUploadFiles("#file", []string{file}),
		chromedp.SendKeys("#title", "Helsinki (uploaded)"),
		chromedp.Click(`form button.primary`),
		chromedp.WaitVisible("#article-body"),
	)
	if h := browsertest.Text(ctx, t, ".article-head h1"); h != "Helsinki (uploaded)" {
		t.Fatalf("uploaded article heading %q", h)
	}
	browsertest.Navigate(ctx, t, base+"/articles")
	if n := browsertest.Eval[int](ctx, t, `document.querySelectorAll('[data-testid="article-list"] tbody tr').length`); n != 2 {
		t.Fatalf("article list has %d rows, want 2", n)
	}
}

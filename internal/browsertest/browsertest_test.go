package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The text has a precomposed ï and é, and a thumbs-up with a skin-tone
// modifier (two astral code points, 4 UTF-16 units). "café" sits in its own
// element, so the selection spans several text nodes.
const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>browsertest</title>
<style>body{font:18px sans-serif;margin:40px} b{color:#a00}</style></head>
<body>
<p id="t">naïve <b>café</b> 👍🏽 done</p>
<script>
window.mouseups = [];
document.addEventListener("mouseup", () => window.mouseups.push(String(window.getSelection())));
</script>
</body></html>`

const text = "naïve café 👍🏽 done"

func serve(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestBrowserSelectionScreenshotPDF(t *testing.T) {
	ctx := Chromium(t)
	Navigate(ctx, t, serve(t))

	if got := Text(ctx, t, "#t"); got != text {
		t.Fatalf("textContent = %q, want %q", got, text)
	}
	// JavaScript and Go must agree on UTF-16 lengths.
	if n := Eval[int](ctx, t, `document.querySelector("#t").textContent.length`); n != UTF16Len(text) {
		t.Fatalf("JS length %d, UTF16Len %d", n, UTF16Len(text))
	}

	want := "café 👍🏽"
	start := UTF16Len(text[:strings.Index(text, want)])
	end := start + UTF16Len(want)
	if start != 6 || end != 15 {
		t.Fatalf("offsets [%d,%d), want [6,15)", start, end)
	}
	SelectText(ctx, t, "#t", start, end)

	sel := Selection(ctx, t, "#t")
	if sel.Text != want || sel.Start != start || sel.End != end || sel.Collapsed {
		t.Fatalf("selection = %+v, want %q [%d,%d)", sel, want, start, end)
	}
	if ups := Eval[[]string](ctx, t, `window.mouseups`); len(ups) != 1 || ups[0] != want {
		t.Fatalf("mouseup listener saw %q, want [%q]", ups, want)
	}

	// The whole text, start and end on text node boundaries.
	SelectText(ctx, t, "#t", 0, UTF16Len(text))
	if sel := Selection(ctx, t, "#t"); sel.Text != text || sel.Start != 0 || sel.End != UTF16Len(text) {
		t.Fatalf("full selection = %+v", sel)
	}

	path := Screenshot(ctx, t, "browsertest-self")
	img, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(img, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("%s is not a PNG (%d bytes, starts %q)", path, len(img), img[:min(len(img), 8)])
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != WindowWidth || cfg.Height < 100 {
		t.Fatalf("screenshot is %dx%d, want width %d", cfg.Width, cfg.Height, WindowWidth)
	}
	if filepath.Base(path) != "browsertest-self.png" {
		t.Fatalf("screenshot path %s", path)
	}

	pdf := PDF(ctx, t)
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf[max(0, len(pdf)-1024):], []byte("%%EOF")) {
		t.Fatalf("not a PDF (%d bytes, starts %q)", len(pdf), pdf[:min(len(pdf), 8)])
	}
}

func TestBrowserSelectTextErrors(t *testing.T) {
	ctx := Chromium(t)
	Navigate(ctx, t, serve(t))
	for _, c := range []struct {
		sel        string
		start, end int
		want       string
	}{
		{"#missing", 0, 1, "no element matches #missing"},
		{"#t", 3, 2, "outside textContent"},
		{"#t", 0, 99, "outside textContent"},
	} {
		_, err := runErr(ctx, SelectTextAction(c.sel, c.start, c.end))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("SelectText(%q, %d, %d) error = %v, want %q", c.sel, c.start, c.end, err, c.want)
		}
	}
}

// runErr runs the action and returns its error, for tests of failures.
func runErr[T any](ctx context.Context, a chromedp.Action[T]) (T, error) {
	actx, cancel := context.WithTimeout(ctx, ActionTimeout)
	defer cancel()
	return chromedp.Run(actx, a)
}

// These run in -short mode too: they need no browser.

func TestUTF16Len(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "naïve": 5, "👍": 2, "👍🏽": 4, text: 20} {
		if got := UTF16Len(s); got != want {
			t.Errorf("UTF16Len(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestExecPathEnv(t *testing.T) {
	t.Setenv(EnvChromium, filepath.Join(t.TempDir(), "no-such-chromium"))
	if _, err := ExecPath(); err == nil {
		t.Fatal("ExecPath accepted a missing $CLAIMDESK_CHROMIUM")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvChromium, self)
	if got, err := ExecPath(); err != nil || got != self {
		t.Fatalf("ExecPath() = %q, %v; want %q", got, err, self)
	}
}

// fakeTB records what Chromium does instead of skipping or failing the real
// test.
type fakeTB struct {
	testing.TB
	skipped, fatal string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skip(args ...any) {
	f.skipped = fmt.Sprint(args...)
	runtime.Goexit()
}
func (f *fakeTB) Skipf(format string, args ...any) { f.Skip(fmt.Sprintf(format, args...)) }
func (f *fakeTB) Fatal(args ...any) {
	f.fatal = fmt.Sprint(args...)
	runtime.Goexit()
}
func (f *fakeTB) Fatalf(format string, args ...any) { f.Fatal(fmt.Sprintf(format, args...)) }

func chromiumOutcome(t *testing.T) *fakeTB {
	f := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Chromium(f)
	}()
	<-done
	return f
}

// TestNoChromium checks the policy: skipped with -short, else skipped on a
// laptop and failed with CI=true when no Chromium is installed.
func TestNoChromium(t *testing.T) {
	saved := candidates
	candidates = []string{filepath.Join(t.TempDir(), "no-such-chromium")}
	t.Cleanup(func() { candidates = saved })
	t.Setenv(EnvChromium, "")

	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		f := chromiumOutcome(t)
		switch {
		case testing.Short():
			if !strings.Contains(f.skipped, "-short") || f.fatal != "" {
				t.Errorf("CI=%q -short: skipped %q, fatal %q; want a -short skip", ci, f.skipped, f.fatal)
			}
		case ci == "":
			if !strings.Contains(f.skipped, "install chromium") || f.fatal != "" {
				t.Errorf("laptop: skipped %q, fatal %q; want a skip that says to install chromium", f.skipped, f.fatal)
			}
		default:
			if !strings.Contains(f.fatal, "install chromium") || f.skipped != "" {
				t.Errorf("CI=true: skipped %q, fatal %q; want a failure", f.skipped, f.fatal)
			}
		}
	}
}

func TestJSCall(t *testing.T) {
	got := jsCall("f", `a"b</script>`, 3)
	if want := `(f)("a\"b\u003c/script\u003e", 3)`; got != want {
		t.Fatalf("jsCall = %s, want %s", got, want)
	}
}

func TestBoundedBuffer(t *testing.T) {
	b := &boundedBuffer{max: 8}
	b.Printf("0123456789")
	b.Write([]byte("ab"))
	if got := b.String(); got != "56789\nab" {
		t.Fatalf("boundedBuffer kept %q, want %q", got, "56789\nab")
	}
}

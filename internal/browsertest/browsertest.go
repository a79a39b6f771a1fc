// Package browsertest runs tests in a headless Chromium through chromedp.
//
// It is a normal package so that the _test.go files of other packages can
// import it; no production code imports it.
//
// The rules:
//
//   - With -short (what `make test` passes) every browser test is skipped.
//   - Without -short (`make test-browser`), a browser test runs when a
//     Chromium is found: CLAIMDESK_CHROMIUM, /usr/bin/chromium,
//     chromium-browser, google-chrome in PATH. With no Chromium it is skipped
//     on a laptop and fails when CI=true, so CI can never go green by
//     silently skipping the browser tests.
//   - Browser test functions are named TestBrowser..., so that
//     `go test -run Browser ./...` selects them.
//
// A typical test:
//
//	func TestBrowserHighlight(t *testing.T) {
//		ctx := browsertest.Chromium(t)
//		srv := httptest.NewServer(handler)
//		t.Cleanup(srv.Close)
//		browsertest.Navigate(ctx, t, srv.URL+"/articles/1")
//		browsertest.SelectText(ctx, t, "#body p", 6, 15)
//		sel := browsertest.Selection(ctx, t, "#body")
//		...
//		browsertest.Screenshot(ctx, t, "highlight")
//	}
package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ActionTimeout bounds each helper call (Navigate, Do, Eval, SelectText,
// Screenshot, PDF ...) so that a hung page fails the test instead of eating
// the whole `go test -timeout`.
var ActionTimeout = 30 * time.Second

// startTimeout bounds the start of the browser.
const startTimeout = 60 * time.Second

// Environment variables read by this package.
const (
	// EnvChromium names the Chromium binary to use. When it is set, it must
	// point to an executable: a wrong value is an error, never a skip.
	EnvChromium = "CLAIMDESK_CHROMIUM"
	// EnvScreenshots is the directory where Screenshot writes its files. When
	// it is empty, Screenshot writes to t.TempDir().
	EnvScreenshots = "CLAIMDESK_SCREENSHOTS"
)

// WindowWidth and WindowHeight are the size of the browser window.
const (
	WindowWidth  = 1280
	WindowHeight = 900
)

// candidates are the Chromium binaries that ExecPath tries, in order, after
// EnvChromium.
var candidates = []string{
	"/usr/bin/chromium",
	"chromium",
	"chromium-browser",
	"google-chrome",
	"google-chrome-stable",
	"/Applications/Chromium.app/Contents/MacOS/Chromium",
	"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
}

// errNoChromium is returned by ExecPath when no Chromium is installed.
var errNoChromium = errors.New("no Chromium found (tried $" + EnvChromium + ", " +
	strings.Join(candidates[:5], ", ") + "); install chromium (Debian: apt-get install -y chromium) or set " + EnvChromium)

// ExecPath returns the path of the Chromium binary that Chromium starts.
func ExecPath() (string, error) {
	if p := os.Getenv(EnvChromium); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("$%s=%q: %w", EnvChromium, p, err)
		}
		return found, nil
	}
	for _, c := range candidates {
		if found, err := exec.LookPath(c); err == nil {
			return found, nil
		}
	}
	return "", errNoChromium
}

// InCI reports whether CI=true (or any other true value of strconv.ParseBool).
func InCI() bool {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return ci
}

// Chromium starts a fresh headless Chromium for the test and returns a
// chromedp context whose target is one tab of it. The browser is closed by
// t.Cleanup.
//
// It skips the test in -short mode. When no Chromium is found it skips the
// test, except when CI=true, where it fails it. If Chromium is found but does
// not start, the test fails.
//
// Each helper of this package bounds its own call by ActionTimeout. Code that
// calls chromedp.Run directly on the returned context has no such bound; use
// context.WithTimeout on the returned context for that (it is safe: the
// browser is already started).
func Chromium(t testing.TB) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: skipped in -short mode (run `make test-browser`)")
	}
	path, err := ExecPath()
	if err != nil {
		if InCI() && errors.Is(err, errNoChromium) {
			t.Fatalf("browser test: CI=true but %v", err)
		}
		if errors.Is(err, errNoChromium) {
			t.Skipf("browser test: %v", err)
		}
		t.Fatalf("browser test: %v", err)
	}

	logs := &boundedBuffer{max: 64 << 10}
	// Registered first, so it runs last: after the browser is gone.
	t.Cleanup(func() {
		if t.Failed() && logs.Len() > 0 {
			t.Logf("browser output (last %d bytes):\n%s", logs.max, logs.String())
		}
	})

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		// The machines have no network but loopback: without these Chromium
		// keeps trying to reach Google's hosts.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(WindowWidth, WindowHeight),
		chromedp.CombinedOutput(logs),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx,
		chromedp.WithLogf(logs.Printf),
		chromedp.WithErrorf(logs.Printf),
	)
	t.Cleanup(func() {
		// Close the browser gracefully, but do not wait for ever.
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_ = chromedp.Cancel(cctx)
		cancelCtx()
		cancelAlloc() // waits for the process to exit
	})

	// Start the browser now, with no deadline on ctx itself (a deadline on the
	// first Run would bound the whole browser's life), but give up after
	// startTimeout.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("browser test: starting %s: %v", path, err) // the Cleanup above logs the output
		}
	case <-time.After(startTimeout):
		t.Fatalf("browser test: %s did not start within %v", path, startTimeout)
	}
	return ctx
}

// Run runs one chromedp action that returns a value, bounded by
// ActionTimeout, and fails the test on error.
func Run[T any](ctx context.Context, t testing.TB, a chromedp.Action[T]) T {
	t.Helper()
	actx, cancel := context.WithTimeout(ctx, ActionTimeout)
	defer cancel()
	v, err := chromedp.Run(actx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}

// Do runs chromedp actions in order, bounded together by ActionTimeout, and
// fails the test on the first error.
func Do(ctx context.Context, t testing.TB, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	Run(ctx, t, chromedp.Steps(steps...))
}

// Navigate loads the URL and waits for the load event.
func Navigate(ctx context.Context, t testing.TB, url string) {
	t.Helper()
	Do(ctx, t, chromedp.Navigate(url))
}

// Eval evaluates the JavaScript expression in the page and decodes its
// JSON value into T. A promise is awaited. It fails the test on a JavaScript
// exception, and on null or undefined when T cannot be nil (use a pointer T
// to accept them).
func Eval[T any](ctx context.Context, t testing.TB, expr string) T {
	t.Helper()
	return Run(ctx, t, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// Text returns the textContent of the first element that matches the CSS
// selector, after waiting for it to be in the DOM.
func Text(ctx context.Context, t testing.TB, selector string) string {
	t.Helper()
	return Run(ctx, t, chromedp.TextContent(chromedp.CSS(selector)))
}

// Screenshot saves a full-page PNG of the current page as dir/name.png and
// returns its path. dir is $CLAIMDESK_SCREENSHOTS (created if needed) or else
// t.TempDir(). name may contain "/" to make subdirectories.
func Screenshot(ctx context.Context, t testing.TB, name string) string {
	t.Helper()
	dir := os.Getenv(EnvScreenshots)
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, filepath.FromSlash(name)+".png")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	buf := Run(ctx, t, chromedp.FullScreenshot(100)) // quality 100 gives PNG
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	t.Logf("screenshot: %s", path)
	return path
}

// PDF prints the current page to a PDF (A4, with backgrounds, as a user would
// print an export) and returns its bytes.
func PDF(ctx context.Context, t testing.TB) []byte {
	t.Helper()
	return Run(ctx, t, chromedp.PrintToPDF(
		chromedp.PDFPaper(chromedp.PaperA4),
		chromedp.PDFPrintBackground(),
	))
}

// SelectText selects the text from UTF-16 offset start to UTF-16 offset end
// (end exclusive) of the textContent of the first element that matches the
// CSS selector, as if a user had dragged over it: it builds a DOM Range over
// the element's text nodes, sets it as the window selection, and dispatches
// a bubbling mouseup event (with the coordinates of the end of the range) on
// the element where the selection ends.
//
// Offsets are UTF-16 code units, as in JavaScript strings and in the W3C
// TextPositionSelector: "👍🏽" counts 4. Use UTF16Len to compute them in Go.
func SelectText(ctx context.Context, t testing.TB, selector string, start, end int) {
	t.Helper()
	Do(ctx, t, SelectTextAction(selector, start, end))
}

// SelectTextAction is the chromedp action behind SelectText, for use in
// chromedp.Steps.
func SelectTextAction(selector string, start, end int) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](jsCall(selectTextJS, selector, start, end))
}

// TextSelection is the window selection, measured against the textContent
// of a container element.
type TextSelection struct {
	// Text is window.getSelection().toString().
	Text string `json:"text"`
	// Start and End are UTF-16 offsets into the container's textContent,
	// computed with a Range from the start of the container. Both are -1
	// when the selection is empty or outside the container.
	Start int `json:"start"`
	End   int `json:"end"`
	// Collapsed is true when nothing is selected.
	Collapsed bool `json:"collapsed"`
}

// Selection reads back window.getSelection() relative to the first element
// that matches the CSS selector.
func Selection(ctx context.Context, t testing.TB, container string) TextSelection {
	t.Helper()
	return Eval[TextSelection](ctx, t, jsCall(selectionJS, container))
}

// UTF16Len returns the length of s in UTF-16 code units, which is what
// JavaScript's String.length and DOM offsets count.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// jsCall returns a JavaScript expression that calls the function literal fn
// with the arguments encoded as JSON.
func jsCall(fn string, args ...any) string {
	enc := make([]string, len(args))
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			panic(err) // only strings and ints are passed
		}
		enc[i] = string(b)
	}
	return "(" + fn + ")(" + strings.Join(enc, ", ") + ")"
}

const selectTextJS = `function (selector, start, end) {
	const root = document.querySelector(selector);
	if (!root) throw new Error("SelectText: no element matches " + selector);
	const len = root.textContent.length;
	if (start < 0 || end < start || end > len)
		throw new Error("SelectText: range [" + start + "," + end + ") outside textContent of length " + len);
	// Map a textContent offset to (text node, offset). At a boundary between
	// two text nodes, a start goes into the next node and an end stays in the
	// previous one, as a user's selection would.
	function locate(offset, isEnd) {
		const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
		let pos = 0, last = null;
		for (let n = walker.nextNode(); n; n = walker.nextNode()) {
			const l = n.data.length;
			if (isEnd ? offset <= pos + l : offset < pos + l) return [n, offset - pos];
			pos += l;
			last = n;
		}
		if (last) return [last, last.data.length];
		return [root, 0];
	}
	const [sn, so] = locate(start, false);
	const [en, eo] = locate(end, true);
	const range = document.createRange();
	range.setStart(sn, so);
	range.setEnd(en, eo);
	const sel = window.getSelection();
	sel.removeAllRanges();
	sel.addRange(range);
	const rects = range.getClientRects();
	const r = rects.length ? rects[rects.length - 1] : root.getBoundingClientRect();
	const target = en.nodeType === Node.ELEMENT_NODE ? en : en.parentElement;
	target.dispatchEvent(new MouseEvent("mouseup", {
		bubbles: true, cancelable: true, composed: true, view: window,
		button: 0, clientX: r.right, clientY: r.bottom,
	}));
}`

const selectionJS = `function (selector) {
	const root = document.querySelector(selector);
	if (!root) throw new Error("Selection: no element matches " + selector);
	const sel = window.getSelection();
	const out = {text: sel.toString(), start: -1, end: -1, collapsed: sel.isCollapsed};
	if (sel.rangeCount === 0 || sel.isCollapsed) return out;
	const r = sel.getRangeAt(0);
	if (!root.contains(r.startContainer) || !root.contains(r.endContainer)) return out;
	// Offsets over textContent (not innerText, which depends on layout).
	const measure = (node, offset) => {
		const pre = document.createRange();
		pre.selectNodeContents(root);
		pre.setEnd(node, offset);
		return pre.toString().length;
	};
	out.start = measure(r.startContainer, r.startOffset);
	out.end = measure(r.endContainer, r.endOffset);
	return out;
}`

// boundedBuffer keeps the last max bytes written to it. It is safe for
// concurrent use: the browser's output and chromedp's logs write to it from
// their own goroutines, possibly after the test ended.
type boundedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if over := b.buf.Len() - b.max; over > 0 {
		b.buf.Next(over)
	}
	return len(p), nil
}

func (b *boundedBuffer) Printf(format string, args ...any) {
	fmt.Fprintf(b, format+"\n", args...)
}

func (b *boundedBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func (b *boundedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

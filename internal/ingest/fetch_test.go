package ingest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
)

// serve starts a test server for handler and returns its URL.
func serve(t *testing.T, handler http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv.URL
}

// only exempts the address of one test server from the private-address
// check, so that tests can watch what happens after it redirects.
func only(t *testing.T, serverURL string) func(netip.AddrPort) bool {
	t.Helper()
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatal(err)
	}
	ap, err := netip.ParseAddrPort(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	return func(got netip.AddrPort) bool { return got == ap }
}

func TestFetchArticle(t *testing.T) {
	var gotUA string
	base := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/old-link":
			http.Redirect(w, r, "/news/bike-lanes", http.StatusMovedPermanently)
		case "/news/bike-lanes":
			gotUA = r.Header.Get("User-Agent")
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, articlePage)
		default:
			http.NotFound(w, r)
		}
	})
	got, err := Fetcher{AllowPrivate: true, UserAgent: "ClaimdeskTest/1"}.Fetch(context.Background(), base+"/old-link")
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	checkArticlePage(t, got, base)
	if gotUA != "ClaimdeskTest/1" {
		t.Errorf("User-Agent = %q, want %q", gotUA, "ClaimdeskTest/1")
	}
}

func TestFetchContentTypes(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		want                    string // Text
	}{
		{"plain text", "text/plain; charset=utf-8", "Line one\r\n\r\nLine two", "Line one\n\nLine two"},
		{"plain text in Latin-1", "text/plain; charset=iso-8859-1", "Caf\xe9", "Café"},
		{"HTML in Windows-1252 by header", "text/html; charset=windows-1252", "<p>\x93Hi\x94</p>", "“Hi”"},
		{"XHTML", "application/xhtml+xml", "<html xmlns='http://www.w3.org/1999/xhtml'><body><p>X</p></body></html>", "X"},
		{"no content type, sniffed HTML", "", "<!DOCTYPE html><html><body><p>Sniffed</p></body></html>", "Sniffed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = []string{tt.contentType}
				fmt.Fprint(w, tt.body)
			})
			got, err := Fetcher{AllowPrivate: true}.Fetch(context.Background(), u)
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if got.Text != tt.want {
				t.Errorf("Text = %q, want %q", got.Text, tt.want)
			}
		})
	}
}

func TestFetchRefuses(t *testing.T) {
	closedPort := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr + "/"
	}()
	redirectTo := func(target string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, target, http.StatusFound) }
	}
	page := func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<p>A page.</p>") }

	tests := []struct {
		name      string
		fetcher   Fetcher
		handler   http.HandlerFunc // serves the fetched URL unless rawURL is set
		rawURL    string
		fragments []string
	}{
		{name: "ftp scheme", rawURL: "ftp://example.org/file.txt", fragments: []string{"http://", "https://"}},
		{name: "javascript scheme", rawURL: "javascript:alert(1)", fragments: []string{"http://"}},
		{name: "no host", rawURL: "https:///path", fragments: []string{"full web address"}},
		{name: "user info", rawURL: "https://user:pw@example.org/", fragments: []string{"user name or password"}},
		{name: "loopback IPv4", handler: page, fragments: []string{"private network"}},
		{name: "loopback IPv6", rawURL: "http://[::1]:9/", fragments: []string{"private network"}},
		{name: "cloud metadata address", rawURL: "http://169.254.169.254/latest/meta-data/", fragments: []string{"private network"}},
		{name: "private range", rawURL: "http://10.0.0.1/", fragments: []string{"private network"}},
		{name: "name resolving to loopback", rawURL: "http://localhost:9/", fragments: []string{"private network"}},
		{name: "IPv4-mapped IPv6 loopback", rawURL: "http://[::ffff:127.0.0.1]:9/", fragments: []string{"private network"}},
		{name: "unreachable (closed port)", fetcher: Fetcher{AllowPrivate: true}, rawURL: closedPort, fragments: []string{"refused the connection"}},
		{name: "404", fetcher: Fetcher{AllowPrivate: true}, handler: http.NotFound, fragments: []string{"no page at that address", "404 Not Found"}},
		{name: "403", fetcher: Fetcher{AllowPrivate: true}, handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden) }, fragments: []string{"refused", "403 Forbidden"}},
		{name: "500", fetcher: Fetcher{AllowPrivate: true}, handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) }, fragments: []string{"problem", "500 Internal Server Error"}},
		{name: "redirect to self", fetcher: Fetcher{AllowPrivate: true}, handler: redirectTo("/"), fragments: []string{"loop"}},
		{name: "not HTML", fetcher: Fetcher{AllowPrivate: true}, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/pdf")
			fmt.Fprint(w, "%PDF-1.7")
		}, fragments: []string{"not a web page", "application/pdf"}},
		{name: "image by sniffing", fetcher: Fetcher{AllowPrivate: true}, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = nil
			w.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
		}, fragments: []string{"not a web page", "image/png"}},
		{name: "empty page", fetcher: Fetcher{AllowPrivate: true}, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><body><script>app()</script></body></html>")
		}, fragments: []string{"no readable text"}},
		{name: "oversize with Content-Length", fetcher: Fetcher{AllowPrivate: true, MaxBytes: 1000}, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Length", "1001")
			w.Write([]byte(strings.Repeat("a", 1001)))
		}, fragments: []string{"larger than 1000 bytes"}},
		{name: "oversize streamed", fetcher: Fetcher{AllowPrivate: true, MaxBytes: 1 << 10}, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			for range 100 { // chunked: no Content-Length
				fmt.Fprint(w, "<p>"+strings.Repeat("b", 100)+"</p>")
				w.(http.Flusher).Flush()
			}
		}, fragments: []string{"larger than 1 KB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rawURL := tt.rawURL
			if tt.handler != nil {
				rawURL = serve(t, tt.handler)
			}
			_, err := tt.fetcher.Fetch(context.Background(), rawURL)
			wantInvalid(t, err, "url", tt.fragments...)
		})
	}
}

func TestFetchUnknownHost(t *testing.T) {
	// .invalid never resolves (RFC 6761), but a machine without a working
	// resolver cannot say so quickly; then there is nothing to test.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var dnsErr *net.DNSError
	if _, err := net.DefaultResolver.LookupHost(ctx, "no-such-host.invalid"); !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
		t.Skipf("this machine's resolver does not answer NXDOMAIN for .invalid (%v)", err)
	}
	// The resolver answers, so the name is misspelt.
	f := Fetcher{AllowPrivate: true, lookupNS: func(context.Context, string) error { return nil }}
	_, err := f.Fetch(context.Background(), "http://no-such-host.invalid/")
	wantInvalid(t, err, "url", "No website was found", "no-such-host.invalid does not exist")
	// A resolver that cannot even find the root answers "no such host" to
	// everything: the server is offline, the address may be right.
	f.lookupNS = func(context.Context, string) error { return errors.New("no such host") }
	_, err = f.Fetch(context.Background(), "http://no-such-host.invalid/")
	wantInvalid(t, err, "url", "server could not reach the site")
}

func TestFetchAcceptsExactlyMaxBytes(t *testing.T) {
	u := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(strings.Repeat("a", 1000)))
	})
	got, err := Fetcher{AllowPrivate: true, MaxBytes: 1000}.Fetch(context.Background(), u)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(got.Text) != 1000 {
		t.Errorf("len(Text) = %d, want 1000", len(got.Text))
	}
}

func TestFetchRedirectToPrivateAddress(t *testing.T) {
	target := serve(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<p>internal admin page</p>") })
	tu, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, location string
	}{
		{"to 127.0.0.1", target + "/admin"},
		{"to ::1", "http://[::1]:" + tu.Port() + "/admin"},
		{"to localhost", "http://localhost:" + tu.Port() + "/admin"},
		{"to metadata service", "http://169.254.169.254/latest/meta-data/iam/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			front := serve(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, tt.location, http.StatusFound)
			})
			f := Fetcher{exempt: only(t, front)} // AllowPrivate is false
			_, err := f.Fetch(context.Background(), front+"/story")
			wantInvalid(t, err, "url", "private network")
		})
	}
}

func TestFetchRedirects(t *testing.T) {
	// /hop/N redirects to /hop/N-1; /hop/0 is the page. /a and /b redirect
	// to each other.
	base := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/a":
			http.Redirect(w, r, "/b", http.StatusFound)
		case p == "/b":
			http.Redirect(w, r, "/a", http.StatusFound)
		case p == "/hop/0":
			fmt.Fprint(w, "<p>Arrived.</p>")
		case strings.HasPrefix(p, "/hop/"):
			var n int
			fmt.Sscanf(p, "/hop/%d", &n)
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
		case p == "/to-ftp":
			http.Redirect(w, r, "ftp://example.org/", http.StatusFound)
		}
	})
	tests := []struct {
		name         string
		path         string
		maxRedirects int
		fragments    []string // nil: the fetch succeeds
	}{
		{"loop", "/a", 0, []string{"loop"}},
		{"within the default of 5", "/hop/5", 0, nil},
		{"one more than the default", "/hop/6", 0, []string{"more than 5 times"}},
		{"within a limit of 2", "/hop/2", 2, nil},
		{"over a limit of 2", "/hop/3", 2, []string{"more than 2 times"}},
		{"none allowed", "/hop/1", -1, []string{"more than 0 times"}},
		{"to another scheme", "/to-ftp", 0, []string{"http://"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Fetcher{AllowPrivate: true, MaxRedirects: tt.maxRedirects}.Fetch(context.Background(), base+tt.path)
			if tt.fragments != nil {
				wantInvalid(t, err, "url", tt.fragments...)
				return
			}
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if got.Text != "Arrived." {
				t.Errorf("Text = %q, want %q", got.Text, "Arrived.")
			}
		})
	}
}

func TestFetchTimeout(t *testing.T) {
	slowHeaders := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(10 * time.Second):
		case <-r.Context().Done():
		}
	}
	slowBody := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<p>start")
		w.(http.Flusher).Flush()
		slowHeaders(w, r)
	}
	for name, h := range map[string]http.HandlerFunc{"before headers": slowHeaders, "during body": slowBody} {
		t.Run(name, func(t *testing.T) {
			u := serve(t, h)
			start := time.Now()
			_, err := Fetcher{AllowPrivate: true, Timeout: 200 * time.Millisecond}.Fetch(context.Background(), u)
			wantInvalid(t, err, "url", "too long", "0.2 seconds")
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Fetch took %v with a 200ms timeout", d)
			}
		})
	}
}

func TestFetchCallerCancels(t *testing.T) {
	u := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(10 * time.Second):
		case <-r.Context().Done():
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := Fetcher{AllowPrivate: true}.Fetch(ctx, u)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled (the caller gave up; not the user's input)", err)
	}
}

func TestFetchTitle(t *testing.T) {
	tests := []struct {
		name, contentType, body, want string
	}{
		{"title element", "text/html", "<html><head><title> The  Report\n</title><meta property='og:title' content='OG'></head><body><svg><title>icon</title></svg></body></html>", "The Report"},
		{"og:title fallback", "text/html; charset=utf-8", "<html><head><meta property=\"og:title\" content=\"Open Graph Title\"></head><body>x</body></html>", "Open Graph Title"},
		{"no title", "text/html", "<p>Just a paragraph</p>", ""},
		{"Latin-1 title", "text/html; charset=iso-8859-1", "<title>Caf\xe9</title>", "Café"},
		{"PDF has no title to read", "application/pdf", "%PDF-1.7", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				fmt.Fprint(w, tt.body)
			})
			got, err := Fetcher{AllowPrivate: true}.FetchTitle(context.Background(), u)
			if err != nil {
				t.Fatalf("FetchTitle: %v", err)
			}
			if got != tt.want {
				t.Errorf("FetchTitle = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFetchTitleRefuses(t *testing.T) {
	page := serve(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<title>Internal</title>") })
	missing := serve(t, http.NotFound)
	tests := []struct {
		name      string
		fetcher   Fetcher
		rawURL    string
		fragments []string
	}{
		{"private address", Fetcher{}, page, []string{"private network"}},
		{"metadata address", Fetcher{}, "http://169.254.169.254/", []string{"private network"}},
		{"bad scheme", Fetcher{}, "file:///etc/passwd", []string{"http://"}},
		{"404", Fetcher{AllowPrivate: true}, missing, []string{"404 Not Found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.fetcher.FetchTitle(context.Background(), tt.rawURL)
			wantInvalid(t, err, "url", tt.fragments...)
		})
	}
}

func TestBlockedAddr(t *testing.T) {
	tests := []struct {
		addr    string
		blocked bool
	}{
		{"127.0.0.1", true},
		{"127.255.0.9", true},
		{"10.1.2.3", true},
		{"172.16.0.1", true},
		{"172.31.255.255", true},
		{"172.32.0.1", false},
		{"192.168.1.1", true},
		{"169.254.169.254", true},
		{"100.64.0.1", true},
		{"100.127.255.255", true},
		{"100.128.0.1", false},
		{"0.0.0.0", true},
		{"224.0.0.251", true},
		{"255.255.255.255", true},
		{"8.8.8.8", false},
		{"93.184.216.34", false},
		{"::1", true},
		{"::", true},
		{"fc00::1", true},
		{"fd12:3456::1", true},
		{"fe80::1", true},
		{"fe80::1%eth0", true},
		{"ff02::1", true},
		{"::ffff:127.0.0.1", true},
		{"::ffff:8.8.8.8", false},
		{"::ffff:100.64.0.1", true}, // IPv4-mapped CGNAT: only a prefix check catches it
		{"::ffff:198.18.0.1", true},
		{"64:ff9b::a9fe:a9fe", true}, // NAT64 of 169.254.169.254
		{"64:ff9b::808:808", false},  // NAT64 of 8.8.8.8
		{"2606:4700:4700::1111", false},
	}
	for _, tt := range tests {
		if got := blockedAddr(netip.MustParseAddr(tt.addr)); got != tt.blocked {
			t.Errorf("blockedAddr(%s) = %v, want %v", tt.addr, got, tt.blocked)
		}
	}
}

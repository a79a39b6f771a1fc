package handlers_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// Responses are encoded as the client asks, say Vary: Accept-Encoding, and
// decode to what an unencoded request gets; tiny bodies are sent as they
// are; static files are served from their encodings made at start.
func TestResponsesAreCompressedAsTheClientAsks(t *testing.T) {
	a := newApp(t)
	b := a.signIn(models.RoleEditor)
	art := storetest.Article(t, a.store, b.user, "Budget", strings.Repeat("The minister said the budget grew by nine per cent last year. ", 80))
	raw := &http.Client{Transport: &http.Transport{DisableCompression: true}, Jar: b.c.Jar}
	get := func(path, acceptEncoding string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := raw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, body
	}
	page := "/articles/" + itoa(art.ID)
	plainRes, plain := get(page, "")
	if plainRes.StatusCode != http.StatusOK || plainRes.Header.Get("Content-Encoding") != "" || !strings.Contains(plainRes.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("plain page: %d, Content-Encoding %q, Vary %q", plainRes.StatusCode, plainRes.Header.Get("Content-Encoding"), plainRes.Header.Get("Vary"))
	}
	csrf := regexp.MustCompile(`name="_csrf" value="[^"]+"`)
	for _, tt := range []struct{ accept, want string }{{"gzip, deflate, br", "br"}, {"gzip", "gzip"}, {"br;q=0, gzip", "gzip"}, {"identity", ""}} {
		res, body := get(page, tt.accept)
		if got := res.Header.Get("Content-Encoding"); got != tt.want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tt.accept, got, tt.want)
			continue
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: no Vary: Accept-Encoding", tt.accept)
		}
		decoded := decodeBody(t, body, tt.want)
		if csrf.ReplaceAll(decoded, nil) == nil || !bytes.Equal(csrf.ReplaceAll(decoded, nil), csrf.ReplaceAll(plain, nil)) {
			t.Errorf("Accept-Encoding %q: the decoded page differs from the plain one (%d and %d bytes)", tt.accept, len(decoded), len(plain))
		}
		if tt.want != "" && len(body)*3 > len(plain) {
			t.Errorf("Accept-Encoding %q: %d bytes on the wire for a %d-byte page", tt.accept, len(body), len(plain))
		}
	}

	if res, body := get("/healthz", "br, gzip"); res.Header.Get("Content-Encoding") != "" || len(body) >= 1024 {
		t.Errorf("a tiny body was encoded: Content-Encoding %q, %d bytes", res.Header.Get("Content-Encoding"), len(body))
	}

	css := regexp.MustCompile(`href="(/static/[^"]+\.css)"`).FindSubmatch(plain)
	if css == nil {
		t.Fatal("no stylesheet link on the page")
	}
	res, body := get(string(css[1]), "br")
	if res.Header.Get("Content-Encoding") != "br" || !strings.HasSuffix(res.Header.Get("ETag"), `-br"`) || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("stylesheet: Content-Encoding %q, ETag %q, Vary %q", res.Header.Get("Content-Encoding"), res.Header.Get("ETag"), res.Header.Get("Vary"))
	}
	if !strings.Contains(string(decodeBody(t, body, "br")), "{") {
		t.Error("the stylesheet does not decode to CSS")
	}
	if res, _ := get(string(css[1]), "br", "If-None-Match", res.Header.Get("ETag")); res.StatusCode != http.StatusNotModified {
		t.Errorf("stylesheet revalidation: %d; want 304", res.StatusCode)
	}
	if res, body := get(string(css[1]), "gzip"); res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(string(decodeBody(t, body, "gzip")), "{") {
		t.Errorf("stylesheet over gzip: Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
}

func decodeBody(t *testing.T, b []byte, enc string) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(b)
	switch enc {
	case "br":
		r = brotli.NewReader(r)
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", enc, err)
	}
	return out
}

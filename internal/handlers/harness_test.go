package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/claimdesk/claimdesk/internal/handlers"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
	"github.com/claimdesk/claimdesk/static"
)

// app is a real server (router, middleware, error handler) on a real database.
type app struct {
	t     *testing.T
	store *store.Store
	srv   *httptest.Server
}

func newApp(t *testing.T) *app {
	t.Helper()
	st := storetest.New(t)
	assets, err := static.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handlers.New(handlers.Deps{Store: st, Assets: assets, BaseURL: "http://claims.test", FetchTimeout: 2 * time.Second}))
	t.Cleanup(srv.Close)
	return &app{t: t, store: st, srv: srv}
}

// browser is a signed-in (or anonymous) browser with cookies.
type browser struct {
	a    *app
	c    *http.Client
	csrf string
	user models.User
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (a *app) anonymous() *browser {
	jar, _ := cookiejar.New(nil)
	b := &browser{a: a, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	return b
}

// signIn creates a user of the role and signs in through the login form.
func (a *app) signIn(role models.Role) *browser {
	a.t.Helper()
	u := storetest.User(a.t, a.store, role)
	b := a.anonymous()
	b.user = u
	b.get("/login")
	res := b.postForm("/login", url.Values{"email": {u.Email}, "password": {storetest.Password}})
	if res.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("sign in as %s: status %d", role, res.StatusCode)
	}
	b.get("/articles") // pick up the session's CSRF token
	return b
}

type response struct {
	StatusCode int
	Header     http.Header
	Body       string
}

func (b *browser) do(req *http.Request) response {
	b.a.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.a.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if m := csrfRe.FindStringSubmatch(string(body)); m != nil {
		b.csrf = m[1]
	}
	return response{StatusCode: res.StatusCode, Header: res.Header, Body: string(body)}
}

func (b *browser) get(path string) response {
	req, _ := http.NewRequest(http.MethodGet, b.a.srv.URL+path, nil)
	return b.do(req)
}

// postForm posts a form with the page's CSRF token (unless the values set _csrf).
func (b *browser) postForm(path string, v url.Values) response {
	if v.Get("_csrf") == "" {
		v.Set("_csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.a.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// postFile uploads a file in a multipart form.
func (b *browser) postFile(path string, v url.Values, field, name string, content []byte) response {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", b.csrf)
	for k, vs := range v {
		for _, s := range vs {
			_ = w.WriteField(k, s)
		}
	}
	fw, _ := w.CreateFormFile(field, name)
	_, _ = fw.Write(content)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.a.srv.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

// client is an API client with a bearer token.
type client struct {
	a     *app
	token string
	user  models.User
}

func (a *app) apiClient(role models.Role) *client {
	a.t.Helper()
	u := storetest.User(a.t, a.store, role)
	tok, _, err := a.store.CreateToken(context.Background(), store.ActorOf(u), u.ID, "test", 0)
	if err != nil {
		a.t.Fatal(err)
	}
	return &client{a: a, token: tok, user: u}
}

func (c *client) call(method, path string, body any, header ...string) (int, map[string]any, http.Header) {
	c.a.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, c.a.srv.URL+path, r)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.a.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	if len(raw) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out); err != nil {
			c.a.t.Fatalf("%s %s: response is not a JSON object: %s", method, path, raw)
		}
	}
	if res.StatusCode >= 500 {
		c.a.t.Fatalf("%s %s: status %d: %s", method, path, res.StatusCode, raw)
	}
	return res.StatusCode, out, res.Header
}

// num reads a JSON number field as int.
func num(m map[string]any, key string) int {
	f, _ := m[key].(float64)
	return int(f)
}

func fields(m map[string]any) map[string]any {
	f, _ := m["fields"].(map[string]any)
	return f
}

// wireReport is the fixture article: a wire report in the style of an
// agency story, with quotes, numbers, curly quotes and an emoji before a claim.
const wireReport = `GENEVA (Wire) — Ministers from 40 countries agreed on Tuesday to cut methane emissions by 30% before 2030, the conference chair said.

“This is the largest single commitment we have ever seen,” said Ana Sørensen, who chaired the talks. “Nobody expected it.”

Delegates cheered 👏 as the deal was announced. Emissions fell 4.2% last year, according to the agency’s own figures.

Critics said the deal was “too little, too late”. The agency said emissions fell 4.2% in Europe alone.`

var regexpToken = regexp.MustCompile(`data-testid="new-token">([^<]+)<`)

func itoa(n int64) string { return strconvFormat(n) }

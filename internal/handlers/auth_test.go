package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

func TestFirstRunCreatesAdminOnce(t *testing.T) {
	a := newApp(t)
	b := a.anonymous()
	if res := b.get("/"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/setup" {
		t.Fatalf("GET / on a new install: %d → %q, want 303 → /setup", res.StatusCode, res.Header.Get("Location"))
	}
	b.get("/setup")
	res := b.postForm("/setup", url.Values{"name": {"Ada Admin"}, "email": {"ada@example.org"}, "password": {"short"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "at least 10 characters") {
		t.Fatalf("short password: %d, want 422 with message", res.StatusCode)
	}
	res = b.postForm("/setup", url.Values{"name": {"Ada Admin"}, "email": {"ada@example.org"}, "password": {"a long enough password"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup: %d, want 303", res.StatusCode)
	}
	if res := b.get("/admin/users"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "ada@example.org") {
		t.Fatalf("admin page after setup: %d", res.StatusCode)
	}
	other := a.anonymous()
	other.get("/login")
	res = other.postForm("/setup", url.Values{"name": {"Mallory"}, "email": {"m@example.org"}, "password": {"a long enough password"}})
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("second setup: %d, want 409", res.StatusCode)
	}
}

func TestSignInErrors(t *testing.T) {
	a := newApp(t)
	ed := a.signIn(models.RoleEditor)
	b := a.anonymous()
	b.get("/login")
	res := b.postForm("/login", url.Values{"email": {ed.user.Email}, "password": {"wrong password!"}})
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Body, "Wrong e-mail or password") {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
	forged := url.Values{"email": {ed.user.Email}, "password": {"x"}, "_csrf": {"forged-token-forged-token-forged-token"}}
	if res := b.postForm("/login", forged); res.StatusCode != http.StatusForbidden {
		t.Fatalf("forged CSRF token at login: %d, want 403", res.StatusCode)
	}
	// A signed-in form with another session's token is refused too.
	other := a.signIn(models.RoleEditor)
	v := url.Values{"_csrf": {other.csrf}, "label": {"x"}}
	if res := ed.postForm("/account/tokens", v); res.StatusCode != http.StatusForbidden {
		t.Fatalf("CSRF token of another session: %d, want 403", res.StatusCode)
	}
	// Sign-in renews the session: the old cookie no longer works after sign-out.
	if res := ed.postForm("/logout", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	if res := ed.get("/articles"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("after logout: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestLoginThrottling(t *testing.T) {
	a := newApp(t)
	ed := a.signIn(models.RoleEditor)
	b := a.anonymous()
	b.get("/login")
	for i := 0; i < 10; i++ {
		b.postForm("/login", url.Values{"email": {ed.user.Email}, "password": {"wrong password!"}})
	}
	res := b.postForm("/login", url.Values{"email": {ed.user.Email}, "password": {"correct horse battery"}})
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("11th attempt with the right password: %d, want 429", res.StatusCode)
	}
}

func TestAdminManagesUsers(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(models.RoleAdmin)
	admin.get("/admin/users")
	res := admin.postForm("/admin/users", url.Values{"name": {"New"}, "email": {"new@example.org"}, "role": {"publisher"}, "password": {"a long enough password"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Unknown role") {
		t.Fatalf("unknown role: %d", res.StatusCode)
	}
	res = admin.postForm("/admin/users", url.Values{"name": {"Dup"}, "email": {strings.ToUpper(admin.user.Email)}, "role": {"viewer"}, "password": {"a long enough password"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "already exists") {
		t.Fatalf("duplicate e-mail: %d", res.StatusCode)
	}
	res = admin.postForm("/admin/users", url.Values{"name": {"Vera Viewer"}, "email": {"vera@example.org"}, "role": {"viewer"}})
	if res.StatusCode != http.StatusCreated || !strings.Contains(res.Body, "/account/link/") {
		t.Fatalf("invite user: %d", res.StatusCode)
	}
	u, err := a.store.UserByEmail(context.Background(), "vera@example.org")
	if err != nil || u.Role != models.RoleViewer || u.HasPassword() {
		t.Fatalf("invited user: %+v, %v", u, err)
	}
	res = admin.postForm("/admin/users/"+itoa(u.ID), url.Values{"role-" + itoa(u.ID): {"factchecker"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change role: %d", res.StatusCode)
	}
	u, _ = a.store.User(context.Background(), u.ID)
	if u.Role != models.RoleFactChecker || !u.Active {
		t.Fatalf("after update: role %s active %v; want factchecker, still active", u.Role, u.Active)
	}
	ed := a.signIn(models.RoleEditor)
	if res := ed.get("/admin/users"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("editor on admin page: %d, want 403", res.StatusCode)
	}
}

func TestAPITokens(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	if code, _, _ := c.call("GET", "/api/v1/articles", nil); code != http.StatusOK {
		t.Fatalf("valid token: %d", code)
	}
	anon := &client{a: a}
	code, body, hdr := anon.call("GET", "/api/v1/articles", nil)
	if code != http.StatusUnauthorized || body["error"] == "" || !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer") {
		t.Fatalf("no token: %d %v", code, body)
	}
	if code, _, _ := anon.call("GET", "/api/v1/no/such/route", nil); code != http.StatusUnauthorized {
		t.Fatalf("unknown API route without token: %d, want 401", code)
	}
	bad := &client{a: a, token: c.token + "x"}
	if code, _, _ := bad.call("GET", "/api/v1/articles", nil); code != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d", code)
	}
	// expired
	ctx := context.Background()
	exp, _, err := a.store.CreateToken(ctx, store.ActorOf(c.user), c.user.ID, "short", time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if code, _, _ := (&client{a: a, token: exp}).call("GET", "/api/v1/articles", nil); code != http.StatusUnauthorized {
		t.Fatalf("expired token: %d", code)
	}
	// revoked, from the user's page
	b := a.signIn(models.RoleViewer)
	res := b.postForm("/account/tokens", url.Values{"label": {"script"}})
	m := regexpToken.FindStringSubmatch(res.Body)
	if res.StatusCode != http.StatusCreated || m == nil {
		t.Fatalf("create token on account page: %d", res.StatusCode)
	}
	viewer := &client{a: a, token: m[1]}
	if code, _, _ := viewer.call("GET", "/api/v1/articles", nil); code != http.StatusOK {
		t.Fatalf("new viewer token: %d", code)
	}
	if code, _, _ := viewer.call("POST", "/api/v1/articles", map[string]any{"title": "T", "text": "x"}); code != http.StatusForbidden {
		t.Fatalf("viewer token creating an article: %d, want 403", code)
	}
	toks, _ := a.store.Tokens(ctx, b.user.ID)
	if res := b.postForm("/account/tokens/"+itoa(toks[0].ID)+"/revoke", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if code, _, _ := viewer.call("GET", "/api/v1/articles", nil); code != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d, want 401", code)
	}
}

func TestSecurityHeadersAndHealth(t *testing.T) {
	a := newApp(t)
	res := a.anonymous().get("/healthz")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"ok"`) {
		t.Fatalf("healthz: %d %s", res.StatusCode, res.Body)
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP %q: want %q and no unsafe-inline", csp, want)
		}
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") == "" {
		t.Errorf("headers: %v", res.Header)
	}
}

package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/claimdesk/claimdesk/internal/handlers"
	"github.com/claimdesk/claimdesk/internal/mail"
	"github.com/claimdesk/claimdesk/internal/mail/mailtest"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
	"github.com/claimdesk/claimdesk/static"
)

var linkPathRe = regexp.MustCompile(`/account/link/([A-Za-z0-9_-]+)`)

func noStore(t *testing.T, what string, res response) {
	t.Helper()
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") || !strings.Contains(cc, "private") {
		t.Errorf("%s: Cache-Control %q, want private, no-store", what, cc)
	}
}

func TestChangeOwnPassword(t *testing.T) {
	a := newApp(t)
	b := a.signIn(models.RoleEditor)
	other := a.anonymous()
	other.get("/login")
	if res := other.postForm("/login", url.Values{"email": {b.user.Email}, "password": {storetest.Password}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second sign-in: %d", res.StatusCode)
	}
	tok, _, err := a.store.CreateToken(context.Background(), store.ActorOf(b.user), b.user.ID, "script", 0)
	if err != nil {
		t.Fatal(err)
	}
	res := b.get("/account")
	noStore(t, "account page", res)
	if !strings.Contains(res.Body, "API tokens keep working") {
		t.Error("the account page does not say that API tokens survive a password change")
	}
	cases := []struct {
		name                       string
		current, password, confirm string
		field, msg                 string
	}{
		{"wrong current", "not my password", "a brand new passphrase", "a brand new passphrase", "current_password", "not your current password"},
		{"no current", "", "a brand new passphrase", "a brand new passphrase", "current_password", "Enter your current password"},
		{"short", storetest.Password, "short1", "short1", "password", "at least 10 characters"},
		{"common", storetest.Password, "Password2024!", "Password2024!", "password", "too common"},
		{"mismatch", storetest.Password, "a brand new passphrase", "a brand new passphrase!", "password_confirm", "differ"},
		{"same", storetest.Password, storetest.Password, storetest.Password, "password", "different from your current"},
	}
	for _, c := range cases {
		res := b.postForm("/account/password", url.Values{"current_password": {c.current}, "password": {c.password}, "password_confirm": {c.confirm}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, c.msg) || !strings.Contains(res.Body, `id="err-`+c.field+`"`) {
			t.Errorf("%s: %d, want 422 with %q on %s", c.name, res.StatusCode, c.msg, c.field)
		}
		for _, typed := range []string{c.current, c.password, c.confirm} {
			if typed != "" && strings.Contains(res.Body, `value="`+typed+`"`) {
				t.Errorf("%s: the form came back with a password filled in", c.name)
			}
		}
	}
	res = b.postForm("/account/password", url.Values{"current_password": {storetest.Password}, "password": {"a brand new passphrase"}, "password_confirm": {"a brand new passphrase"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change password: %d %s", res.StatusCode, res.Body)
	}
	if res := b.get("/account?saved=password"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "signed out on every other browser") {
		t.Fatalf("this browser after the change: %d", res.StatusCode)
	}
	if res := other.get("/articles"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the other browser is still signed in: %d", res.StatusCode)
	}
	c := &client{a: a, token: tok}
	if code, _, _ := c.call("GET", "/api/v1/articles", nil); code != http.StatusOK {
		t.Errorf("API token after a password change: %d", code)
	}
	fresh := a.anonymous()
	fresh.get("/login")
	if res := fresh.postForm("/login", url.Values{"email": {b.user.Email}, "password": {"a brand new passphrase"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("sign in with the new password: %d", res.StatusCode)
	}
}

func TestInviteAndResetLinks(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(models.RoleAdmin)
	admin.get("/admin/users")
	res := admin.postForm("/admin/users", url.Values{"name": {"Ina Invited"}, "email": {"not an address"}, "role": {"editor"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `value="Ina Invited"`) || !strings.Contains(res.Body, `value="not an address"`) {
		t.Fatalf("bad invite should come back with what was typed: %d", res.StatusCode)
	}
	res = admin.postForm("/admin/users", url.Values{"name": {"Ina Invited"}, "email": {"ina@example.org"}, "role": {"editor"}})
	noStore(t, "page showing an invite link", res)
	m := linkPathRe.FindStringSubmatch(res.Body)
	if res.StatusCode != http.StatusCreated || m == nil || !strings.Contains(res.Body, "http://claims.test/account/link/") {
		t.Fatalf("invite: %d", res.StatusCode)
	}
	if again := admin.get("/admin/users"); strings.Contains(again.Body, m[1]) {
		t.Fatal("the invite link is shown again")
	}
	if !strings.Contains(admin.get("/admin/users").Body, "Invited") {
		t.Error("the users page does not show the pending invite")
	}
	link := "/account/link/" + m[1]
	ina := a.anonymous()
	res = ina.get(link)
	noStore(t, "link page", res)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "ina@example.org") {
		t.Fatalf("open invite: %d", res.StatusCode)
	}
	if res := ina.postForm(link, url.Values{"password": {"iloveyou12345"}, "password_confirm": {"iloveyou12345"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "too common") || strings.Contains(res.Body, "iloveyou12345") {
		t.Fatalf("common password through invite: %d", res.StatusCode)
	}
	if res := ina.postForm(link, url.Values{"password": {"a sentence nobody guesses"}, "password_confirm": {"a sentence nobody guessed"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "differ") {
		t.Fatalf("mismatched passwords through invite: %d", res.StatusCode)
	}
	if res := ina.postForm(link, url.Values{"password": {"a sentence nobody guesses"}, "password_confirm": {"a sentence nobody guesses"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept invite: %d %s", res.StatusCode, res.Body)
	}
	if res := ina.get("/articles"); res.StatusCode != http.StatusOK {
		t.Fatalf("signed in after accepting the invite: %d", res.StatusCode)
	}
	if res := a.anonymous().get(link); res.StatusCode != http.StatusGone || !strings.Contains(res.Body, "already been used") {
		t.Fatalf("reused link: %d", res.StatusCode)
	}
	if res := admin.postForm("/admin/mail/test", url.Values{}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "CLAIMDESK_SMTP_URL") {
		t.Errorf("test mail with mail off: %d", res.StatusCode)
	}
	if res := a.anonymous().get("/account/link/nonsense"); res.StatusCode != http.StatusNotFound || !strings.Contains(res.Body, "not valid") {
		t.Fatalf("unknown link: %d", res.StatusCode)
	}
	users := admin.get("/admin/users").Body
	if !strings.Contains(users, "Last sign-in") || !strings.Contains(users, time.Now().UTC().Format("2006-01-02")) {
		t.Error("the users page does not show last sign-in")
	}
	// Reset: the old password works until the link is used; using it signs Ina out elsewhere.
	u, _ := a.store.UserByEmail(context.Background(), "ina@example.org")
	res = admin.postForm("/admin/users/"+itoa(u.ID)+"/link", url.Values{})
	m = linkPathRe.FindStringSubmatch(res.Body)
	if res.StatusCode != http.StatusCreated || m == nil || !strings.Contains(res.Body, "Password reset link") {
		t.Fatalf("reset: %d", res.StatusCode)
	}
	if res := ina.get("/articles"); res.StatusCode != http.StatusOK {
		t.Fatalf("making a reset link signed Ina out: %d", res.StatusCode)
	}
	other := a.anonymous()
	if res := other.postForm("/account/link/"+m[1], url.Values{"password": {"the reset passphrase"}, "password_confirm": {"the reset passphrase"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("link form without CSRF token: %d", res.StatusCode)
	}
	other.get("/account/link/" + m[1])
	if res := other.postForm("/account/link/"+m[1], url.Values{"password": {"the reset passphrase"}, "password_confirm": {"the reset passphrase"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("use reset link: %d", res.StatusCode)
	}
	if res := ina.get("/articles"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("Ina's old session survived the reset: %d", res.StatusCode)
	}
}

func TestDeactivateAndReactivate(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(models.RoleAdmin)
	ed := a.signIn(models.RoleEditor)
	tok, _, _ := a.store.CreateToken(context.Background(), store.ActorOf(ed.user), ed.user.ID, "script", 0)
	c := &client{a: a, token: tok}
	admin.get("/admin/users")
	if res := admin.postForm("/admin/users/"+itoa(ed.user.ID)+"/deactivate", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", res.StatusCode)
	}
	if res := ed.get("/articles"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("deactivated user still signed in: %d", res.StatusCode)
	}
	if code, _, _ := c.call("GET", "/api/v1/articles", nil); code != http.StatusUnauthorized {
		t.Errorf("deactivated user's token: %d", code)
	}
	if !strings.Contains(admin.get("/admin/users").Body, "Deactivated") {
		t.Error("users page does not show the deactivated account")
	}
	if res := admin.postForm("/admin/users/"+itoa(ed.user.ID)+"/reactivate", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reactivate: %d", res.StatusCode)
	}
	if code, _, _ := c.call("GET", "/api/v1/articles", nil); code != http.StatusOK {
		t.Errorf("reactivated user's token: %d", code)
	}
	if res := admin.postForm("/admin/users/"+itoa(admin.user.ID)+"/deactivate", url.Values{}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "last active admin") {
		t.Errorf("deactivating the last admin: %d", res.StatusCode)
	}
	if res := ed.postForm("/admin/users/"+itoa(admin.user.ID)+"/deactivate", url.Values{}); res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusForbidden {
		t.Errorf("an editor deactivating: %d", res.StatusCode)
	}
}

func TestAccountAndUsersAPI(t *testing.T) {
	a := newApp(t)
	admin := a.apiClient(models.RoleAdmin)
	ed := a.apiClient(models.RoleEditor)
	code, body, hdr := ed.call("GET", "/api/v1/account", nil)
	if code != http.StatusOK || body["email"] != ed.user.Email || body["email_notifications"] != true || !strings.Contains(hdr.Get("Cache-Control"), "no-store") {
		t.Fatalf("GET account: %d %v", code, body)
	}
	for _, bad := range []string{`{}`, `{"email_notifications": "no"}`, `{"email_notifications": false, "x": 1}`} {
		if code, _, _ := ed.call("PATCH", "/api/v1/account", bad); code != http.StatusBadRequest {
			t.Errorf("PATCH account %s: %d, want 400", bad, code)
		}
	}
	if code, body, _ := ed.call("PATCH", "/api/v1/account", map[string]any{"email_notifications": false}); code != http.StatusOK || body["email_notifications"] != false {
		t.Fatalf("turn notifications off: %d %v", code, body)
	}
	code, body, _ = ed.call("POST", "/api/v1/account/password", map[string]any{"current_password": "wrong one!", "password": "a brand new passphrase"})
	if code != http.StatusUnprocessableEntity || fields(body)["current_password"] == nil {
		t.Fatalf("wrong current password: %d %v", code, body)
	}
	if code, body, _ := ed.call("POST", "/api/v1/account/password", map[string]any{"current_password": storetest.Password, "password": "qwerty123456"}); code != http.StatusUnprocessableEntity || fields(body)["password"] == nil {
		t.Fatalf("common password: %d %v", code, body)
	}
	if code, _, _ := ed.call("POST", "/api/v1/account/password", map[string]any{"password": "x"}); code != http.StatusBadRequest {
		t.Fatalf("missing current password: %d", code)
	}
	if code, _, _ := ed.call("POST", "/api/v1/account/password", map[string]any{"current_password": storetest.Password, "password": "a brand new passphrase"}); code != http.StatusNoContent {
		t.Fatalf("change password: %d", code)
	}
	if code, _, _ := ed.call("GET", "/api/v1/users", nil); code != http.StatusForbidden {
		t.Fatalf("editor lists users: %d", code)
	}
	code, body, _ = admin.call("POST", "/api/v1/users", map[string]any{"email": "nina@example.org", "name": "Nina", "role": "factchecker"})
	link, _ := body["link"].(map[string]any)
	usr, _ := body["user"].(map[string]any)
	if code != http.StatusCreated || link == nil || !strings.HasPrefix(link["url"].(string), "http://claims.test/account/link/") || usr["invited"] != true || link["mailed"] != false {
		t.Fatalf("invite through the API: %d %v", code, body)
	}
	if code, body, _ := admin.call("POST", "/api/v1/users", map[string]any{"email": "nina@example.org", "name": "Nina", "role": "factchecker"}); code != http.StatusUnprocessableEntity || fields(body)["email"] == nil {
		t.Fatalf("duplicate invite: %d %v", code, body)
	}
	if code, _, _ := admin.call("POST", "/api/v1/users", map[string]any{"email": "x@example.org", "name": "X", "role": "viewer", "password": "a long password"}); code != http.StatusBadRequest {
		t.Fatalf("a password in an invite is an unknown field: %d", code)
	}
	id := itoa(int64(num(usr, "id")))
	for _, bad := range []string{`{}`, `{"active": "no"}`, `{"rol": "viewer"}`} {
		if code, _, _ := admin.call("PATCH", "/api/v1/users/"+id, bad); code != http.StatusBadRequest {
			t.Errorf("PATCH user %s: %d, want 400", bad, code)
		}
	}
	if code, body, _ := admin.call("PATCH", "/api/v1/users/"+id, map[string]any{"active": false}); code != http.StatusOK || body["active"] != false {
		t.Fatalf("deactivate through the API: %d %v", code, body)
	}
	if code, _, _ := admin.call("POST", "/api/v1/users/"+id+"/link", nil); code != http.StatusUnprocessableEntity {
		t.Fatalf("link for a deactivated user: %d", code)
	}
	admin.call("PATCH", "/api/v1/users/"+id, map[string]any{"active": true})
	code, body, _ = admin.call("POST", "/api/v1/users/"+id+"/link", nil)
	if link, _ := body["link"].(map[string]any); code != http.StatusCreated || link["purpose"] != "invite" || link["url"] == "" {
		t.Fatalf("new invite link: %d %v", code, body)
	}
	code, body, _ = admin.call("GET", "/api/v1/users", nil)
	if code != http.StatusOK || !strings.Contains(jsonString(body), "last_sign_in_at") {
		t.Fatalf("list users: %d %v", code, body)
	}
}

// TestInviteByMail: with mail configured, the admin's invite goes out
// through a real SMTP server and its link works through the router.
func TestInviteByMail(t *testing.T) {
	srv := mailtest.Start(t)
	st := storetest.New(t)
	assets, err := static.Load()
	if err != nil {
		t.Fatal(err)
	}
	ob := mail.NewOutbox(srv.Config(), st, nil, "http://claims.test")
	hs := httptest.NewServer(handlers.New(handlers.Deps{Store: st, Assets: assets, BaseURL: "http://claims.test", Mail: ob}))
	t.Cleanup(hs.Close)
	a := &app{t: t, store: st, srv: hs}
	admin := a.signIn(models.RoleAdmin)
	res := admin.get("/admin/users")
	if !strings.Contains(res.Body, "E-mail the invite") {
		t.Fatal("no mail option on the invite form")
	}
	res = admin.postForm("/admin/users", url.Values{"name": {"Mo Mailed"}, "email": {"mo@example.org"}, "role": {"viewer"}, "send_email": {"true"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/users?saved=mailed" {
		t.Fatalf("mailed invite: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if strings.Contains(admin.get("/admin/users?saved=mailed").Body, "/account/link/") {
		t.Fatal("a mailed link is also shown")
	}
	ob.Round(context.Background())
	msgs := srv.Wait(1, 5*time.Second)
	m := linkPathRe.FindStringSubmatch(msgs[0].Body)
	if m == nil || msgs[0].To != "mo@example.org" {
		t.Fatalf("invite mail: %+v", msgs[0])
	}
	mo := a.anonymous()
	mo.get("/account/link/" + m[1])
	if res := mo.postForm("/account/link/"+m[1], url.Values{"password": {"mo's own passphrase"}, "password_confirm": {"mo's own passphrase"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("use mailed link: %d", res.StatusCode)
	}
	if body := admin.get("/admin/users").Body; !strings.Contains(body, "1 sent in the last 24 hours") {
		t.Error("the users page does not show the outbox")
	}
	if res := admin.postForm("/admin/mail/test", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("test mail: %d", res.StatusCode)
	}
	ob.Round(context.Background())
	if msgs := srv.Wait(2, 5*time.Second); msgs[1].To != admin.user.Email || msgs[1].Subject != "Claimdesk test mail" {
		t.Fatalf("test mail: %+v", msgs[1])
	}
}

func jsonString(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestExpiredLink: a reset link is refused after 24 hours, with a 410 that
// says so, through the router.
func TestExpiredLink(t *testing.T) {
	var mu sync.Mutex
	now := time.Now().UTC()
	st, err := store.Open(context.Background(), store.Options{URL: storetest.URL(t), PasswordCost: bcrypt.MinCost,
		Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	assets, _ := static.Load()
	hs := httptest.NewServer(handlers.New(handlers.Deps{Store: st, Assets: assets, BaseURL: "http://claims.test"}))
	t.Cleanup(hs.Close)
	a := &app{t: t, store: st, srv: hs}
	ed := storetest.User(t, st, models.RoleEditor)
	admin := a.signIn(models.RoleAdmin)
	res := admin.postForm("/admin/users/"+itoa(ed.ID)+"/link", url.Values{})
	m := linkPathRe.FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatalf("reset link: %d", res.StatusCode)
	}
	mu.Lock()
	now = now.Add(24*time.Hour + time.Minute)
	mu.Unlock()
	b := a.anonymous()
	if res := b.get("/account/link/" + m[1]); res.StatusCode != http.StatusGone || !strings.Contains(res.Body, "expired") {
		t.Fatalf("expired link: %d", res.StatusCode)
	}
	b.get("/login")
	if res := b.postForm("/account/link/"+m[1], url.Values{"password": {"a sentence nobody guesses"}, "password_confirm": {"a sentence nobody guesses"}}); res.StatusCode != http.StatusGone {
		t.Fatalf("posting to an expired link: %d", res.StatusCode)
	}
	if _, err := st.Authenticate(context.Background(), ed.Email, storetest.Password, "192.0.2.3"); err != nil {
		t.Fatalf("the old password stopped working: %v", err)
	}
}

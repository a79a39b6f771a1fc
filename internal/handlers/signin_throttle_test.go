package handlers_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/claimdesk/claimdesk/internal/handlers"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
	"github.com/claimdesk/claimdesk/static"
)

// clock is a settable time for the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// newThrottleApp is newApp with a settable clock and, optionally, trusted proxies.
func newThrottleApp(t *testing.T, trusted ...string) (*app, *clock) {
	t.Helper()
	ck := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{URL: storetest.URL(t), PasswordCost: bcrypt.MinCost, Now: ck.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	assets, err := static.Load()
	if err != nil {
		t.Fatal(err)
	}
	var nets []*net.IPNet
	for _, s := range trusted {
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			t.Fatal(err)
		}
		nets = append(nets, n)
	}
	srv := httptest.NewServer(handlers.New(handlers.Deps{Store: st, Assets: assets, BaseURL: "http://claims.test", TrustedProxies: nets}))
	t.Cleanup(srv.Close)
	return &app{t: t, store: st, srv: srv}, ck
}

// signInFrom posts the sign-in form with X-Forwarded-For set (unless empty).
func signInFrom(b *browser, forwardedFor, email, password string) response {
	b.a.t.Helper()
	if b.csrf == "" {
		b.get("/login")
	}
	v := url.Values{"email": {email}, "password": {password}, "_csrf": {b.csrf}}
	req, _ := http.NewRequest(http.MethodPost, b.a.srv.URL+"/login", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	return b.do(req)
}

// Without trusted proxies, X-Forwarded-For is ignored: a client cannot
// escape throttling by sending a new address each time.
func TestSignInThrottlingIgnoresForwardedForByDefault(t *testing.T) {
	a, _ := newThrottleApp(t)
	u := storetest.User(t, a.store, models.RoleEditor)
	b := a.anonymous()
	got, notice := 0, ""
	for i := range 14 {
		res := signInFrom(b, "203.0.113."+itoa(int64(i+1)), u.Email, "wrong password!")
		if res.StatusCode == http.StatusTooManyRequests {
			got, notice = i+1, noticeText(res.Body)
			break
		}
	}
	// Paused for this client (not merely slowed for the e-mail, as when
	// the failures come from many clients).
	if got != store.PairLimit+1 || !strings.Contains(notice, "Sign-in paused on this device") {
		t.Fatalf("first 429 at attempt %d (%q), want %d, paused on this device", got, notice, store.PairLimit+1)
	}
}

// Behind a trusted proxy each client is counted apart; from any other
// peer the header is still ignored.
func TestSignInThrottlingTrustsOnlyListedProxies(t *testing.T) {
	a, ck := newThrottleApp(t, "127.0.0.0/8")
	u := storetest.User(t, a.store, models.RoleEditor)
	attacker := a.anonymous()
	for range store.PairLimit {
		if res := signInFrom(attacker, "198.51.100.9", u.Email, "wrong password!"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure: %d", res.StatusCode)
		}
	}
	res := signInFrom(attacker, "198.51.100.9", u.Email, storetest.Password)
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(res.Body, "Sign-in paused on this device") || res.Header.Get("Retry-After") == "" {
		t.Fatalf("locked client: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	// A spoofed header added in front of the proxy's does not help the attacker.
	if res := signInFrom(attacker, "10.9.9.9, 198.51.100.9", u.Email, storetest.Password); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("spoofed left-most address: %d, want 429", res.StatusCode)
	}
	ck.add(store.AccountDelay(store.PairLimit))
	owner := a.anonymous()
	if res := signInFrom(owner, "192.0.2.44", u.Email, storetest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the owner from another client: %d, want 303", res.StatusCode)
	}
}

// Failures from many clients slow the account, never lock its owner out:
// after twenty failures spread over twenty addresses, the owner waits at
// most AccountMaxDelay. The page says why, in the same words whether or
// not the e-mail has an account.
func TestSignInSlowsAnAccountWithoutLockingItsOwnerOut(t *testing.T) {
	a, ck := newThrottleApp(t, "127.0.0.0/8")
	admin := storetest.User(t, a.store, models.RoleAdmin)
	run := func(email string) (statuses []int, notice string) {
		b := a.anonymous()
		for i := range 20 {
			res := signInFrom(b, "203.0.113."+itoa(int64(i+1)), email, "wrong password!")
			statuses = append(statuses, res.StatusCode)
			if res.StatusCode == http.StatusTooManyRequests {
				notice = noticeText(res.Body)
				ck.add(time.Duration(atoiHeader(t, res.Header.Get("Retry-After"))) * time.Second)
			}
		}
		return statuses, notice
	}
	realStatuses, realNotice := run(admin.Email)
	if !strings.Contains(realNotice, "Sign-in slowed for this e-mail") {
		t.Fatalf("notice: %q", realNotice)
	}
	ghostStatuses, ghostNotice := run("nobody-" + admin.Email)
	if strings.Join(strings.Fields(strings.ReplaceAll(realNotice, admin.Email, "")), " ") != strings.Join(strings.Fields(ghostNotice), " ") {
		t.Errorf("notice differs for an e-mail with no account:\n%q\n%q", realNotice, ghostNotice)
	}
	if len(realStatuses) != len(ghostStatuses) {
		t.Fatalf("statuses %v vs %v", realStatuses, ghostStatuses)
	}
	for i := range realStatuses {
		if realStatuses[i] != ghostStatuses[i] {
			t.Fatalf("an e-mail with no account is throttled differently: %v vs %v", realStatuses, ghostStatuses)
		}
	}
	owner := a.anonymous()
	res := signInFrom(owner, "192.0.2.1", admin.Email, storetest.Password)
	if res.StatusCode == http.StatusTooManyRequests {
		wait := time.Duration(atoiHeader(t, res.Header.Get("Retry-After"))) * time.Second
		if wait > store.AccountMaxDelay {
			t.Fatalf("owner asked to wait %s, more than %s", wait, store.AccountMaxDelay)
		}
		ck.add(wait)
		res = signInFrom(owner, "192.0.2.1", admin.Email, storetest.Password)
	}
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("owner after the wait: %d, want 303", res.StatusCode)
	}
}

// The wrong-password message warns before the device is paused.
func TestSignInWarnsBeforePausing(t *testing.T) {
	a, _ := newThrottleApp(t)
	storetest.User(t, a.store, models.RoleAdmin)
	b := a.anonymous()
	var last string
	for range store.PairLimit - 1 {
		last = signInFrom(b, "", "someone@example.org", "wrong password!").Body
	}
	if !strings.Contains(last, "1 more failed attempt and sign-in for this e-mail will be paused on this device") {
		t.Fatalf("no warning on the last attempt before the pause:\n%s", alertText(last))
	}
}

func noticeText(body string) string {
	i := strings.Index(body, `data-testid="signin-notice"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</div>")
	return stripTags(body[i : i+j])
}

func alertText(body string) string {
	i := strings.Index(body, `class="alert`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</div>")
	return stripTags(body[i : i+j])
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func atoiHeader(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			t.Fatalf("Retry-After %q is not a number of seconds", s)
		}
		n = n*10 + int(r-'0')
	}
	return n
}

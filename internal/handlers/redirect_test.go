package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// After sign-in the browser goes back only to a page of this site.
func TestSignInRedirectsOnlyToThisSite(t *testing.T) {
	a := newApp(t)
	u := storetest.User(t, a.store, models.RoleEditor)
	for next, want := range map[string]string{
		"/\t/evil.example/": "/articles",
		"/%2F/evil.example": "/articles",
		"/\\evil.example":   "/articles",
		"/claims/7":         "/claims/7",
	} {
		b := a.anonymous()
		if res := b.get("/login?next=" + url.QueryEscape(next)); res.StatusCode != http.StatusOK {
			t.Fatalf("login form: %d", res.StatusCode)
		}
		res := b.postForm("/login", url.Values{"email": {u.Email}, "password": {storetest.Password}, "next": {next}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
			t.Errorf("next=%q: %d to %q; want %q", next, res.StatusCode, res.Header.Get("Location"), want)
		}
	}
}

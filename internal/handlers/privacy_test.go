package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// A page that shows a secret or private data is never stored by a cache.
func TestSignedInPagesAreNotStored(t *testing.T) {
	a := newApp(t)
	b := a.signIn(models.RoleAdmin)
	art := storetest.Article(t, a.store, b.user, "Helsinki", rvHelsinki)
	res := b.postForm("/account/tokens", url.Values{"label": {"CMS"}})
	if res.StatusCode != http.StatusCreated || regexpToken.FindStringSubmatch(res.Body) == nil {
		t.Fatalf("new token: %d", res.StatusCode)
	}
	if got := res.Header.Get("Cache-Control"); got != "private, no-store" {
		t.Errorf("new-token page: Cache-Control %q, want private, no-store", got)
	}
	for _, path := range []string{"/account", "/articles", "/articles/" + itoa(art.ID), "/admin/users", "/admin/settings", "/no/such/page"} {
		if got := b.get(path).Header.Get("Cache-Control"); got != "private, no-store" {
			t.Errorf("GET %s: Cache-Control %q, want private, no-store", path, got)
		}
	}
}

// The settings page publishes the history head.
func TestSettingsPageShowsTheHistoryHead(t *testing.T) {
	a := newApp(t)
	b := a.signIn(models.RoleAdmin)
	storetest.Article(t, a.store, b.user, "Helsinki", rvHelsinki)
	head, ok, err := a.store.HistoryHead(context.Background())
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if res := b.get("/admin/settings"); !strings.Contains(res.Body, head.String()) {
		t.Fatalf("settings page lacks the head %s", head)
	}
}

package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// An unchanged reading page answers 304 to If-None-Match; a new claim
// changes its tag.
func TestUnchangedReadingPageAnswers304(t *testing.T) {
	a := newApp(t)
	b := a.signIn(models.RoleEditor)
	art := storetest.Article(t, a.store, b.user, "Budget", "The minister said the budget grew by nine per cent last year.")
	page := "/articles/" + itoa(art.ID)
	first := b.get(page)
	etag := first.Header.Get("ETag")
	if first.StatusCode != http.StatusOK || etag == "" {
		t.Fatalf("reading page: %d, ETag %q", first.StatusCode, etag)
	}
	conditional := func() response {
		req, _ := http.NewRequest(http.MethodGet, a.srv.URL+page, nil)
		req.Header.Set("If-None-Match", etag)
		return b.do(req)
	}
	if res := conditional(); res.StatusCode != http.StatusNotModified || res.Body != "" {
		t.Fatalf("unchanged page with If-None-Match: %d, %d bytes; want 304 and no body", res.StatusCode, len(res.Body))
	}
	if _, err := a.store.CreateClaim(t.Context(), store.ActorOf(b.user), store.NewClaim{ArticleID: art.ID, Revision: art.Revision, Start: 4, End: 12, Quote: "minister"}); err != nil {
		t.Fatal(err)
	}
	res := conditional()
	if res.StatusCode != http.StatusOK || res.Header.Get("ETag") == etag || !strings.Contains(res.Body, "minister") {
		t.Errorf("after a new claim: %d, ETag %q (was %q); want 200 with a new tag", res.StatusCode, res.Header.Get("ETag"), etag)
	}
}

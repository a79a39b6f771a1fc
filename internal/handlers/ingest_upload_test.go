package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

var uploadTokenField = regexp.MustCompile(`name="upload_token" value="([^"]+)"`)

// TestUploadHeldAfterFailedForm: a form with a good file that fails on
// another field comes back with the file held under a token; the token
// brings the file back for the same user only, and is released once the
// article is made.
func TestUploadHeldAfterFailedForm(t *testing.T) {
	a := newApp(t)
	ed := a.signIn(models.RoleEditor)
	content := []byte("Council closes library on Sundays\n\n" + wrappedRelease)
	res := ed.postFile("/articles", url.Values{"published_at": {"last week"}}, "file", "library.txt", content)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "library.txt") {
		t.Fatalf("failed form: %d, want 422 naming the kept file", res.StatusCode)
	}
	if strings.Contains(res.Body, "Enter a title") {
		t.Errorf("the form asks for a title the file gives")
	}
	m := uploadTokenField.FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatalf("no upload_token in the form")
	}
	token := m[1]
	if n := countArticles(t, a); n != 0 {
		t.Fatalf("%d articles saved by a failed form", n)
	}

	// Another editor cannot use the token.
	other := a.signIn(models.RoleEditor)
	res = other.postForm("/articles", url.Values{"upload_token": {token}})
	if res.StatusCode != http.StatusUnprocessableEntity || countArticles(t, a) != 0 {
		t.Fatalf("another user's token: %d", res.StatusCode)
	}

	// Dropping the file: the form has nothing.
	res = ed.postForm("/articles", url.Values{"upload_token": {token}, "drop_upload": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || countArticles(t, a) != 0 {
		t.Fatalf("dropped upload: %d", res.StatusCode)
	}

	// The same user, with the date fixed and no file chosen again.
	res = ed.postForm("/articles", url.Values{"upload_token": {token}, "published_at": {"2024-05-07"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("resubmitted form: %d %s", res.StatusCode, res.Body)
	}
	arts, err := a.store.Articles(context.Background(), store.ArticleQuery{Page: 1, PerPage: 10})
	if err != nil || len(arts.Items) != 1 || arts.Items[0].Title != "Council closes library on Sundays" {
		t.Fatalf("article made from the held file: %+v %v", arts.Items, err)
	}
	if _, _, ok, _ := a.store.HeldUpload(context.Background(), 0, token); ok {
		t.Errorf("token still held after use")
	}
	// A refused file is not held: the file itself is the problem.
	res = ed.postFile("/articles", url.Values{}, "file", "photo.txt", []byte("\x89PNG\r\n\x1a\n\x00\x00"))
	if res.StatusCode != http.StatusUnprocessableEntity || uploadTokenField.MatchString(res.Body) {
		t.Errorf("refused file: %d, held %v", res.StatusCode, uploadTokenField.MatchString(res.Body))
	}
}

func countArticles(t *testing.T, a *app) int {
	t.Helper()
	p, err := a.store.Articles(context.Background(), store.ArticleQuery{Page: 1, PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	return len(p.Items)
}

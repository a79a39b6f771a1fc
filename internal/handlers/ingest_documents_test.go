package handlers_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/ingest/ingesttest"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

// TestUploadPDFAndWordPressReleases: a PDF and a DOCX press release (made
// by the test) become articles titled from their metadata, in paragraphs,
// without page furniture.
func TestUploadPDFAndWordPressReleases(t *testing.T) {
	a := newApp(t)
	ed := a.signIn(models.RoleEditor)
	for _, f := range []struct {
		name    string
		content []byte
		title   string
	}{
		{"release.pdf", ingesttest.PressReleasePDF(t, 3, "Library to close on Sundays"), "Library to close on Sundays"},
		{"release.docx", ingesttest.PressReleaseDOCX(t, "Riverside: library to close"), "Riverside: library to close"},
		{"release.odt", ingesttest.PressReleaseODT(t, ""), "Library to close on Sundays"},
	} {
		res := ed.postFile("/articles", url.Values{}, "file", f.name, f.content)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", f.name, res.StatusCode, res.Body)
		}
		art := latestArticle(t, a)
		if art.Title != f.title {
			t.Errorf("%s: title %q, want %q", f.name, art.Title, f.title)
		}
		if strings.Contains(art.Text, "Page 1 of") || strings.Contains(art.Text, "Press release\n") || !strings.Contains(art.Text, "\n\n") {
			t.Errorf("%s: text %q", f.name, art.Text[:min(300, len(art.Text))])
		}
	}
}

// TestUploadBadDocumentsSaveNothing: each bad file gets a 4xx and a message
// in the form, and no article.
func TestUploadBadDocumentsSaveNothing(t *testing.T) {
	a := newApp(t)
	ed := a.signIn(models.RoleEditor)
	good := ingesttest.PressReleasePDF(t, 2, "Library")
	tests := []struct {
		name, file string
		content    []byte
		status     int
		fragment   string
	}{
		{"truncated PDF", "r.pdf", good[:len(good)/2], 422, "damaged or incomplete"},
		{"a PDF header only, named .txt", "scan.txt", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), 422, "PDF"},
		{"lying extension", "photo.pdf", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 422, "an image (png)"},
		{"NUL characters", "notes.txt", []byte("Council\x00minutes\x00\x01"), 422, "binary"},
		{"over 5 MB", "big.txt", bytes.Repeat([]byte("word "), (5<<20)/5+1), 413, "larger than 5 MB"},
		{"empty document", "empty.docx", ingesttest.Zip(t, "word/document.xml", `<w:document `+ingesttest.WordNS+`><w:body/></w:document>`), 422, "no text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ed.postFile("/articles", url.Values{"title": {"Kept title"}}, "file", tt.file, tt.content)
			if res.StatusCode != tt.status || !strings.Contains(res.Body, tt.fragment) || !strings.Contains(res.Body, "Kept title") {
				t.Errorf("%d (want %d), body has %q: %v", res.StatusCode, tt.status, tt.fragment, strings.Contains(res.Body, tt.fragment))
			}
		})
	}
	if n := countArticles(t, a); n != 0 {
		t.Errorf("%d articles saved from bad files", n)
	}
}

func latestArticle(t *testing.T, a *app) models.Article {
	t.Helper()
	p, err := a.store.Articles(context.Background(), store.ArticleQuery{Page: 1, PerPage: 1})
	if err != nil || len(p.Items) == 0 {
		t.Fatalf("no article: %v", err)
	}
	art, err := a.store.Article(context.Background(), p.Items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return art
}

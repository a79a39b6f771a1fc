package ingest

import (
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/ingest/ingesttest"
)

func TestFromUploadPDFPressRelease(t *testing.T) {
	b := ingesttest.PressReleasePDF(t, 3, "Library to close on Sundays")
	d, err := FromUpload("release.pdf", b)
	if err != nil {
		t.Fatalf("FromUpload: %v", err)
	}
	if d.Title != "Library to close on Sundays" {
		t.Errorf("Title = %q, want the metadata title", d.Title)
	}
	for _, furniture := range []string{"Page 1 of 3", "Page 2", "Riverside Council - Press release"} {
		if strings.Contains(d.Text, furniture) {
			t.Errorf("Text keeps page furniture %q", furniture)
		}
	}
	paras := strings.Split(d.Text, "\n\n")
	want := 1 + 3*5 // the title, then per page a heading and four paragraphs
	if len(paras) != want {
		t.Errorf("%d paragraphs, want %d:\n%s", len(paras), want, strings.Join(paras, "\n--\n"))
	}
	if !strings.Contains(d.Text, "Section 2: what the council decided\n\nParagraph 2.0. ") {
		t.Errorf("heading and paragraph not kept apart:\n%s", d.Text)
	}
	if strings.Contains(d.Text, "\n") && strings.Count(d.Text, "\n") != 2*(want-1) {
		t.Errorf("line breaks left inside paragraphs:\n%s", d.Text)
	}
	if !strings.Contains(d.Text, "its well-known charter of 2019") {
		t.Errorf("text lost: %s", d.Text)
	}
}

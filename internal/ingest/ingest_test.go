package ingest

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
)

// wantInvalid fails t unless err is a models.ValidationError with a message
// for field that contains each of the fragments.
func wantInvalid(t *testing.T, err error, field string, fragments ...string) {
	t.Helper()
	var ve models.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v (%T), want a models.ValidationError on %q", err, err, field)
	}
	msg, ok := ve[field]
	if !ok {
		t.Fatalf("err = %v, want a message for field %q", ve, field)
	}
	for _, f := range fragments {
		if !strings.Contains(msg, f) {
			t.Errorf("message for %q = %q, want it to mention %q", field, msg, f)
		}
	}
}

func TestFromText(t *testing.T) {
	in := "\uFEFFHeadline\r\n\r\n\r\nFirst  paragraph,\r\nsecond line.\r\n\r\n\tSecond paragraph.\u00A0\r\n"
	got, err := FromText([]byte(in))
	if err != nil {
		t.Fatalf("FromText: %v", err)
	}
	want := Doc{Text: "Headline\n\nFirst paragraph,\nsecond line.\n\nSecond paragraph."}
	if got != want {
		t.Errorf("FromText(%q) = %+v, want %+v", in, got, want)
	}
}

func TestFromTextRefuses(t *testing.T) {
	tests := []struct {
		name      string
		in        []byte
		fragments []string
	}{
		{"empty", []byte(""), []string{"no text"}},
		{"whitespace only", []byte(" \n\t\r\n\u00A0\u200B\n "), []string{"no text"}},
		{"larger than the upload limit", bytes.Repeat([]byte("a"), models.MaxUploadBytes+1), []string{"larger than 5 MB"}},
		{"canonical text over the article limit", bytes.Repeat([]byte("word "), models.MaxArticleBytes/5+1), []string{"longer than 2 MB"}},
		{"NUL bytes", []byte("PK\x03\x04\x00\x00binary"), []string{"binary"}},
		{"mostly control characters", []byte("\x01\x02\x03\x04\x05\x06\x07\x08ab"), []string{"binary"}},
		{"Latin-1", []byte("caf\xe9 cr\xe8me br\xfbl\xe9e"), []string{"not in UTF-8"}},
		{"UTF-16 with BOM", []byte("\xff\xfeH\x00i\x00"), []string{"UTF-16"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromText(tt.in)
			wantInvalid(t, err, "text", tt.fragments...)
		})
	}
}

func TestFromTextAcceptsAtLimits(t *testing.T) {
	// Exactly the upload limit is accepted when it tidies to no more than
	// the article limit, and a few stray control characters are removed
	// rather than refused.
	tests := []struct {
		name string
		in   []byte
		want int // length of Text in bytes
	}{
		{"exactly the article limit", bytes.Repeat([]byte("a"), models.MaxArticleBytes), models.MaxArticleBytes},
		{"upload limit of spaces around text", append(bytes.Repeat([]byte(" "), models.MaxUploadBytes-1), 'x'), 1},
		{"stray control characters", []byte("a\x07b\x1bc and more ordinary text"), len("abc and more ordinary text")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromText(tt.in)
			if err != nil {
				t.Fatalf("FromText: %v", err)
			}
			if len(got.Text) != tt.want {
				t.Errorf("len(Text) = %d, want %d", len(got.Text), tt.want)
			}
		})
	}
}

func TestFromUpload(t *testing.T) {
	tests := []struct {
		name, filename, in string
		want               Doc
	}{
		{"txt", "notes.txt", "Line one\n\nLine *two*", Doc{Title: "Line one", Text: "Line one\n\nLine *two*"}},
		{"TXT upper case", "NOTES.TXT", "x", Doc{Title: "x", Text: "x"}},
		{"md", "story.md", "# Title\n\nSome *text*.", Doc{Title: "Title", Text: "Title\n\nSome text."}},
		{"markdown", "story.Markdown", "Body **bold**", Doc{Title: "Body bold", Text: "Body bold"}},
		{"html", "page.html", "<p>One</p><p>Two</p>", Doc{Title: "One", Text: "One\n\nTwo", HTML: "<p>One</p><p>Two</p>"}},
		{"htm", "page.HTM", "<p>One</p>", Doc{Title: "One", Text: "One", HTML: "<p>One</p>"}},
		{"html title element", "page.html", "<title>Council closes library</title><p>One</p>", Doc{Title: "Council closes library", Text: "One", HTML: "<p>One</p>"}},
		{"md first heading of any level", "story.md", "## Kicker\n\nBody.", Doc{Title: "Kicker", Text: "Kicker\n\nBody."}},
		{"first line is a sentence: the file name", "press_release-2024.txt", "The council voted on Tuesday.\n\nMore.", Doc{Title: "press release-2024", Text: "The council voted on Tuesday.\n\nMore."}},
		{"first paragraph too long: the file name", "C:\\Users\\ana\\wire copy.txt", strings.Repeat("word ", 40), Doc{Title: "wire copy", Text: strings.TrimSpace(strings.Repeat("word ", 40))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromUpload(tt.filename, []byte(tt.in))
			if err != nil {
				t.Fatalf("FromUpload(%q): %v", tt.filename, err)
			}
			if got != tt.want {
				t.Errorf("FromUpload(%q, %q) = %+v, want %+v", tt.filename, tt.in, got, tt.want)
			}
		})
	}
}

func TestFromUploadRefuses(t *testing.T) {
	tests := []struct {
		name, filename string
		in             []byte
		fragments      []string
	}{
		{"pdf with nothing after its header", "report.pdf", []byte("%PDF-1.7"), []string{"damaged or incomplete"}},
		{"docx", "story.docx", []byte("PK"), []string{".txt"}},
		{"no extension", "README", []byte("text"), []string{".txt"}},
		{"empty name", "", []byte("text"), []string{".txt"}},
		{"PNG named .txt", "photo.txt", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), []string{"an image (png)"}},
		{"binary txt", "data.txt", []byte("\x00\x01\x02\x03 some bytes"), []string{"binary"}},
		{"Latin-1 txt", "latin1.txt", []byte("Caf\xe9 de la Paix"), []string{"UTF-8"}},
		{"empty md", "empty.md", []byte("\n\n   \n"), []string{"no text"}},
		{"too large html", "big.html", bytes.Repeat([]byte("<p>a</p>"), models.MaxUploadBytes/8+1), []string{"5 MB"}},
		{"html with only a script", "x.html", []byte("<script>alert(1)</script>"), []string{"no readable text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromUpload(tt.filename, tt.in)
			wantInvalid(t, err, "file", tt.fragments...)
		})
	}
}

func TestHumanBytes(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{models.MaxUploadBytes, "5 MB"},
		{models.MaxArticleBytes, "2 MB"},
		{3 << 19, "1.5 MB"},
		{64 << 10, "64 KB"},
		{100, "100 bytes"},
	}
	for _, tt := range tests {
		if got := humanBytes(tt.in); got != tt.want {
			t.Errorf("humanBytes(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

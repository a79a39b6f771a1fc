// Package ingest turns what a person brings to Claimdesk (a paste, an
// uploaded file, a web page) into a Doc: metadata plus the canonical plain
// text that claims anchor to (see Canonical) and, for HTML, the sanitised
// original markup.
//
// Bad input is refused with a models.ValidationError whose key names the
// form field ("text", "html", "file" or "url") and whose message can be
// shown to the user as it is.
package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Doc is what an input yields.
type Doc struct {
	Title, Byline, Outlet, Language string
	PublishedAt                     *time.Time // a date at midnight UTC; time of day is not kept
	Text                            string     // canonical, see Canonical
	HTML                            string     // sanitised original HTML ("" for plain text and Markdown input)
}

// source says where input came from, so that refusals name the right form
// field and read naturally.
type source struct {
	field string // key in models.ValidationError
	the   string // "The text", "The file", …: subject of messages
}

var (
	fromPaste = source{field: "text", the: "The text"}
	fromHTML  = source{field: "html", the: "The HTML"}
	fromFile  = source{field: "file", the: "The file"}
	fromURL   = source{field: "url", the: "The page"}
)

func (s source) invalid(format string, args ...any) models.ValidationError {
	return models.Invalid(s.field, format, args...)
}

// FromText reads plain text, as pasted or uploaded. It refuses input over
// models.MaxUploadBytes, binary data, text that is not UTF-8, text that is
// empty once canonicalised and canonical text over models.MaxArticleBytes.
func FromText(b []byte) (Doc, error) {
	if err := checkSize(b, fromPaste); err != nil {
		return Doc{}, err
	}
	return textDoc(b, fromPaste)
}

// FromUpload reads an uploaded file. What it is, is sniffed from its
// content, not taken from its name: a PDF (%PDF- in its first kilobyte), a
// Word .docx or OpenDocument .odt (a ZIP archive holding
// word/document.xml, or an OpenDocument text mimetype), or else text, read
// by its extension as plain text (.txt), Markdown (.md, .markdown) or HTML
// (.html, .htm). Other binary files, and text with any other extension,
// are refused. Any refusal is reported on the "file" field.
func FromUpload(filename string, b []byte) (Doc, error) {
	if err := checkSize(b, fromFile); err != nil {
		return Doc{}, err
	}
	var from func([]byte, source) (Doc, error)
	ext := strings.ToLower(filepath.Ext(filename))
	switch sniffed, advice := sniff(b); {
	case sniffed == "pdf":
		from = pdfDoc
	case sniffed == "zip":
		zr, kind, err := sniffZip(b)
		switch {
		case errors.Is(err, errZipBomb):
			return Doc{}, officeError(err, fromFile)
		case err != nil && (ext == ".docx" || ext == ".odt"):
			return Doc{}, officeError(err, fromFile)
		case err != nil || kind == notOffice:
			return Doc{}, fromFile.invalid("The file is a ZIP archive, not a Word (.docx) or OpenDocument (.odt) text document. Upload the document itself.")
		}
		from = func(_ []byte, src source) (Doc, error) { return officeDoc(zr, kind, src) }
	case sniffed != "":
		hint := uploadKinds
		if advice != "" {
			hint = advice
		}
		return Doc{}, fromFile.invalid("The file is %s, not a document Claimdesk can read. %s", sniffed, hint)
	case ext == ".pdf" || ext == ".docx" || ext == ".odt":
		if looksBinary(b) || len(bytes.TrimSpace(b)) == 0 {
			return Doc{}, fromFile.invalid("The file is named %s but is not one: its content is damaged or of another kind. %s", ext, uploadKinds)
		}
		return Doc{}, fromFile.invalid("The file is named %s but holds plain text. Rename it .txt, or paste the text.", ext)
	case ext == ".txt":
		from = textDoc
	case ext == ".md" || ext == ".markdown":
		from = markdownDoc
	case ext == ".html" || ext == ".htm":
		from = func(b []byte, src source) (Doc, error) { return htmlDoc(b, "", nil, src) }
	default:
		return Doc{}, fromFile.invalid("%s", uploadKinds)
	}
	d, err := from(b, fromFile)
	if err != nil {
		return Doc{}, err
	}
	if d.Title == "" {
		d.Title = firstShortLine(d.Text)
	}
	if d.Title == "" {
		d.Title = titleFromFileName(filename)
	}
	return d, nil
}

// A short first line is a title: one line on its own, at most
// maxTitleLineRunes long and not ending like a sentence part.
const maxTitleLineRunes = 150

// firstShortLine returns the text's first paragraph when it is one short
// line that reads as a headline, or "".
func firstShortLine(text string) string {
	first, _, _ := strings.Cut(text, "\n")
	if first == "" || utf8.RuneCountInString(first) > maxTitleLineRunes || len(strings.Fields(first)) > 25 {
		return ""
	}
	if strings.ContainsAny(first[len(first)-1:], ".,;:") && !strings.HasSuffix(first, "...") {
		return ""
	}
	return first
}

// titleFromFileName makes a title of a file name: without its directory
// and extension, with underscores and runs of spaces as single spaces
// ("press_release-2024.docx" gives "press release-2024").
func titleFromFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.TrimSuffix(name, filepath.Ext(name))
	name = oneLine(strings.ReplaceAll(name, "_", " "))
	if name == "." || name == "/" {
		return ""
	}
	return clip(name, models.MaxTitleRunes)
}

func textDoc(b []byte, src source) (Doc, error) {
	s, err := decodeText(b, src)
	if err != nil {
		return Doc{}, err
	}
	return finish(Doc{}, Unwrap(s), src)
}

const uploadKinds = "Upload a PDF (.pdf), Word (.docx), OpenDocument (.odt), text (.txt), Markdown (.md) or web page (.html or .htm) file."

// sniff names what b is by its first bytes: "pdf", "zip", a description
// of another binary kind ("an image (png)", …) with advice for some, or ""
// for anything else (text, or something read by extension).
func sniff(b []byte) (kind, advice string) {
	head := b[:min(len(b), 1024)]
	switch {
	case bytes.Contains(head, []byte("%PDF-")):
		return "pdf", ""
	case bytes.HasPrefix(b, []byte("PK\x03\x04")), bytes.HasPrefix(b, []byte("PK\x05\x06")):
		return "zip", ""
	case bytes.HasPrefix(b, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return "an old Word (.doc) or other Office 97–2003 file", "Save it as .docx or .odt in your word processor and upload that."
	case bytes.HasPrefix(b, []byte("{\\rtf")):
		return "a Rich Text (.rtf) file", "Save it as .docx or .odt in your word processor and upload that."
	}
	switch ct := http.DetectContentType(b); {
	case strings.HasPrefix(ct, "image/"):
		return "an image (" + strings.TrimPrefix(ct, "image/") + ")", "If it is a scan, run it through OCR (text recognition) first, or paste its text."
	case strings.HasPrefix(ct, "audio/"), strings.HasPrefix(ct, "video/"):
		return "a sound or video file", ""
	case ct == "application/x-gzip", ct == "application/x-rar-compressed", ct == "application/x-7z-compressed":
		return "a compressed archive", ""
	}
	return "", ""
}

// decodeText checks raw bytes that must be UTF-8 text and returns them as a
// string (without a leading byte-order mark). Callers check the size.
func decodeText(b []byte, src source) (string, error) {
	if bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
		return "", src.invalid("%s is in UTF-16. Save it as UTF-8 and try again.", src.the)
	}
	if looksBinary(b) {
		return "", src.invalid("%s looks like binary data, not text. Use plain text, Markdown or HTML.", src.the)
	}
	if !utf8.Valid(b) {
		return "", src.invalid("%s is not in UTF-8 (it may be Latin-1 or Windows-1252). Save it as UTF-8 and try again.", src.the)
	}
	return strings.TrimPrefix(string(b), "\uFEFF"), nil
}

func checkSize(b []byte, src source) error {
	if len(b) > models.MaxUploadBytes {
		return src.invalid("%s is larger than %s, the most Claimdesk accepts. Split it into smaller parts.", src.the, humanBytes(models.MaxUploadBytes))
	}
	return nil
}

// looksBinary reports whether b holds a NUL byte or more than one control
// character in ten (tab, line feed, carriage return and form feed do not
// count). Stray control characters in otherwise normal text are accepted and
// removed by Canonical.
func looksBinary(b []byte) bool {
	if bytes.IndexByte(b, 0) >= 0 {
		return true
	}
	var n, controls int
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		n++
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' && r != '\f' {
			controls++
		}
	}
	return controls*10 > n
}

// finish canonicalises text into d and applies the limits on the result.
func finish(d Doc, text string, src source) (Doc, error) {
	d.Text = Canonical(text)
	if d.Text == "" {
		return Doc{}, src.invalid("%s has no text in it.", src.the)
	}
	if len(d.Text) > models.MaxArticleBytes {
		return Doc{}, src.invalid("%s is longer than %s once tidied, the most an article can hold. Split it into smaller parts.", src.the, humanBytes(models.MaxArticleBytes))
	}
	return d, nil
}

// humanBytes formats a byte count for messages: "5 MB", "1.5 MB", "64 KB", "100 bytes".
func humanBytes(v int64) string {
	switch {
	case v >= 1<<20:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(v)/(1<<20)), ".0") + " MB"
	case v >= 1<<10:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(v)/(1<<10)), ".0") + " KB"
	default:
		return fmt.Sprintf("%d bytes", v)
	}
}

// oneLine tidies a metadata value: canonical, on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(Canonical(s)), " ")
}

// clip shortens s to at most n runes.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:n]))
}

package ingest

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/claimdesk/claimdesk/internal/ingest/ingesttest"
)

const docxWant = "Library to close on Sundays\n\nThe council voted on Tuesday to close the library on Sundays.\n\nSaving: £40,000 a year\nVote: 7-2\n\nReactions\n\n“It was rushed through in eleven minutes,” a campaigner said."

func TestFromUploadWordAndOpenDocument(t *testing.T) {
	tests := []struct {
		name, file string
		in         []byte
		title      string
		text       string
	}{
		{"docx with a title property", "release.docx", ingesttest.PressReleaseDOCX(t, "Riverside: library to close"), "Riverside: library to close", docxWant},
		{"docx: the first heading", "release.docx", ingesttest.PressReleaseDOCX(t, ""), "Library to close on Sundays", docxWant},
		{"odt with a title property", "release.odt", ingesttest.PressReleaseODT(t, "Riverside: library to close"), "Riverside: library to close", docxWant},
		{"odt: the first heading", "release.odt", ingesttest.PressReleaseODT(t, ""), "Library to close on Sundays", docxWant},
		{"docx named .txt: the content decides", "release.txt", ingesttest.PressReleaseDOCX(t, "T"), "T", docxWant},
		{"odt named .docx", "release.docx", ingesttest.PressReleaseODT(t, "T"), "T", docxWant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := FromUpload(tt.file, tt.in)
			if err != nil {
				t.Fatalf("FromUpload: %v", err)
			}
			if d.Title != tt.title {
				t.Errorf("Title = %q, want %q", d.Title, tt.title)
			}
			if d.Text != tt.text {
				t.Errorf("Text =\n%q\nwant\n%q", d.Text, tt.text)
			}
		})
	}
}

// scanPDF is a PDF of pages that are only pictures: no text layer.
func scanPDF(t testing.TB) []byte {
	img := image.NewGray(image.Rect(0, 0, 200, 280))
	for x := 20; x < 180; x++ {
		for y := 20; y < 260; y += 12 {
			img.Set(x, y, color.Black)
		}
	}
	var pb bytes.Buffer
	if err := png.Encode(&pb, img); err != nil {
		t.Fatal(err)
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	pdf.RegisterImageOptionsReader("scan", fpdf.ImageOptions{ImageType: "PNG"}, &pb)
	pdf.ImageOptions("scan", 10, 10, 190, 270, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encryptedPDF(t testing.TB) []byte {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetProtection(fpdf.CnProtectPrint, "reader-secret", "owner-secret")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 12)
	pdf.Cell(0, 10, "Confidential minutes of the council meeting.")
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func manyPagesPDF(t testing.TB, n int) []byte {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetFont("Helvetica", "", 12)
	for i := 0; i < n; i++ {
		pdf.AddPage()
		pdf.Cell(0, 10, "x")
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// streamBombPDF is a one-page PDF whose content stream is a few hundred
// kilobytes deflated and 400 MB inflated.
func streamBombPDF(t testing.TB) []byte {
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	chunk := bytes.Repeat([]byte("BT /F1 12 Tf 72 712 Td (bomb) Tj ET\n"), 1<<14)
	for written := 0; written < 400<<20; written += len(chunk) {
		zw.Write(chunk)
	}
	zw.Close()
	var b bytes.Buffer
	offsets := []int{}
	obj := func(s string) {
		offsets = append(offsets, b.Len())
		b.WriteString(s)
	}
	b.WriteString("%PDF-1.4\n")
	obj("1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n")
	obj("2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n")
	obj("3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n")
	obj(fmt.Sprintf("4 0 obj << /Length %d /Filter /FlateDecode >> stream\n", z.Len()))
	b.Write(z.Bytes())
	b.WriteString("\nendstream endobj\n")
	obj("5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}

// TestFromUploadRefusesBadDocuments: every bad document gets a clear
// message on "file", quickly.
func TestFromUploadRefusesBadDocuments(t *testing.T) {
	good := ingesttest.PressReleasePDF(t, 2, "Library to close on Sundays")
	var docxBomb bytes.Buffer
	{
		zw := zip.NewWriter(&docxBomb)
		w, _ := zw.Create("word/document.xml")
		w.Write([]byte(`<w:document ` + ingesttest.WordNS + `><w:body><w:p><w:r><w:t>`))
		spaces := bytes.Repeat([]byte(" "), 1<<20)
		for i := 0; i < 200; i++ { // 200 MB of spaces, about 200 KB deflated
			w.Write(spaces)
		}
		w.Write([]byte(`</w:t></w:r></w:p></w:body></w:document>`))
		zw.Close()
	}
	tests := []struct {
		name, file string
		in         []byte
		fragments  []string
	}{
		{"corrupt PDF", "report.pdf", append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0x8f, 0x13, 0xfe, 0x00}, 500)...), []string{"damaged"}},
		{"truncated PDF", "report.pdf", good[:len(good)/3], []string{"damaged or incomplete"}},
		{"encrypted PDF", "minutes.pdf", encryptedPDF(t), []string{"password"}},
		{"scan without a text layer", "scan.pdf", scanPDF(t), []string{"no text layer", "OCR"}},
		{"too many pages", "bomb.pdf", manyPagesPDF(t, MaxPDFPages+1), []string{"more than 1000 pages"}},
		{"PDF stream bomb", "bomb.pdf", streamBombPDF(t), []string{"PDF"}},
		{"DOCX zip bomb", "bomb.docx", docxBomb.Bytes(), []string{"expands to more than 64 MB"}},
		{"damaged DOCX", "release.docx", ingesttest.PressReleaseDOCX(t, "T")[:200], []string{"damaged"}},
		{"DOCX without text", "empty.docx", ingesttest.Zip(t, "word/document.xml", `<w:document `+ingesttest.WordNS+`><w:body><w:p/></w:body></w:document>`), []string{"no text"}},
		{"ZIP that is no document", "photos.docx", ingesttest.Zip(t, "a.jpg", "x"), []string{"ZIP archive, not a Word"}},
		{"PNG named .pdf", "scan.pdf", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), []string{"an image (png)"}},
		{"old Word file", "minutes.doc", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"), []string{"old Word (.doc)", "Save it as .docx"}},
		{"text named .pdf", "notes.pdf", []byte("Just some notes, not a PDF."), []string{"named .pdf but holds plain text"}},
		{"NUL bytes named .docx", "x.docx", []byte("\x00\x01\x02abc"), []string{"named .docx but is not one"}},
		{"empty .pdf", "empty.pdf", []byte{}, []string{"named .pdf but is not one"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := FromUpload(tt.file, tt.in)
			wantInvalid(t, err, "file", tt.fragments...)
			d := time.Since(start)
			if d > 25*time.Second {
				t.Errorf("took %v", d)
			}
			t.Logf("%v: %v", d.Round(time.Millisecond), err)
		})
	}
}

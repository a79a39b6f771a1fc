// Package ingesttest makes documents for tests: PDF, Word and OpenDocument
// press releases shaped like real ones, written by the test itself.
package ingesttest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

// PressReleasePDF writes a PDF press release of the given pages as a word
// processor would: a title in the metadata, a running header and a
// "Page n of N" footer on every page, headings, and body text wrapped at
// the page width (fpdf's MultiCell), with one word hyphenated by hand at a
// line end.
func PressReleasePDF(t testing.TB, pages int, title string) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(title, true)
	pdf.SetAuthor("Press office", true)
	pdf.SetHeaderFunc(func() {
		pdf.SetFont("Helvetica", "", 9)
		pdf.CellFormat(0, 8, "Riverside Council - Press release", "", 1, "L", false, 0, "")
		pdf.Ln(2)
	})
	pdf.SetFooterFunc(func() {
		pdf.SetY(-15)
		pdf.SetFont("Helvetica", "", 9)
		pdf.CellFormat(0, 10, fmt.Sprintf("Page %d of {nb}", pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AliasNbPages("{nb}")
	for p := 1; p <= pages; p++ {
		pdf.AddPage()
		pdf.SetFont("Helvetica", "B", 16)
		if p == 1 {
			pdf.MultiCell(0, 8, title, "", "L", false)
			pdf.Ln(4)
		}
		pdf.SetFont("Helvetica", "B", 12)
		pdf.MultiCell(0, 7, fmt.Sprintf("Section %d: what the council decided", p), "", "L", false)
		pdf.Ln(2)
		pdf.SetFont("Helvetica", "", 11)
		for i := 0; i < 4; i++ {
			pdf.MultiCell(0, 5.5, fmt.Sprintf("Paragraph %d.%d. %s", p, i, Sentences[(p*4+i)%len(Sentences)]), "", "L", false)
			pdf.Ln(3)
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Sentences are the body text of the press releases.
var Sentences = []string{
	"The council voted on Tuesday to close the library on Sundays, saying the saving of 40,000 pounds a year outweighed the loss. Opponents said the figure was never published.",
	"Opponents said the vote was rushed through in eleven minutes, without the consultation the council had promised in its well-known charter of 2019, and that no library staff were asked.",
	"A spokesperson for the council said the decision would be reviewed in a year. Library staff were told of the change by e-mail an hour before the public announcement.",
	"Campaigners have collected more than 3,000 signatures. They plan to present the petition at the next full council meeting, on the first Thursday of next month.",
	"The mayor, who chaired the meeting, declined to answer questions afterwards. Her office later said she stood by the decision and by the figures the council had given.",
}

// Zip writes a ZIP archive of the named parts (deflated).
func Zip(t testing.TB, parts ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i+1 < len(parts); i += 2 {
		w, err := zw.Create(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(parts[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// WordNS is the WordprocessingML namespace declaration.
const WordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// PressReleaseDOCX is a Word press release as Word writes one: a title
// property, a localised heading style, a tab, a line break, a tracked
// deletion, a footnote reference and a no-break hyphen.
func PressReleaseDOCX(t testing.TB, title string) []byte {
	body := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document ` + WordNS + `><w:body>
<w:p><w:pPr><w:pStyle w:val="berschrift1"/></w:pPr><w:r><w:t>Library to close on Sundays</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">The council voted on Tuesday to close the library </w:t></w:r><w:del><w:r><w:delText>every day</w:delText></w:r></w:del><w:r><w:t>on Sundays.</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>
<w:p><w:r><w:t>Saving:</w:t><w:tab/><w:t>£40,000 a year</w:t><w:br/><w:t>Vote: 7</w:t><w:noBreakHyphen/><w:t>2</w:t></w:r></w:p>
<w:p/>
<w:p><w:pPr><w:pStyle w:val="berschrift2"/></w:pPr><w:r><w:t>Reactions</w:t></w:r></w:p>
<w:p><w:r><w:t>“It was rushed through in eleven minutes,” a campaigner said.</w:t></w:r></w:p>
</w:body></w:document>`
	styles := `<w:styles ` + WordNS + `><w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="berschrift2"><w:name w:val="heading 2"/></w:style></w:styles>`
	core := `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>` + title + `</dc:title></cp:coreProperties>`
	return Zip(t, "[Content_Types].xml", `<Types/>`, "word/document.xml", body, "word/styles.xml", styles, "docProps/core.xml", core)
}

// PressReleaseODT is the same press release as an OpenDocument text.
func PressReleaseODT(t testing.TB, title string) []byte {
	content := `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">
<office:body><office:text><text:sequence-decls><text:sequence-decl text:name="Table"/></text:sequence-decls>
<text:h text:outline-level="1">Library to close on Sundays</text:h>
<text:p>The council voted on Tuesday to close the library<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>Minutes, item 4.</text:p></text:note-body></text:note> on Sundays.</text:p>
<text:p>Saving:<text:tab/>£40,000 a year<text:line-break/>Vote:<text:s text:c="3"/>7-2</text:p>
<text:list><text:list-item><text:p>Reactions</text:p></text:list-item></text:list>
<text:p><office:annotation><text:p>check this</text:p></office:annotation>“It was rushed through in eleven minutes,” a campaigner said.</text:p>
</office:text></office:body></office:document-content>`
	meta := `<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta><dc:title>` + title + `</dc:title></office:meta></office:document-meta>`
	return Zip(t, "mimetype", "application/vnd.oasis.opendocument.text", "content.xml", content, "meta.xml", meta)
}

package ingest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Limits on Word (.docx) and OpenDocument (.odt) files, which are ZIP
// archives, against zip bombs. They are documented in docs/text.md.
const (
	maxZipEntries  = 5000     // entries in the archive
	maxPartBytes   = 32 << 20 // one XML part, decompressed
	maxZipExpanded = 64 << 20 // all parts read, decompressed
)

var errZipBomb = errors.New("expands too much")

// officeKind says what a ZIP archive holds.
type officeKind int

const (
	notOffice officeKind = iota
	docxFile
	odtFile
)

// sniffZip opens b as a ZIP archive and says whether it is a Word or
// OpenDocument text document.
func sniffZip(b []byte) (*zip.Reader, officeKind, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, notOffice, err
	}
	if len(zr.File) > maxZipEntries {
		return zr, notOffice, errZipBomb
	}
	kind := notOffice
	for _, f := range zr.File {
		switch f.Name {
		case "word/document.xml":
			kind = docxFile
		case "mimetype":
			if m, err := readPart(f, new(int64)); err == nil && strings.TrimSpace(string(m)) == "application/vnd.oasis.opendocument.text" {
				kind = odtFile
			}
		}
	}
	return zr, kind, nil
}

// readPart decompresses one entry, at most maxPartBytes of it and at most
// what is left of maxZipExpanded (counted in *expanded); the sizes the
// archive declares are not trusted.
func readPart(f *zip.File, expanded *int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	limit := min(int64(maxPartBytes), maxZipExpanded-*expanded)
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	*expanded += int64(len(b))
	if int64(len(b)) > limit {
		return nil, errZipBomb
	}
	return b, err
}

func zipPart(zr *zip.Reader, name string, expanded *int64) ([]byte, bool, error) {
	for _, f := range zr.File {
		if f.Name == name {
			b, err := readPart(f, expanded)
			return b, true, err
		}
	}
	return nil, false, nil
}

// officeDoc reads a .docx or .odt: its paragraphs and headings become
// paragraphs; headers, footers, footnotes, comments and deleted (tracked)
// text are left out. The title is the document's title property, or else
// its first heading (or paragraph styled as a title).
func officeDoc(zr *zip.Reader, kind officeKind, src source) (Doc, error) {
	var expanded int64
	body, meta := "word/document.xml", "docProps/core.xml"
	if kind == odtFile {
		body, meta = "content.xml", "meta.xml"
	}
	content, ok, err := zipPart(zr, body, &expanded)
	if err == nil && !ok {
		err = errors.New("no " + body)
	}
	if err != nil {
		return Doc{}, officeError(err, src)
	}
	var title string
	if m, ok, err := zipPart(zr, meta, &expanded); err == nil && ok {
		title = xmlTitle(m)
	}
	var styles map[string]string
	if kind == docxFile {
		if s, ok, err := zipPart(zr, "word/styles.xml", &expanded); err == nil && ok {
			styles = docxStyleNames(s)
		}
	}
	var paras []string
	var heading string
	if kind == docxFile {
		paras, heading, err = docxParagraphs(content, styles)
	} else {
		paras, heading, err = odtParagraphs(content)
	}
	if err != nil {
		return Doc{}, officeError(err, src)
	}
	if title == "" {
		title = heading
	}
	return finish(Doc{Title: clip(oneLine(title), models.MaxTitleRunes)}, strings.Join(paras, "\n\n"), src)
}

func officeError(err error, src source) error {
	if errors.Is(err, errZipBomb) {
		return src.invalid("%s expands to more than %s when unpacked, more than Claimdesk reads. It may be built to overload readers; save it again, or paste its text.", src.the, humanBytes(maxZipExpanded))
	}
	return src.invalid("%s is damaged or incomplete, so it could not be read as a Word or OpenDocument file. Save it again, or paste its text.", src.the)
}

// xmlTitle returns the dc:title of a docProps/core.xml or meta.xml.
func xmlTitle(b []byte) string {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "title" {
			var s string
			if d.DecodeElement(&s, &se) == nil {
				return strings.TrimSpace(s)
			}
			return ""
		}
	}
}

// docxStyleNames maps paragraph style ids to their names (ids can be
// localised, "berschrift1"; names are not: "heading 1").
func docxStyleNames(b []byte) map[string]string {
	names := map[string]string{}
	d := xml.NewDecoder(bytes.NewReader(b))
	id := ""
	for {
		tok, err := d.Token()
		if err != nil {
			return names
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch se.Name.Local {
			case "style":
				id = attrValue(se, "styleId")
			case "name":
				if id != "" {
					names[id] = strings.ToLower(attrValue(se, "val"))
				}
			}
		}
	}
}

func attrValue(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// isHeadingStyle reports whether a style (by id or name) is a heading or a
// title.
func isHeadingStyle(id, name string) bool {
	for _, s := range []string{strings.ToLower(id), name} {
		if strings.HasPrefix(s, "heading") || s == "title" {
			return true
		}
	}
	return false
}

// docxParagraphs walks word/document.xml: w:p are paragraphs, w:t text,
// w:tab a space, w:br and w:cr line breaks (page and column breaks none),
// w:noBreakHyphen a hyphen; w:del, w:instrText and w:footnoteReference
// are skipped.
func docxParagraphs(b []byte, styles map[string]string) (paras []string, heading string, err error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	var cur strings.Builder
	style, inText, skip := "", false, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return paras, heading, nil
		}
		if err != nil {
			return nil, "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 {
				skip++
				continue
			}
			switch t.Name.Local {
			case "del", "instrText", "delText", "footnoteReference", "endnoteReference", "commentReference", "Fallback":
				skip = 1
			case "p":
				cur.Reset()
				style = ""
			case "pStyle":
				style = attrValue(t, "val")
			case "t":
				inText = true
			case "tab":
				cur.WriteString(" ")
			case "br":
				if ty := attrValue(t, "type"); ty == "" || ty == "textWrapping" {
					cur.WriteString("\n")
				}
			case "cr":
				cur.WriteString("\n")
			case "noBreakHyphen":
				cur.WriteString("-")
			}
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				p := cur.String()
				paras = append(paras, p)
				if heading == "" && strings.TrimSpace(p) != "" && isHeadingStyle(style, styles[style]) {
					heading = p
				}
			}
		case xml.CharData:
			if inText && skip == 0 {
				cur.Write(t)
			}
		}
	}
}

// odtParagraphs walks content.xml: text:p and text:h are paragraphs (a
// text:h or a paragraph styled "Title" is a heading), text:s is spaces,
// text:tab a space, text:line-break a line break; notes, annotations and
// tracked changes are skipped.
func odtParagraphs(b []byte) (paras []string, heading string, err error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	var stack []*strings.Builder // open paragraphs (a note can hold one)
	inBody, skip := false, 0
	isHead := []bool{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return paras, heading, nil
		}
		if err != nil {
			return nil, "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 {
				skip++
				continue
			}
			switch t.Name.Local {
			case "text":
				if t.Name.Space == "urn:oasis:names:tc:opendocument:xmlns:office:1.0" {
					inBody = true
				}
			case "note", "annotation", "tracked-changes", "sequence-decls":
				skip = 1
			case "p", "h":
				if inBody {
					stack = append(stack, &strings.Builder{})
					isHead = append(isHead, t.Name.Local == "h" || strings.EqualFold(attrValue(t, "style-name"), "Title"))
				}
			case "s":
				if len(stack) > 0 {
					n, _ := strconv.Atoi(attrValue(t, "c"))
					stack[len(stack)-1].WriteString(strings.Repeat(" ", max(1, min(n, 100))))
				}
			case "tab":
				if len(stack) > 0 {
					stack[len(stack)-1].WriteString(" ")
				}
			case "line-break":
				if len(stack) > 0 {
					stack[len(stack)-1].WriteString("\n")
				}
			}
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			switch t.Name.Local {
			case "p", "h":
				if len(stack) == 0 {
					continue
				}
				p := stack[len(stack)-1].String()
				head := isHead[len(isHead)-1]
				stack, isHead = stack[:len(stack)-1], isHead[:len(isHead)-1]
				paras = append(paras, p)
				if heading == "" && head && strings.TrimSpace(p) != "" {
					heading = p
				}
			case "text":
				if t.Name.Space == "urn:oasis:names:tc:opendocument:xmlns:office:1.0" {
					inBody = false
				}
			}
		case xml.CharData:
			if len(stack) > 0 && skip == 0 {
				stack[len(stack)-1].Write(t)
			}
		}
	}
}

package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/claimdesk/claimdesk/internal/models"
)

// MaxImportBytes is the largest annotation file ParseAnnotations reads.
const MaxImportBytes = models.MaxUploadBytes // 5 MiB

// Imported is one annotation read by ParseAnnotations: where it points and
// what it says, for the caller to anchor in an article.
type Imported struct {
	Index  int    // position in the file, from 0
	ID     string // the annotation's id, if it has one
	Source string // the target's source IRI; "" if none is given

	Quote, Prefix, Suffix string // from a TextQuoteSelector
	Start, End            int    // from a TextPositionSelector on the whole document
	HasPosition, HasQuote bool

	Body string // textual bodies (notes, comments), joined by a blank line; tags left out
}

// ParseAnnotations reads W3C Web Annotations (JSON-LD): a single
// Annotation, an AnnotationPage, or an AnnotationCollection with its pages
// embedded. It also reads what Hypothesis exports: its JSON-LD, its native
// JSON ({"annotations": […]} from the client's export, {"rows": […]} from the
// search API) and a bare array of annotations.
//
// It returns every annotation found, in file order, including those it
// cannot anchor (no quote and no position) and those whose target source is
// another document: nothing is dropped silently. Use SameDocument to sort
// out the latter, and check HasQuote/HasPosition before anchoring.
//
// Positions are taken as given: W3C says code points, but Hypothesis counts
// UTF-16 code units and other tools count over a differently extracted
// text, so treat Start/End as a hint and verify them against Quote. Only a
// TextPositionSelector that applies to the whole source counts; one that
// refines an XPath, CSS or fragment selector is relative to an element and
// is ignored. Quotes are returned as written (not normalised to NFC).
//
// A file over MaxImportBytes, a file that is not JSON, and JSON that holds
// no annotation give a models.ValidationError on "file".
func ParseAnnotations(r io.Reader) ([]Imported, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("export: read annotations: %w", err)
	}
	if len(data) > MaxImportBytes {
		return nil, models.Invalid("file", "The file is larger than 5 MiB. Export fewer annotations at a time.")
	}
	data = bytes.TrimPrefix(data, []byte(utf8BOM))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, models.Invalid("file", "The file is empty.")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, jsonError(data, err)
	}
	end := int(dec.InputOffset())
	if _, err := dec.Token(); err != io.EOF {
		off := end + len(data[end:]) - len(bytes.TrimLeft(data[end:], " \t\r\n"))
		line, col := lineCol(data, off)
		return nil, models.Invalid("file", "The file is not valid JSON: unexpected text after the end of the JSON value at line %d, column %d (byte offset %d).", line, col, off)
	}
	raw, err := annotationsIn(doc)
	if err != nil {
		return nil, err
	}
	out := make([]Imported, len(raw))
	for i, a := range raw {
		out[i] = importOne(a)
		out[i].Index = i
	}
	return out, nil
}

// annotationsIn finds the annotations in a decoded file. Items that are
// only IRIs (annotations not embedded) are kept as strings.
func annotationsIn(doc any) ([]any, error) {
	switch v := doc.(type) {
	case []any:
		return v, nil
	case map[string]any:
		switch {
		case hasType(v, "AnnotationCollection"):
			first, ok := v["first"]
			if !ok {
				if n, _ := v["total"].(json.Number); n.String() == "0" {
					return nil, nil
				}
				return nil, models.Invalid("file", "The annotation collection has no first page.")
			}
			page, ok := first.(map[string]any)
			if !ok {
				return nil, models.Invalid("file", "The annotation collection links to its pages instead of including them. Export it with the annotations embedded.")
			}
			return pageItems(page)
		case hasType(v, "AnnotationPage"):
			return pageItems(v)
		case hasType(v, "Annotation"):
			return []any{v}, nil
		}
		for _, key := range []string{"annotations", "rows", "items"} { // Hypothesis export, h search API, untyped page
			if list, ok := v[key].([]any); ok {
				return list, nil
			}
		}
		if _, ok := v["target"]; ok {
			return []any{v}, nil // an annotation without a type, as h's native JSON
		}
	}
	return nil, models.Invalid("file", "The file holds no Web Annotation: expected an Annotation, an AnnotationPage or an AnnotationCollection.")
}

// pageItems returns the items of page and of any embedded pages after it.
func pageItems(page map[string]any) ([]any, error) {
	var items []any
	seen := 0
	for page != nil {
		list, ok := page["items"].([]any)
		if !ok {
			if _, present := page["items"]; present {
				return nil, models.Invalid("file", "An annotation page's items are not a list.")
			}
		}
		items = append(items, list...)
		next, _ := page["next"].(map[string]any)
		page = next
		if seen++; seen > 10000 {
			break
		}
	}
	return items, nil
}

// importOne reads what the caller needs from one annotation.
func importOne(v any) Imported {
	var im Imported
	a, ok := v.(map[string]any)
	if !ok {
		s, _ := v.(string) // an IRI instead of an embedded annotation: nothing to anchor
		im.ID = dropNUL(s)
		return im
	}
	im.ID = str(a["id"])
	if im.ID == "" {
		im.ID = str(a["@id"])
	}
	targets := list(a["target"])
	chosen := -1
	for i, t := range targets {
		var cand Imported
		readTarget(&cand, t)
		if cand.HasQuote || cand.HasPosition {
			im.Source, im.Quote, im.Prefix, im.Suffix = cand.Source, cand.Quote, cand.Prefix, cand.Suffix
			im.Start, im.End, im.HasPosition, im.HasQuote = cand.Start, cand.End, cand.HasPosition, cand.HasQuote
			chosen = i
			break
		}
	}
	if chosen < 0 && len(targets) > 0 {
		readTarget(&im, targets[0])
	}
	if im.Source == "" {
		im.Source = str(a["uri"]) // h native JSON
	}
	im.Body = bodyText(a)
	// PostgreSQL cannot store U+0000 in text: the id goes into history and
	// the comment into the claim's notes.
	im.ID, im.Source, im.Body = dropNUL(im.ID), dropNUL(im.Source), dropNUL(im.Body)
	return im
}

func dropNUL(s string) string { return strings.ReplaceAll(s, "\x00", "") }

// readTarget fills the source and selectors of one target.
func readTarget(im *Imported, t any) {
	switch t := t.(type) {
	case string:
		im.Source = t
	case map[string]any:
		switch s := t["source"].(type) {
		case string:
			im.Source = s
		case map[string]any:
			im.Source = str(s["id"])
		default:
			im.Source = str(t["id"]) // an external resource targeted as a whole
		}
		for _, sel := range list(t["selector"]) {
			readSelector(im, sel, true)
		}
	}
}

// readSelector reads TextQuote and TextPosition selectors. top says whether
// sel applies to the whole source; inside refinedBy only a quote is
// meaningful without the element it refines.
func readSelector(im *Imported, sel any, top bool) {
	s, ok := sel.(map[string]any)
	if !ok {
		return
	}
	switch str(s["type"]) {
	case "TextQuoteSelector":
		if exact, ok := s["exact"].(string); ok && exact != "" && !im.HasQuote {
			im.Quote, im.Prefix, im.Suffix = exact, str(s["prefix"]), str(s["suffix"])
			im.HasQuote = true
		}
	case "TextPositionSelector":
		start, ok1 := nonNegInt(s["start"])
		end, ok2 := nonNegInt(s["end"])
		if top && ok1 && ok2 && end >= start && !im.HasPosition {
			im.Start, im.End, im.HasPosition = start, end, true
		}
	}
	for _, r := range list(s["refinedBy"]) {
		readSelector(im, r, false)
	}
}

// bodyText joins the annotation's textual bodies, leaving out tags.
func bodyText(a map[string]any) string {
	var parts []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	add(str(a["bodyValue"]))
	for _, b := range list(a["body"]) {
		m, ok := b.(map[string]any)
		if !ok {
			continue // an IRI body: nothing to show
		}
		if hasType(m, "Choice") {
			if items := list(m["items"]); len(items) > 0 {
				m, _ = items[0].(map[string]any) // the first option is the default
			}
		}
		if m == nil || str(m["purpose"]) == "tagging" {
			continue
		}
		if t := str(m["type"]); t == "TextualBody" || t == "" {
			add(str(m["value"]))
		}
	}
	add(str(a["text"])) // h native JSON
	return strings.Join(parts, "\n\n")
}

// SameDocument reports whether the annotation targets article a: its
// source is the article's original URL, or its page (or a revision of it)
// in the Claimdesk at baseURL. URLs are compared without scheme (http and
// https), fragment, trailing slash and utm_* parameters, and with the host
// in lower case. An annotation with no source is taken to be about a.
func (im Imported) SameDocument(a models.Article, baseURL string) bool {
	if strings.TrimSpace(im.Source) == "" {
		return true
	}
	src := comparableURL(im.Source)
	if src == "" {
		return false
	}
	if a.SourceURL != "" && src == comparableURL(a.SourceURL) {
		return true
	}
	own := comparableURL(strings.TrimRight(baseURL, "/") + "/articles/" + itoa(a.ID))
	return own != "" && (src == own || strings.HasPrefix(src, own+"/revisions/"))
}

// comparableURL normalises an http(s) URL for comparison, or returns "".
func comparableURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	default:
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && p != "80" && p != "443" {
		host += ":" + p
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(strings.ToLower(k), "utm_") {
			q.Del(k)
		}
	}
	out := host + strings.TrimRight(u.EscapedPath(), "/")
	if enc := q.Encode(); enc != "" {
		out += "?" + enc
	}
	return out
}

// jsonError turns a decoding error into a message with line and column.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off := max(int(syn.Offset)-1, 0) // Offset counts the offending byte
		line, col := lineCol(data, off)
		return models.Invalid("file", "The file is not valid JSON: %s at line %d, column %d (byte offset %d).", syn.Error(), line, col, off)
	case errors.As(err, &typ):
		line, col := lineCol(data, int(typ.Offset))
		return models.Invalid("file", "The file is not valid JSON: %s at line %d, column %d (byte offset %d).", typ.Error(), line, col, typ.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		line, col := lineCol(data, len(data))
		return models.Invalid("file", "The file is not valid JSON: it ends too early, at line %d, column %d (byte offset %d).", line, col, len(data))
	}
	return models.Invalid("file", "The file is not valid JSON: %s.", err.Error())
}

// lineCol converts a byte offset to a 1-based line and column (in
// characters).
func lineCol(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, len([]rune(string(before[start:]))) + 1
}

// hasType reports whether the object's type (or @type), a string or a
// list, includes t.
func hasType(m map[string]any, t string) bool {
	for _, key := range []string{"type", "@type"} {
		for _, v := range list(m[key]) {
			if s, _ := v.(string); s == t || s == "oa:"+t {
				return true
			}
		}
	}
	return false
}

// list treats a single value as a list of one, as JSON-LD does.
func list(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	}
	return []any{v}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// nonNegInt reads a JSON integer ≥ 0 that fits an int.
func nonNegInt(v any) (int, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	if err != nil || i < 0 || i > int64(^uint32(0)>>1) {
		return 0, false
	}
	return int(i), true
}

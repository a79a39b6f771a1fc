package handlers

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/anchor"
	"github.com/claimdesk/claimdesk/internal/export"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

// maxImportAnnotations bounds one import: each annotation is searched for
// in the whole text and becomes a claim with a history entry.
const maxImportAnnotations = 1000

// Reasons an annotation is not imported.
const (
	reasonOtherDocument = "other_document"
	reasonNoSelector    = "no_selector"
	reasonNotFound      = "not_found"
	reasonAmbiguous     = "ambiguous"
	reasonBadPosition   = "bad_position"
	reasonTooLong       = "too_long"
	reasonDuplicate     = "duplicate"
)

// importAnnotations reads W3C Web Annotations from r and creates, in one
// transaction, a claim for each that anchors in the article's current text.
// The report lists the claims created and, with a reason, the rest.
func (h *handler) importAnnotations(c echo.Context, a models.Article, r io.Reader) (views.ImportReport, error) {
	items, err := export.ParseAnnotations(r)
	if err != nil {
		return views.ImportReport{}, err
	}
	switch {
	case len(items) == 0:
		return views.ImportReport{}, models.Invalid("file", "The file holds no annotations.")
	case len(items) > maxImportAnnotations:
		return views.ImportReport{}, models.Invalid("file", "The file holds %d annotations: import at most %d at a time.", len(items), maxImportAnnotations)
	}
	rep := views.ImportReport{Total: len(items)}
	t := anchor.NewText(a.Text)
	base := h.base(c)
	var claims []store.ImportedClaim
	var from []export.Imported
	for _, im := range items {
		n, fail := anchorImported(t, a, base, im)
		if fail != nil {
			rep.Failed = append(rep.Failed, *fail)
			continue
		}
		claims = append(claims, store.ImportedClaim{NewClaim: n, Annotation: im.ID})
		from = append(from, im)
	}
	if len(claims) > 0 {
		ids, err := h.store.ImportClaims(c.Request().Context(), actor(c), a.ID, a.Revision, claims)
		if err != nil {
			return views.ImportReport{}, err
		}
		for i, id := range ids {
			if id == 0 {
				rep.Failed = append(rep.Failed, failure(from[i], reasonDuplicate, "A claim already marks exactly this text."))
				continue
			}
			rep.Created = append(rep.Created, views.ImportedClaim{ID: id, Number: from[i].Index + 1, Quote: claims[i].Quote})
		}
	}
	slices.SortFunc(rep.Failed, func(x, y views.ImportFailure) int { return x.Number - y.Number })
	return rep, nil
}

// base is the public origin the exports and imports name articles by.
func (h *handler) base(c echo.Context) string {
	if h.baseURL != "" {
		return h.baseURL
	}
	return c.Scheme() + "://" + c.Request().Host
}

func failure(im export.Imported, reason, msg string) views.ImportFailure {
	q := strings.Join(strings.Fields(im.Quote), " ")
	if r := []rune(q); len(r) > 120 {
		q = string(r[:119]) + "…"
	}
	return views.ImportFailure{Number: im.Index + 1, ID: im.ID, Quote: q, Reason: reason, Message: msg}
}

// anchorImported finds where an annotation belongs in the article's text.
// A position counts when the text there is the annotation's quote (in code
// points, or in UTF-16 units as Hypothesis counts them); otherwise the quote
// is searched for, with its prefix and suffix, and the position only chooses
// between several occurrences. A position without a quote is trusted only
// when the annotation targets this article's current text in Claimdesk.
func anchorImported(t *anchor.Text, a models.Article, base string, im export.Imported) (store.NewClaim, *views.ImportFailure) {
	fail := func(reason, format string, args ...any) (store.NewClaim, *views.ImportFailure) {
		f := failure(im, reason, fmt.Sprintf(format, args...))
		return store.NewClaim{}, &f
	}
	if !im.SameDocument(a, base) {
		return fail(reasonOtherDocument, "It annotates another document: %s", im.Source)
	}
	if !im.HasQuote && !im.HasPosition {
		return fail(reasonNoSelector, "It has no quote or text position (a note on the whole page, or a selector Claimdesk does not read).")
	}
	start, end, ok := positionMatches(t, im)
	if !ok && im.HasQuote {
		s, e, err := t.Locate(im.Quote, im.Prefix, im.Suffix)
		var amb *models.AmbiguousError
		switch {
		case err == nil:
			start, end, ok = s, e, true
		case errors.As(err, &amb):
			s, e, found := nearestOccurrence(amb.Occurrences, im)
			if !found {
				return fail(reasonAmbiguous, "Its quote occurs %d times in the article, and neither its context nor its position says which one is meant.", len(amb.Occurrences))
			}
			start, end, ok = s, e, true
		default:
			return fail(reasonNotFound, "Its quote is not in the article's current text.")
		}
	}
	if !ok && im.HasPosition && ownText(a, base, im.Source) && t.Check(im.Start, im.End) == nil {
		start, end, ok = im.Start, im.End, true
	}
	if !ok {
		return fail(reasonBadPosition, "It gives only a text position, which counts in another copy of the text. Export it with its quote (a TextQuoteSelector).")
	}
	start, end = t.Trim(start, end)
	if err := t.Check(start, end); err != nil {
		return fail(reasonNotFound, "It marks only spaces, or part of a character.")
	}
	notes := strings.TrimSpace(im.Body)
	if len([]rune(notes)) > models.MaxNotesRunes {
		return fail(reasonTooLong, "Its comment is longer than 10,000 characters, the most a claim's notes hold.")
	}
	prefix, suffix := t.Context(start, end)
	n := store.NewClaim{ArticleID: a.ID, Revision: a.Revision, Start: start, End: end, Quote: t.Slice(start, end), Prefix: prefix, Suffix: suffix}
	if notes != "" {
		n.Input.Notes = &notes
	}
	return n, nil
}

// positionMatches reports whether the annotation's position holds its quote.
func positionMatches(t *anchor.Text, im export.Imported) (int, int, bool) {
	if !im.HasPosition || !im.HasQuote {
		return 0, 0, false
	}
	if t.Check(im.Start, im.End) == nil && t.Slice(im.Start, im.End) == im.Quote {
		return im.Start, im.End, true
	}
	if s, e, err := t.FromUTF16(im.Start, im.End); err == nil && t.Check(s, e) == nil && t.Slice(s, e) == im.Quote {
		return s, e, true
	}
	return 0, 0, false
}

// nearestOccurrence picks the occurrence that starts closest to the
// annotation's position, when there is exactly one such.
func nearestOccurrence(occ []models.Occurrence, im export.Imported) (int, int, bool) {
	if !im.HasPosition || len(occ) == 0 {
		return 0, 0, false
	}
	dist := func(o models.Occurrence) int { return max(o.Start-im.Start, im.Start-o.Start) }
	best, ties := 0, 0
	for i, o := range occ {
		switch d := dist(o); {
		case d < dist(occ[best]):
			best, ties = i, 0
		case d == dist(occ[best]) && i != best:
			ties++
		}
	}
	if ties > 0 {
		return 0, 0, false
	}
	return occ[best].Start, occ[best].End, true
}

// ownText reports whether source names this article's current text in
// Claimdesk (or the article, or nothing), where positions count in the
// same canonical text.
func ownText(a models.Article, base, source string) bool {
	src := strings.TrimRight(strings.TrimSpace(source), "/")
	own := strings.TrimRight(base, "/") + "/articles/" + itoa(a.ID)
	return src == "" || src == own || src == own+"/revisions/"+itoa(a.Revision)
}

// importJSON is the API's answer to an import.
type importJSON struct {
	Total   int            `json:"total"`
	Created []importedJSON `json:"created"`
	Failed  []failedJSON   `json:"failed"`
}

type importedJSON struct {
	ID    int64  `json:"id"`
	Index int    `json:"index"` // position in the file, from 0
	Quote string `json:"quote"`
}

type failedJSON struct {
	Index      int    `json:"index"`
	Annotation string `json:"annotation,omitempty"`
	Quote      string `json:"quote,omitempty"`
	Reason     string `json:"reason"`
	Message    string `json:"message"`
}

func toImportJSON(r views.ImportReport) importJSON {
	out := importJSON{Total: r.Total, Created: []importedJSON{}, Failed: []failedJSON{}}
	for _, c := range r.Created {
		out.Created = append(out.Created, importedJSON{ID: c.ID, Index: c.Number - 1, Quote: c.Quote})
	}
	for _, f := range r.Failed {
		out.Failed = append(out.Failed, failedJSON{Index: f.Number - 1, Annotation: f.ID, Quote: f.Quote, Reason: f.Reason, Message: f.Message})
	}
	return out
}

// apiImport imports annotations sent as the JSON body, or as the file
// field of a multipart form. 201 when claims were created, 200 when none.
func (h *handler) apiImport(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := h.store.Article(c.Request().Context(), id)
	if err != nil {
		return err
	}
	var body io.Reader
	ct, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	switch ct {
	case "multipart/form-data":
		fh, err := c.FormFile("file")
		if err != nil {
			return models.Invalid("file", "Send the annotations as the form field \"file\".")
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		body = f
	case "", "application/json", "application/ld+json":
		body = c.Request().Body
	default:
		return &badRequest{msg: "Send the annotations as JSON (application/json or application/ld+json), or as a file field named \"file\" in multipart/form-data."}
	}
	rep, err := h.importAnnotations(c, a, body)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(rep.Created) > 0 {
		status = http.StatusCreated
	}
	return c.JSON(status, toImportJSON(rep))
}

func (h *handler) importForm(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := h.store.Article(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ImportPage(views.ImportView{Article: a}))
}

// importUpload imports an uploaded or pasted file and shows the report.
func (h *handler) importUpload(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := h.store.Article(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := views.ImportView{Article: a, Pasted: c.FormValue("json")}
	field := "file"
	var body io.Reader
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		body = f
	} else if strings.TrimSpace(v.Pasted) != "" {
		body, field = strings.NewReader(v.Pasted), "json"
	} else {
		v.Errors = models.ValidationError{"file": "Choose a file of annotations, or paste them below."}
		return render(c, http.StatusUnprocessableEntity, views.ImportPage(v))
	}
	rep, err := h.importAnnotations(c, a, body)
	var (
		verr models.ValidationError
		conf *models.ConflictError
	)
	switch {
	case errors.As(err, &verr):
		v.Errors = models.ValidationError{}
		for k, msg := range verr {
			if k == "file" {
				k = field
			}
			v.Errors[k] = msg
		}
		if _, ok := v.Errors[""]; !ok {
			v.Errors[""] = firstMessage(verr)
		}
		return render(c, http.StatusUnprocessableEntity, views.ImportPage(v))
	case errors.As(err, &conf):
		v.Errors = models.ValidationError{"": conf.Message}
		return render(c, http.StatusConflict, views.ImportPage(v))
	case err != nil:
		return err
	}
	v.Report, v.Pasted = &rep, ""
	return render(c, http.StatusOK, views.ImportPage(v))
}

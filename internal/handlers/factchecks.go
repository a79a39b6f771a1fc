package handlers

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/export"
	"github.com/claimdesk/claimdesk/internal/factcheck"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

// The fact-check library (issue 11): import, browse, the API and our own
// feed. Parsing and writing are package factcheck's, shared with the
// command line.

func (h *handler) factCheckRoutes(pages, signedIn, api *echo.Group) {
	pages.GET("/claimreview.json", h.claimReviewFeed)
	signedIn.GET("/factchecks", h.listFactChecks)
	signedIn.GET("/factchecks/import", h.factCheckImportForm)
	signedIn.POST("/factchecks/import", h.factCheckImportUpload)
	signedIn.GET("/factchecks/:id", h.showFactCheck)
	signedIn.POST("/factchecks/:id/delete", h.deleteFactCheck)

	api.POST("/factchecks/import", h.apiImportFactChecks)
	api.GET("/factchecks", h.apiListFactChecks)
	api.GET("/factchecks/:id", h.apiFactCheck)
	api.DELETE("/factchecks/:id", h.apiDeleteFactCheck)
}

// maxFactCheckImportBytes is the most one import request may send; larger
// files go through the command line, which streams them.
const maxFactCheckImportBytes = 5 << 20

const factCheckTooLarge = "The import is larger than 5 MiB. Import large files from the command line, which reads files of any size in batches: claimdesk factchecks import FILE (see docs/factchecks.md)."

// isFactCheckImport tells the general body limit to leave the import
// routes to factCheckImportLimit.
func isFactCheckImport(c echo.Context) bool {
	p := c.Request().URL.Path
	return c.Request().Method == http.MethodPost && (p == "/api/v1/factchecks/import" || p == "/factchecks/import")
}

// factCheckImportLimit bounds import requests: 5 MiB for the API's body,
// and for the page's form (which carries a 5 MiB file or paste) 6 MiB. A
// request over it gets a 413 that points to the command line; a body that
// turns out longer while being read (chunked) is cut off, and the handler
// answers the same.
func factCheckImportLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !isFactCheckImport(c) {
			return next(c)
		}
		limit := int64(maxFactCheckImportBytes)
		if !strings.HasPrefix(c.Request().URL.Path, "/api/") {
			limit += 1 << 20
		}
		if c.Request().ContentLength > limit {
			return errFactCheckTooLarge
		}
		c.Request().Body = &cappedBody{ReadCloser: c.Request().Body, left: limit}
		return next(c)
	}
}

// errFactCheckTooLarge is answered as a 413 with factCheckTooLarge.
var errFactCheckTooLarge = echo.NewHTTPError(http.StatusRequestEntityTooLarge, factCheckTooLarge)

// cappedBody reads at most left bytes, then fails with errFactCheckTooLarge.
type cappedBody struct {
	io.ReadCloser
	left int64
	over bool
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One more byte tells a body of exactly the limit from a longer one.
		var one [1]byte
		if n, _ := b.ReadCloser.Read(one[:]); n > 0 {
			b.over = true
			return 0, errFactCheckTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

// bodyOver reports whether the request's body was cut off by the limit.
func bodyOver(c echo.Context) bool {
	b, ok := c.Request().Body.(*cappedBody)
	return ok && b.over
}

// importFactChecks reads r whole and writes its valid items in one
// transaction.
func (h *handler) importFactChecks(c echo.Context, r io.Reader, lines bool) (factcheck.Report, error) {
	// Read it all first: a body cut off by the limit must write nothing.
	data, err := io.ReadAll(io.LimitReader(r, maxFactCheckImportBytes+1))
	if errors.Is(err, errFactCheckTooLarge) || bodyOver(c) || len(data) > maxFactCheckImportBytes {
		return factcheck.Report{}, errFactCheckTooLarge
	}
	if err != nil {
		return factcheck.Report{}, &badRequest{msg: "The body could not be read."}
	}
	return factcheck.Import(c.Request().Context(), h.store, actor(c), factcheck.NewReader(bytes.NewReader(data), lines), factcheck.Options{})
}

// apiImportFactChecks: POST /api/v1/factchecks/import. 201 when something
// was created, else 200; 422 for a file that is not ClaimReview JSON-LD;
// 413 over 5 MiB.
func (h *handler) apiImportFactChecks(c echo.Context) error {
	if err := must(c, models.ActEditEvidence); err != nil {
		return err
	}
	ct, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	lines := false
	switch ct {
	case "", "application/json", "application/ld+json":
	case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines":
		lines = true
	default:
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, "Send ClaimReview JSON-LD as application/json or application/ld+json, or JSON Lines as application/x-ndjson.")
	}
	rep, err := h.importFactChecks(c, c.Request().Body, lines)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(rep.Created) > 0 {
		status = http.StatusCreated
	}
	return c.JSON(status, rep)
}

// factCheckJSON is a fact-check in the API.
type factCheckJSON struct {
	ID            int64          `json:"id"`
	URL           string         `json:"url"`
	ClaimReviewed string         `json:"claim_reviewed"`
	Headline      string         `json:"headline"`
	Excerpt       string         `json:"excerpt"`
	Rating        *ratingJSON    `json:"rating"` // null: no rating given
	Publisher     *publisherJSON `json:"publisher"`
	Claimant      string         `json:"claimant"`
	ClaimURL      string         `json:"claim_url"`
	ClaimDate     *string        `json:"claim_date"`
	DatePublished *string        `json:"date_published"`
	DateModified  *string        `json:"date_modified"`
	Language      string         `json:"language"`
	Version       int            `json:"version"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
}

type ratingJSON struct {
	Name  string   `json:"name"`  // alternateName; "" when only numbers are given
	Label string   `json:"label"` // as shown: the name, else "2 of 5"
	Value *float64 `json:"value"`
	Best  *float64 `json:"best"`
	Worst *float64 `json:"worst"`
}

type publisherJSON struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

func toFactCheckJSON(f models.FactCheck) factCheckJSON {
	out := factCheckJSON{ID: f.ID, URL: f.URL, ClaimReviewed: f.ClaimReviewed, Headline: f.Headline, Excerpt: f.Excerpt,
		Claimant: f.Claimant, ClaimURL: f.ClaimURL, ClaimDate: isoTime(f.ClaimDate), DatePublished: isoTime(f.DatePublished),
		DateModified: isoTime(f.DateModified), Language: f.Language, Version: f.Version, CreatedAt: f.CreatedAt.UTC(), UpdatedAt: f.UpdatedAt.UTC()}
	if f.HasRating() {
		out.Rating = &ratingJSON{Name: f.RatingName, Label: f.Rating(), Value: f.RatingValue, Best: f.BestRating, Worst: f.WorstRating}
	}
	if f.PublisherName != "" || f.PublisherURL != "" {
		out.Publisher = &publisherJSON{Name: f.PublisherName, URL: f.PublisherURL}
	}
	return out
}

func isoTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// factCheckQuery reads the library's filters from the query string:
// q (at most 200 characters, else 422), publisher, language, from, to,
// page, per_page.
func factCheckQuery(c echo.Context) (store.FactCheckQuery, error) {
	errs := models.ValidationError{}
	q := store.FactCheckQuery{Q: textQuery(c, errs), Publisher: strings.TrimSpace(c.QueryParam("publisher")),
		Language: strings.TrimSpace(c.QueryParam("language"))}
	if len([]rune(q.Publisher)) > factcheck.MaxNameRunes {
		errs.Add("publisher", "Keep the publisher under 300 characters.")
	}
	if len(q.Language) > 35 {
		errs.Add("language", "Give a language tag like en or pt-BR.")
	}
	q.From, q.To = queryDate(c, "from", errs), queryDate(c, "to", errs)
	if q.From != nil && q.To != nil && q.To.Before(*q.From) {
		errs.Add("to", "The end date is before the start date.")
	}
	if err := errs.OrNil(); err != nil {
		return q, err
	}
	var err error
	q.Page, q.PerPage, err = pageParams(c, 25)
	return q, err
}

// maxSearchRunes is the longest search query taken (claims and fact-checks).
const maxSearchRunes = 200

// textQuery reads q; one over maxSearchRunes is a message on q (422).
func textQuery(c echo.Context, errs models.ValidationError) string {
	q := strings.TrimSpace(c.QueryParam("q"))
	if len([]rune(q)) > maxSearchRunes {
		errs.Add("q", "Keep the search under 200 characters.")
		return ""
	}
	return q
}

func (h *handler) apiListFactChecks(c echo.Context) error {
	q, err := factCheckQuery(c)
	if err != nil {
		return err
	}
	p, err := h.store.FactChecks(c.Request().Context(), q)
	if err != nil {
		return err
	}
	items := make([]factCheckJSON, len(p.Items))
	for i, f := range p.Items {
		items[i] = toFactCheckJSON(f)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "page": p.Page, "per_page": p.PerPage, "next_page": nextPage(p.Page, p.HasNext)})
}

func (h *handler) apiFactCheck(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := h.store.FactCheck(c.Request().Context(), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag("factcheck", f.ID, f.Version))
	return c.JSON(http.StatusOK, toFactCheckJSON(f))
}

func (h *handler) apiDeleteFactCheck(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.store.DeleteFactCheck(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// feedBatch is how many published claims the feed reads at a time.
const feedBatch = 500

// claimReviewFeed: GET /claimreview.json, public. A schema.org DataFeed
// of the ClaimReview of every published claim (as on its public page),
// oldest first, with dateModified (the latest change to one of them) and a
// strong ETag over the body: a reader sends If-None-Match and gets 304
// until something changes. The body is written to a temporary file, so
// memory stays flat however many claims are published.
func (h *handler) claimReviewFeed(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := os.CreateTemp("", "claimdesk-claimreview-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	sum := sha256.New()
	w := bufio.NewWriter(io.MultiWriter(f, sum))
	now := time.Now().UTC().Truncate(time.Second)
	var last time.Time
	n := 0
	for after := int64(0); ; {
		b, err := h.store.PublishedClaims(ctx, after, feedBatch)
		if err != nil {
			return err
		}
		if len(b.Claims) == 0 {
			break
		}
		if n == 0 {
			head := map[string]any{"@context": "https://schema.org", "@type": "DataFeed", "url": h.base(c) + "/claimreview.json"}
			if name := strings.TrimSpace(b.Newsroom.Name); name != "" {
				head["name"] = name + ": published fact-checks"
			}
			writeFeedHead(w, head)
		}
		for _, cl := range b.Claims {
			after = cl.ID
			cl = export.PublicFace(cl, b.Scale) // the latest publication, not a correction in progress
			data := b.ExportData
			data.Article = b.Articles[cl.ArticleID]
			cr, ok := export.ClaimReview(h.document(c, data, now), cl)
			if !ok {
				continue
			}
			body, err := json.Marshal(cr) // escapes <, > and &
			if err != nil {
				return err
			}
			if n > 0 {
				_ = w.WriteByte(',')
			}
			_, _ = w.Write(body)
			n++
			if m := derefOr(cl.PublicModifiedAt, cl.UpdatedAt); m.After(last) {
				last = m.UTC()
			}
		}
	}
	if n == 0 {
		writeFeedHead(w, map[string]any{"@context": "https://schema.org", "@type": "DataFeed", "url": h.base(c) + "/claimreview.json"})
	}
	_, _ = w.WriteString("]")
	if !last.IsZero() {
		_, _ = w.WriteString(`,"dateModified":"` + last.Format(time.RFC3339) + `"`)
	}
	_, _ = w.WriteString("}\n")
	if err := w.Flush(); err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentType, "application/ld+json; charset=utf-8")
	hd.Set("ETag", `"`+hex.EncodeToString(sum.Sum(nil)[:16])+`"`)
	hd.Set("Cache-Control", "public, no-cache") // may be cached, but ask again (If-None-Match)
	hd.Set("Access-Control-Allow-Origin", "*")  // a public feed other sites may read
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	http.ServeContent(c.Response(), c.Request(), "", last, f)
	return nil
}

// writeFeedHead writes the DataFeed's properties and opens dataFeedElement.
func writeFeedHead(w *bufio.Writer, head map[string]any) {
	b, _ := json.Marshal(head)
	_, _ = w.Write(b[:len(b)-1])
	_, _ = w.WriteString(`,"dataFeedElement":[`)
}

// --- Pages ---

func (h *handler) listFactChecks(c echo.Context) error {
	ctx := c.Request().Context()
	v := views.FactChecksView{Q: c.QueryParam("q"), Publisher: c.QueryParam("publisher"), Language: c.QueryParam("language"),
		From: c.QueryParam("from"), To: c.QueryParam("to"), Page: 1}
	if c.QueryParam("deleted") != "" {
		v.Flash = "The fact-check was removed from the library."
	}
	status := http.StatusOK
	q, err := factCheckQuery(c)
	var verr models.ValidationError
	switch {
	case errors.As(err, &verr):
		v.Errors, status = verr, http.StatusUnprocessableEntity
	case err != nil:
		return err
	default:
		p, err := h.store.FactChecks(ctx, q)
		if err != nil {
			return err
		}
		v.Items, v.Page, v.HasNext = p.Items, p.Page, p.HasNext
	}
	pubs, err := h.store.FactCheckPublishers(ctx, 200)
	if err != nil {
		return err
	}
	for _, p := range pubs {
		v.Publishers = append(v.Publishers, views.PublisherOption{Name: p.Name, N: p.N})
	}
	if v.Total, err = h.store.CountFactChecks(ctx); err != nil {
		return err
	}
	return render(c, status, views.FactChecksPage(v))
}

func (h *handler) showFactCheck(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := h.store.FactCheck(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.FactCheckPage(views.FactCheckView{FactCheck: f}))
}

func (h *handler) deleteFactCheck(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.store.DeleteFactCheck(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/factchecks?deleted=1")
}

func (h *handler) factCheckImportForm(c echo.Context) error {
	if err := must(c, models.ActEditEvidence); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.FactCheckImportPage(views.FactCheckImportView{}))
}

// maxListedWritten bounds the items the import page lists.
const maxListedWritten = 200

// factCheckImportUpload imports an uploaded or pasted file and shows the report.
func (h *handler) factCheckImportUpload(c echo.Context) error {
	if err := must(c, models.ActEditEvidence); err != nil {
		return err
	}
	v := views.FactCheckImportView{}
	if bodyOver(c) {
		v.Errors = models.ValidationError{"": factCheckTooLarge}
		return render(c, http.StatusRequestEntityTooLarge, views.FactCheckImportPage(v))
	}
	v.Pasted = c.FormValue("json")
	field := "file"
	var body io.Reader
	lines := false
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		if fh.Size > maxFactCheckImportBytes {
			v.Errors = models.ValidationError{"": factCheckTooLarge, "file": "The file is larger than 5 MB."}
			return render(c, http.StatusRequestEntityTooLarge, views.FactCheckImportPage(v))
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		body = f
		name := strings.ToLower(fh.Filename)
		lines = strings.HasSuffix(name, ".jsonl") || strings.HasSuffix(name, ".ndjson")
	} else if strings.TrimSpace(v.Pasted) != "" {
		body, field = strings.NewReader(v.Pasted), "json"
	} else {
		v.Errors = models.ValidationError{"file": "Choose a file of fact-checks, or paste them below."}
		return render(c, http.StatusUnprocessableEntity, views.FactCheckImportPage(v))
	}
	rep, err := h.importFactChecks(c, body, lines)
	var verr models.ValidationError
	switch {
	case errors.Is(err, errFactCheckTooLarge):
		v.Errors = models.ValidationError{"": factCheckTooLarge}
		return render(c, http.StatusRequestEntityTooLarge, views.FactCheckImportPage(v))
	case errors.As(err, &verr):
		msg := firstMessage(verr)
		v.Errors = models.ValidationError{"": msg, field: msg}
		return render(c, http.StatusUnprocessableEntity, views.FactCheckImportPage(v))
	case err != nil:
		return err
	}
	v.Report, v.Pasted = toImportView(rep), ""
	return render(c, http.StatusOK, views.FactCheckImportPage(v))
}

// toImportView is the page's form of a report: written items in file order.
func toImportView(rep factcheck.Report) *views.FactCheckImportReport {
	out := &views.FactCheckImportReport{Total: rep.Total, Created: len(rep.Created), Updated: len(rep.Updated)}
	for _, f := range rep.Failed {
		out.Failed = append(out.Failed, views.FactCheckImportFailure{Number: f.Index + 1, Line: f.Line, URL: f.URL, Reason: f.Reason, Message: f.Message})
	}
	i, j := 0, 0
	for (i < len(rep.Created) || j < len(rep.Updated)) && len(out.Written) < maxListedWritten {
		if j >= len(rep.Updated) || i < len(rep.Created) && rep.Created[i].Index < rep.Updated[j].Index {
			w := rep.Created[i]
			out.Written = append(out.Written, views.ImportedFactCheck{Number: w.Index + 1, ID: w.ID, URL: w.URL, Created: true})
			i++
			continue
		}
		w := rep.Updated[j]
		out.Written = append(out.Written, views.ImportedFactCheck{Number: w.Index + 1, ID: w.ID, URL: w.URL})
		j++
	}
	return out
}

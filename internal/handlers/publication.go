package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/export"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

// publicationRoutes registers publishing (docs/publishing.md): the
// preview and confirmation, the three choices on a published fact-check
// (Verdict stands, Correct, Withdraw), the public page, the public index
// of fact-checks and the corrections log with their Atom feeds.
func (h *handler) publicationRoutes(public, pages, api *echo.Group) {
	public.GET("/claims/:id/public", h.publicPage)
	public.GET("/fact-checks", h.factChecks)
	public.GET("/fact-checks.atom", h.factChecksFeed)
	public.GET("/corrections", h.corrections)
	public.GET("/corrections.atom", h.correctionsFeed)
	pages.GET("/claims/:id/publish", h.publishPreview)
	pages.POST("/claims/:id/publish", h.publish)
	pages.POST("/claims/:id/reverify", h.publicationStep("reverify"))
	pages.POST("/claims/:id/correct", h.publicationStep("correct"))
	pages.POST("/claims/:id/withdraw", h.publicationStep("withdraw"))
	api.POST("/claims/:id/publish", h.apiPublish)
	api.POST("/claims/:id/reverify", h.apiPublicationStep("reverify"))
	api.POST("/claims/:id/correct", h.apiPublicationStep("correct"))
	api.POST("/claims/:id/withdraw", h.apiPublicationStep("withdraw"))
	api.GET("/claims/:id/corrections", h.apiCorrections)
	h.newsroomRoutes(pages)
}

// The public page.

// publicClaim is the claim page for visitors who are not signed in. A
// claim never published is a 404, the same as one that does not exist; a
// withdrawn one is its withdrawal notice (410); any other that was once
// published shows its latest publication, never a correction in progress.
func (h *handler) publicClaim(c echo.Context, id int64) error {
	v, err := h.publicView(c, id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Vary", "Cookie") // signed-in users get the working page at the same address
	status := http.StatusOK
	if v.Claim.State == models.StateWithdrawn {
		status = http.StatusGone
	}
	return render(c, status, views.PublicClaimPage(v))
}

// publicPage is the public page at its own address, for signed-in users
// to see what the public sees ("Public page" on the claim page).
func (h *handler) publicPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return h.publicClaim(c, id)
}

// publicView is claim id as the public sees it, or 404.
func (h *handler) publicView(c echo.Context, id int64) (views.PublicClaimView, error) {
	data, err := h.store.ClaimExport(c.Request().Context(), id)
	if errors.Is(err, models.ErrNotFound) {
		return views.PublicClaimView{}, echo.ErrNotFound
	}
	if err != nil {
		return views.PublicClaimView{}, err
	}
	cur := data.Claims[0]
	if !cur.Public() {
		return views.PublicClaimView{}, echo.ErrNotFound
	}
	data.Claims[0] = export.PublicFace(cur, data.Scale)
	v, err := h.claimView(c, data)
	if cur.ReverifySince != nil && cur.AnchorState == models.AnchorChanged && cur.Quote != data.Claims[0].Quote {
		v.NowReads = cur.Quote
	}
	return v, err
}

// claimView fills the public page of data's one claim as it stands in
// data (the public face, or for the preview the values about to be
// published).
func (h *handler) claimView(c echo.Context, data store.ExportData) (views.PublicClaimView, error) {
	cl := data.Claims[0]
	d := h.document(c, data, time.Now().UTC().Truncate(time.Second))
	v := views.PublicClaimView{Claim: cl, Article: data.Article, Evidence: data.Evidence[cl.ID], Appearances: data.Appearances[cl.ID],
		Corrections: data.Corrections[cl.ID], Newsroom: data.Newsroom.Name, NewsroomURL: data.Newsroom.URL,
		LogoURL: data.Newsroom.LogoURL, Canonical: h.base(c) + "/claims/" + itoa(cl.ID)}
	if cr, ok := export.ClaimReview(d, cl); ok {
		b, err := json.Marshal(cr) // escapes <, > and &: nothing in it can close the script
		if err != nil {
			return v, err
		}
		v.ClaimReview = string(b)
	}
	return v, nil
}

// The claim page's publication panel.

// publicationStateKey carries a failed publication form to the panel.
const publicationStateKey = "claimdesk.publication"

type publicationState struct {
	form     views.PublicationForm
	conflict *views.ReviewConflict
}

// publicationPanel builds the claim page's publication part.
func (h *handler) publicationPanel(c echo.Context, d models.ClaimDetail, lastSeen int64) (views.PublicationPanel, error) {
	p := views.PublicationPanel{ClaimID: d.ID, Version: d.Version, LastSeen: lastSeen, State: d.State, AnchorState: d.AnchorState,
		PublishedAt: d.PublishedAt, ModifiedAt: d.PublicModifiedAt, ReverifySince: d.ReverifySince, ReverifiedAt: d.ReverifiedAt,
		WithdrawnAt: d.WithdrawnAt, Withdrawal: d.WithdrawalReason, PendingNote: d.CorrectionNote, CanReview: user(c).Can(models.ActReview)}
	if st, ok := c.Get(publicationStateKey).(publicationState); ok {
		p.Form, p.Conflict = st.form, st.conflict
	}
	if !d.Public() {
		return p, nil
	}
	if p.PublishedAt == nil { // published before publication dates were kept
		p.PublishedAt = &d.UpdatedAt
	}
	data, err := h.store.ClaimExport(c.Request().Context(), d.ID)
	if err != nil {
		return p, err
	}
	p.Corrections = data.Corrections[d.ID]
	data.Claims[0] = export.PublicFace(data.Claims[0], data.Scale)
	if cr, ok := export.ClaimReview(h.document(c, data, time.Now().UTC()), data.Claims[0]); ok {
		b, err := json.MarshalIndent(cr, "", "  ")
		if err != nil {
			return p, err
		}
		p.ClaimReview = string(b)
	}
	return p, nil
}

// publicationStep handles Verdict stands, Correct and Withdraw from the
// claim page: back to the page on success; on failure the page again with
// what was typed, and 422 or 409 (with what changed since the page was
// opened).
func (h *handler) publicationStep(action string) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := must(c, models.ActReview); err != nil {
			return err
		}
		id, err := pathID(c)
		if err != nil {
			return err
		}
		version, seen := formVersions(c)
		f := views.PublicationForm{Action: action, Note: textareaValue(c, "note"), Reason: textareaValue(c, "reason")}
		if _, err := h.runPublicationStep(c, action, id, version, f.Note, f.Reason); err != nil {
			return h.publicationFailed(c, id, f, seen, err)
		}
		return c.Redirect(http.StatusSeeOther, "/claims/"+itoa(id)+"#publication")
	}
}

func (h *handler) runPublicationStep(c echo.Context, action string, id int64, version int, note, reason string) (models.ClaimDetail, error) {
	ctx := c.Request().Context()
	switch action {
	case "reverify":
		return h.store.Reverify(ctx, actor(c), id, version)
	case "correct":
		return h.store.Correct(ctx, actor(c), id, version, note)
	default:
		return h.store.Withdraw(ctx, actor(c), id, version, reason)
	}
}

func (h *handler) publicationFailed(c echo.Context, id int64, f views.PublicationForm, seen int64, err error) error {
	var (
		verr models.ValidationError
		conf *models.ConflictError
	)
	ctx := c.Request().Context()
	status := http.StatusUnprocessableEntity
	st := publicationState{form: f}
	switch {
	case errors.As(err, &verr):
		st.form.Errors = verr
		if verr[""] == "" {
			st.form.Errors[""] = "Nothing was changed: " + firstMessage(verr)
		}
	case errors.As(err, &conf):
		status = http.StatusConflict
		changes, err := h.changesSince(ctx, id, seen)
		if err != nil {
			return err
		}
		st.conflict = &views.ReviewConflict{Message: conf.Message, Changes: changes}
	default:
		return err
	}
	cur, err := h.store.Claim(ctx, id)
	if err != nil {
		return err
	}
	c.Set(publicationStateKey, st)
	return h.renderClaim(c, status, cur, formFromClaim(cur), "")
}

// Publishing: preview and confirmation.

func (h *handler) publishView(c echo.Context, id int64) (views.PublishView, error) {
	ctx := c.Request().Context()
	data, err := h.store.ClaimExport(ctx, id)
	if err != nil {
		return views.PublishView{}, err
	}
	cl := data.Claims[0]
	v := views.PublishView{ClaimID: cl.ID, Version: cl.Version, ArticleRevision: data.Article.Revision, Note: cl.CorrectionNote,
		Republish: cl.PublishedAt != nil, NoNewsroom: unnamedNewsroom(data.Newsroom.Name)}
	v.Changed = v.Republish && (fmt.Sprint(idOrNil(cl.PubVerdictID)) != fmt.Sprint(idOrNil(cl.VerdictID)) ||
		cl.PubExplanation != cl.Explanation || cl.PubRationale != cl.Rationale)
	// The preview is the page as it will be: the values about to be
	// published, dated now.
	now := time.Now().UTC()
	if cl.PublishedAt == nil {
		cl.PublishedAt = &now
	}
	cl.PublicModifiedAt, cl.ReverifySince, cl.State = &now, nil, models.StatePublished
	data.Claims[0] = cl
	if v.Preview, err = h.claimView(c, data); err != nil {
		return v, err
	}
	v.Preview.Preview = true
	return v, nil
}

func idOrNil(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// publishPreview shows the public page as it will be, and asks to confirm.
func (h *handler) publishPreview(c echo.Context) error {
	if err := must(c, models.ActReview); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := h.publishView(c, id)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.PublishPage(v))
}

// publish publishes what the preview showed: 409 when the claim or its
// article changed since.
func (h *handler) publish(c echo.Context) error {
	if err := must(c, models.ActReview); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	rev, _ := strconv.Atoi(c.FormValue("article_revision"))
	note := textareaValue(c, "correction_note")
	_, err = h.publishClaim(c, id, version, rev, note)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/claims/"+itoa(id)+"#publication")
	}
	var (
		verr models.ValidationError
		conf *models.ConflictError
	)
	status := http.StatusUnprocessableEntity
	v, verr2 := h.publishView(c, id)
	if verr2 != nil {
		return verr2
	}
	v.Note = note
	switch {
	case errors.As(err, &verr):
		v.Errors = verr
	case errors.Is(err, models.ErrInvalidTransition):
		v.Errors = models.ValidationError{"": "Only a signed-off (approved) claim can be published."}
	case errors.As(err, &conf):
		status = http.StatusConflict
		v.Conflict = conf.Message
	default:
		return err
	}
	return render(c, status, views.PublishPage(v))
}

func (h *handler) publishClaim(c echo.Context, id int64, version, rev int, note string) (models.ClaimDetail, error) {
	if version <= 0 {
		return models.ClaimDetail{}, models.ValidationError{"version": "Send the version of the claim the preview showed."}
	}
	if rev <= 0 {
		return models.ClaimDetail{}, models.ValidationError{"article_revision": "Send the article revision the preview showed."}
	}
	published := string(models.StatePublished)
	return h.store.UpdateClaim(c.Request().Context(), actor(c), id, store.ClaimPatch{Version: version, State: &published,
		ArticleRevision: rev, CorrectionNote: note})
}

// JSON API.

type publicationJSON struct {
	PublishedAt              *time.Time `json:"published_at"`
	ModifiedAt               *time.Time `json:"modified_at"`
	UnderReverificationSince *time.Time `json:"under_reverification_since"`
	ReverifiedAt             *time.Time `json:"reverified_at"`
	WithdrawnAt              *time.Time `json:"withdrawn_at"`
	WithdrawalReason         string     `json:"withdrawal_reason,omitempty"`
	CorrectionNote           string     `json:"pending_correction_note,omitempty"`
	Path                     string     `json:"path"` // the public page, under the server's address
}

// publicationOf is the claim's publication for its JSON, nil when it was
// never published.
func publicationOf(d models.ClaimDetail) *publicationJSON {
	if !d.Public() {
		return nil
	}
	return &publicationJSON{PublishedAt: d.PublishedAt, ModifiedAt: d.PublicModifiedAt, UnderReverificationSince: d.ReverifySince,
		ReverifiedAt: d.ReverifiedAt, WithdrawnAt: d.WithdrawnAt, WithdrawalReason: d.WithdrawalReason,
		CorrectionNote: d.CorrectionNote, Path: "/claims/" + itoa(d.ID)}
}

type publishRequest struct {
	Version         int    `json:"version"`
	ArticleRevision int    `json:"article_revision"`
	CorrectionNote  string `json:"correction_note"`
}

func (h *handler) apiPublish(c echo.Context) error {
	if err := must(c, models.ActReview); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r publishRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	d, err := h.publishClaim(c, id, r.Version, r.ArticleRevision, r.CorrectionNote)
	if err != nil {
		return h.apiPublicationErr(c, id, 0, err)
	}
	return h.claimJSONWithPublication(c, d)
}

type publicationStepRequest struct {
	Version int    `json:"version"`
	Note    string `json:"note"`   // correct
	Reason  string `json:"reason"` // withdraw
	Seen    int64  `json:"seen"`   // optional: the newest history entry the client saw
}

func (h *handler) apiPublicationStep(action string) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := must(c, models.ActReview); err != nil {
			return err
		}
		id, err := pathID(c)
		if err != nil {
			return err
		}
		var r publicationStepRequest
		if err := decodeJSON(c, &r); err != nil {
			return err
		}
		if action != "correct" && r.Note != "" || action != "withdraw" && r.Reason != "" {
			return &badRequest{msg: "Send \"note\" only to correct, and \"reason\" only to withdraw."}
		}
		d, err := h.runPublicationStep(c, action, id, r.Version, r.Note, r.Reason)
		if err != nil {
			return h.apiPublicationErr(c, id, r.Seen, err)
		}
		return h.claimJSONWithPublication(c, d)
	}
}

func (h *handler) claimJSONWithPublication(c echo.Context, d models.ClaimDetail) error {
	c.Response().Header().Set("ETag", d.ETag())
	return c.JSON(http.StatusOK, toClaimJSON(d))
}

// apiPublicationErr answers a conflict with the claim as it is now and
// what changed: the history entries after seen, or the latest one.
func (h *handler) apiPublicationErr(c echo.Context, id, seen int64, err error) error {
	var conf *models.ConflictError
	if !errors.As(err, &conf) {
		return err
	}
	ctx := c.Request().Context()
	cur, cerr := h.store.Claim(ctx, id)
	if cerr != nil {
		return cerr
	}
	hist, herr := h.store.ClaimHistory(ctx, id)
	if herr != nil {
		return herr
	}
	var changed []models.HistoryEntry
	for _, e := range hist {
		if seen > 0 && e.ID > seen {
			changed = append(changed, e)
		}
	}
	if seen <= 0 && len(hist) > 0 {
		changed = hist[len(hist)-1:]
	}
	return c.JSON(http.StatusConflict, map[string]any{"error": conf.Message, "current": toClaimJSON(cur), "changes": toHistoryJSON(changed)})
}

type correctionJSON struct {
	ID             int64     `json:"id"`
	Kind           string    `json:"kind"`
	Note           string    `json:"note"`
	OldVerdict     string    `json:"old_verdict,omitempty"`
	NewVerdict     string    `json:"new_verdict,omitempty"`
	OldExplanation string    `json:"old_explanation,omitempty"`
	NewExplanation string    `json:"new_explanation,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
}

func (h *handler) apiCorrections(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.store.Claim(ctx, id); err != nil {
		return err
	}
	cs, err := h.store.ClaimCorrections(ctx, id)
	if err != nil {
		return err
	}
	out := make([]correctionJSON, 0, len(cs))
	for _, co := range cs {
		out = append(out, correctionJSON{ID: co.ID, Kind: co.Kind, Note: co.Note, OldVerdict: co.OldVerdict, NewVerdict: co.NewVerdict,
			OldExplanation: co.OldExplanation, NewExplanation: co.NewExplanation, CreatedAt: co.CreatedAt})
	}
	return c.JSON(http.StatusOK, map[string]any{"corrections": out})
}

// The public index and the corrections log.

const publicPerPage = 20

// publicPageNumber reads ?page= (from 1).
func publicPageNumber(c echo.Context) (int, error) {
	s := c.QueryParam("page")
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 100000 {
		return 0, models.ValidationError{"page": "The page is a whole number from 1."}
	}
	return n, nil
}

func pageLinks(path string, page int, more bool) (prev, next string) {
	if page > 1 {
		prev = path
		if page > 2 {
			prev += "?page=" + strconv.Itoa(page-1)
		}
	}
	if more {
		next = path + "?page=" + strconv.Itoa(page+1)
	}
	return prev, next
}

func (h *handler) newsroomName(c echo.Context) (string, error) {
	s, err := h.store.Settings(c.Request().Context())
	if err != nil {
		return "", err
	}
	if n := strings.TrimSpace(s["newsroom_name"]); n != "" {
		return n, nil
	}
	return export.DefaultNewsroom, nil
}

// unnamedNewsroom reports whether the newsroom's name is still unset (or
// the placeholder the first run stores).
func unnamedNewsroom(name string) bool {
	n := strings.TrimSpace(name)
	return n == "" || n == export.DefaultNewsroom
}

func factCheckItem(d models.ClaimDetail, scale []models.Verdict) views.FactCheckItem {
	p := export.PublicFace(d, scale)
	return views.FactCheckItem{ID: d.ID, Headline: views.FactCheckHeadline(p, p.ArticleTitle), Verdict: p.Verdict,
		Explanation: p.Explanation, PublishedAt: p.PublishedAt, ModifiedAt: p.PublicModifiedAt, Reverifying: p.ReverifySince != nil}
}

func (h *handler) factChecks(c echo.Context) error {
	page, err := publicPageNumber(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	ds, more, err := h.store.PublishedFactChecks(ctx, page-1, publicPerPage)
	if err != nil {
		return err
	}
	scale, err := h.store.Verdicts(ctx)
	if err != nil {
		return err
	}
	name, err := h.newsroomName(c)
	if err != nil {
		return err
	}
	v := views.PublicListView{Title: "Fact checks by " + name, Intro: "Every fact check we have published, newest first.",
		Feed: "/fact-checks.atom", Page: page, Newsroom: name}
	for _, d := range ds {
		v.Items = append(v.Items, factCheckItem(d, scale))
	}
	v.Prev, v.Next = pageLinks("/fact-checks", page, more)
	return render(c, http.StatusOK, views.PublicListPage(v))
}

func (h *handler) corrections(c echo.Context) error {
	page, err := publicPageNumber(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	es, more, err := h.store.CorrectionsLog(ctx, page-1, publicPerPage)
	if err != nil {
		return err
	}
	scale, err := h.store.Verdicts(ctx)
	if err != nil {
		return err
	}
	name, err := h.newsroomName(c)
	if err != nil {
		return err
	}
	v := views.PublicListView{Title: "Corrections", Intro: "Every correction and withdrawal of a published fact check by " + name + ", newest first.",
		Feed: "/corrections.atom", Page: page, Newsroom: name}
	for _, e := range es {
		it := factCheckItem(e.Claim, scale)
		it.Correction = e.Correction
		v.Items = append(v.Items, it)
	}
	v.Prev, v.Next = pageLinks("/corrections", page, more)
	return render(c, http.StatusOK, views.PublicListPage(v))
}

func (h *handler) factChecksFeed(c echo.Context) error {
	ctx := c.Request().Context()
	ds, _, err := h.store.PublishedFactChecks(ctx, 0, 50)
	if err != nil {
		return err
	}
	scale, err := h.store.Verdicts(ctx)
	if err != nil {
		return err
	}
	name, err := h.newsroomName(c)
	if err != nil {
		return err
	}
	base := h.base(c)
	f := export.Feed{ID: base + "/fact-checks", Title: "Fact checks by " + name, Link: base + "/fact-checks", Self: base + "/fact-checks.atom", Author: name}
	for _, d := range ds {
		p := export.PublicFace(d, scale)
		e := export.FeedEntry{ID: base + "/claims/" + itoa(d.ID), Title: views.FactCheckHeadline(p, p.ArticleTitle), Link: base + "/claims/" + itoa(d.ID),
			Published: derefOr(p.PublishedAt, p.UpdatedAt), Updated: derefOr(p.PublicModifiedAt, p.UpdatedAt), Summary: feedSummary(p)}
		f.Entries = append(f.Entries, e)
	}
	return atom(c, f)
}

func (h *handler) correctionsFeed(c echo.Context) error {
	ctx := c.Request().Context()
	es, _, err := h.store.CorrectionsLog(ctx, 0, 50)
	if err != nil {
		return err
	}
	scale, err := h.store.Verdicts(ctx)
	if err != nil {
		return err
	}
	name, err := h.newsroomName(c)
	if err != nil {
		return err
	}
	base := h.base(c)
	f := export.Feed{ID: base + "/corrections", Title: "Corrections by " + name, Link: base + "/corrections", Self: base + "/corrections.atom", Author: name}
	for _, e := range es {
		p := export.PublicFace(e.Claim, scale)
		kind := "Correction"
		if e.Correction.Kind == models.CorrectionWithdrawal {
			kind, p.Verdict = "Withdrawn", nil
		}
		p.State = models.StatePublished // the headline of the fact-check, without "Withdrawn:"
		f.Entries = append(f.Entries, export.FeedEntry{ID: base + "/corrections#correction-" + itoa(e.Correction.ID),
			Title: kind + ": " + strings.TrimPrefix(views.FactCheckHeadline(p, p.ArticleTitle), "Fact check: "), Link: base + "/claims/" + itoa(p.ID),
			Published: e.Correction.CreatedAt, Updated: e.Correction.CreatedAt, Summary: e.Correction.Note})
	}
	return atom(c, f)
}

func feedSummary(p models.ClaimDetail) string {
	s := ""
	if p.Verdict != nil {
		s = "Rated " + p.Verdict.Label + "."
	}
	if p.Explanation != "" {
		s = strings.TrimSpace(s + " " + p.Explanation)
	}
	return s
}

func derefOr(t *time.Time, or time.Time) time.Time {
	if t == nil {
		return or
	}
	return *t
}

func atom(c echo.Context, f export.Feed) error {
	var buf bytes.Buffer
	if err := export.WriteAtom(&buf, f); err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", buf.Bytes())
}

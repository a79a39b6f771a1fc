package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/anchor"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

// anchorRequest says where a new claim is: code-point offsets (API and the
// occurrence chooser), UTF-16 offsets (the page's script), or a quote.
type anchorRequest struct {
	Start, End     *int
	Start16, End16 *int
	Quote          string
	Prefix, Suffix string
}

// resolveAnchor turns r into a trimmed, checked span of the article's text.
func resolveAnchor(t *anchor.Text, r anchorRequest) (store.NewClaim, error) {
	var start, end int
	switch {
	case r.Start16 != nil || r.End16 != nil:
		if r.Start16 == nil || r.End16 == nil {
			return store.NewClaim{}, models.ValidationError{"start": "Send both ends of the selection."}
		}
		s, e, err := t.FromUTF16(*r.Start16, *r.End16)
		if err != nil {
			return store.NewClaim{}, err
		}
		start, end = s, e
	case r.Start != nil || r.End != nil:
		if r.Start == nil || r.End == nil {
			return store.NewClaim{}, models.ValidationError{"start": "Send both start and end (code points)."}
		}
		start, end = *r.Start, *r.End
	case strings.TrimSpace(r.Quote) != "":
		s, e, err := t.Locate(r.Quote, r.Prefix, r.Suffix)
		var amb *models.AmbiguousError
		if errors.As(err, &amb) {
			return store.NewClaim{}, amb.Truncated()
		}
		if err != nil {
			return store.NewClaim{}, err
		}
		start, end = s, e
	default:
		return store.NewClaim{}, models.ValidationError{"quote": "Select the words of the claim, or give its quote or start and end."}
	}
	if err := t.Check(start, end); err != nil {
		return store.NewClaim{}, err
	}
	start, end = t.Trim(start, end)
	if err := t.Check(start, end); err != nil {
		return store.NewClaim{}, err
	}
	prefix, suffix := t.Context(start, end)
	return store.NewClaim{Start: start, End: end, Quote: t.Slice(start, end), Prefix: prefix, Suffix: suffix}, nil
}

func claimInputFromForm(c echo.Context) models.ClaimInput {
	return models.ClaimInput{
		Summary: formOptional(c, "summary"), Type: formOptional(c, "type"), Claimant: formOptional(c, "claimant"),
		ClaimedAt: formOptional(c, "claimed_at"), Notes: formOptional(c, "notes"),
	}
}

func formInt(c echo.Context, name string) (*int, error) {
	s := strings.TrimSpace(c.FormValue(name))
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil, models.ValidationError{name: "Must be a whole number."}
	}
	return &n, nil
}

// markClaim creates a claim from the page: from the script (fetch, JSON
// answer) or from the plain form (redirect, or a page to choose among
// several occurrences of a quote).
func (h *handler) markClaim(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a, err := h.store.Article(ctx, id)
	if err != nil {
		return err
	}
	form := views.ClaimForm{Quote: c.FormValue("quote"), Claimant: c.FormValue("claimant"), Type: c.FormValue("type"),
		Summary: c.FormValue("summary"), ClaimedAt: c.FormValue("claimed_at"), Notes: c.FormValue("notes")}
	var r anchorRequest
	var ints [4]*int
	for i, name := range []string{"start", "end", "start16", "end16"} {
		if ints[i], err = formInt(c, name); err != nil {
			return h.claimFormError(c, a.ID, form, err)
		}
	}
	r.Start, r.End, r.Start16, r.End16 = ints[0], ints[1], ints[2], ints[3]
	r.Quote, r.Prefix, r.Suffix = form.Quote, c.FormValue("prefix"), c.FormValue("suffix")
	rev, err := formInt(c, "revision")
	if err != nil || rev == nil {
		rev = &a.Revision
	}
	n, err := resolveAnchor(anchor.NewText(a.Text), r)
	if err != nil {
		return h.claimFormError(c, a.ID, form, err)
	}
	n.ArticleID, n.Revision, n.Input = a.ID, *rev, claimInputFromForm(c)
	if n.Link, err = parseMatchRef(c.FormValue("match")); err != nil {
		return h.claimFormError(c, a.ID, form, err)
	}
	d, err := h.store.CreateClaim(ctx, actor(c), n)
	if err != nil {
		return h.claimFormError(c, a.ID, form, err)
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusCreated, toClaimJSON(d))
	}
	return c.Redirect(http.StatusSeeOther, "/articles/"+itoa(a.ID)+"#claim-"+itoa(d.ID))
}

// claimFormError answers a failed mark: JSON for the script; for the plain
// form, the occurrence chooser or the article page with messages.
func (h *handler) claimFormError(c echo.Context, articleID int64, form views.ClaimForm, err error) error {
	if wantsJSON(c) {
		return err
	}
	var (
		verr models.ValidationError
		amb  *models.AmbiguousError
	)
	switch {
	case errors.As(err, &amb):
		a, aerr := h.store.Article(c.Request().Context(), articleID)
		if aerr != nil {
			return aerr
		}
		return render(c, http.StatusUnprocessableEntity, views.ChooseOccurrencePage(views.ChooseView{Article: a, Form: form, Occurrences: amb.Occurrences, Total: amb.Total}))
	case errors.As(err, &verr):
		form.Errors = verr
		if _, ok := verr["quote"]; !ok {
			if _, ok := verr[""]; !ok {
				form.Errors = models.ValidationError{"": firstMessage(verr)}
				for k, v := range verr {
					form.Errors[k] = v
				}
			}
		}
		return h.renderArticle(c, articleID, http.StatusUnprocessableEntity, form)
	}
	return err
}

func firstMessage(v models.ValidationError) string {
	for _, m := range v {
		return m
	}
	return ""
}

// showClaim is the claim's page: the working page for signed-in users,
// the public page for everyone else.
func (h *handler) showClaim(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, ok := c.Get(userKey).(models.User); !ok {
		return h.publicClaim(c, id)
	}
	d, err := h.store.Claim(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return h.renderClaim(c, http.StatusOK, d, formFromClaim(d), "")
}

func formFromClaim(d models.ClaimDetail) views.ClaimForm {
	f := views.ClaimForm{Type: string(d.Type), Summary: d.Summary, Notes: d.Notes}
	if d.Claimant != nil {
		f.Claimant = d.Claimant.Name
	}
	if d.ClaimedAt != nil {
		f.ClaimedAt = d.ClaimedAt.Format("2006-01-02")
	}
	return f
}

func (h *handler) renderClaim(c echo.Context, status int, d models.ClaimDetail, f views.ClaimForm, conflict string) error {
	evidence, err := h.evidenceSection(c, d)
	if err != nil {
		return err
	}
	review, err := h.reviewSection(c, d)
	if err != nil {
		return err
	}
	art, err := h.store.Article(c.Request().Context(), d.ArticleID)
	if err != nil {
		return err
	}
	current := d.AnchorState != models.AnchorOrphaned && d.AnchorRevision == art.Revision
	matches, err := h.claimMatches(c, d)
	if err != nil {
		return err
	}
	return render(c, status, views.ClaimPage(views.ClaimView{Claim: d, Form: f, Types: models.ClaimTypes, Conflict: conflict,
		Evidence: evidence, Review: review, Matches: matches, ArticleRevision: art.Revision, Context: views.NewClaimContext(art.Text, d.Claim, current)}))
}

func (h *handler) editClaim(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	version, err := formInt(c, "version")
	if err != nil || version == nil {
		return models.ValidationError{"version": "The form is missing the claim's version. Reload the page."}
	}
	in := claimInputFromForm(c)
	ctx := c.Request().Context()
	d, err := h.store.UpdateClaim(ctx, actor(c), id, store.ClaimPatch{Version: *version, Content: in})
	var (
		verr models.ValidationError
		conf *models.ConflictError
	)
	switch {
	case errors.As(err, &conf):
		cur, cerr := h.store.Claim(ctx, id)
		if cerr != nil {
			return cerr
		}
		f := formFromClaim(cur)
		mine := views.ClaimForm{Claimant: c.FormValue("claimant"), Type: c.FormValue("type"), Summary: c.FormValue("summary"), ClaimedAt: c.FormValue("claimed_at"), Notes: c.FormValue("notes")}
		f.Errors = models.ValidationError{}
		keepMine(&f, mine)
		return h.renderClaim(c, http.StatusConflict, cur, f, conf.Message)
	case errors.As(err, &verr):
		cur, cerr := h.store.Claim(ctx, id)
		if cerr != nil {
			return cerr
		}
		f := views.ClaimForm{Claimant: c.FormValue("claimant"), Type: c.FormValue("type"), Summary: c.FormValue("summary"), ClaimedAt: c.FormValue("claimed_at"), Notes: c.FormValue("notes"), Errors: verr}
		return h.renderClaim(c, http.StatusUnprocessableEntity, cur, f, "")
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/claims/"+itoa(d.ID))
}

// keepMine puts the user's unsaved values in the form where they differ
// from the current claim, and flags those fields so nothing typed is lost.
func keepMine(f *views.ClaimForm, mine views.ClaimForm) {
	pairs := []struct {
		name      string
		cur, mine *string
	}{
		{"claimant", &f.Claimant, &mine.Claimant}, {"type", &f.Type, &mine.Type}, {"summary", &f.Summary, &mine.Summary},
		{"claimed_at", &f.ClaimedAt, &mine.ClaimedAt}, {"notes", &f.Notes, &mine.Notes},
	}
	for _, p := range pairs {
		if *p.cur != *p.mine {
			f.Errors[p.name] = "Now: “" + *p.cur + "”. Your unsaved text is in the field."
			*p.cur = *p.mine
		}
	}
}

func (h *handler) deleteClaim(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	d, err := h.store.Claim(ctx, id)
	if err != nil {
		return err
	}
	version, _ := formInt(c, "version")
	v := 0
	if version != nil {
		v = *version
	}
	if err := h.store.DeleteClaim(ctx, actor(c), id, v); err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, "/articles/"+itoa(d.ArticleID))
}

func (h *handler) claimantOptions(c echo.Context) error {
	q := c.QueryParam("q")
	if len([]rune(q)) > 200 {
		return &badRequest{msg: "Bad query parameter.", fields: map[string]string{"q": "Keep the search under 200 characters."}}
	}
	cs, err := h.store.Claimants(c.Request().Context(), q, 20)
	if err != nil {
		return err
	}
	out := make([]claimantJSON, len(cs))
	for i, cl := range cs {
		out[i] = toClaimantJSON(cl)
	}
	return c.JSON(http.StatusOK, out)
}

// API

type claimantJSON struct {
	ID          int64    `json:"id"`
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	Title       string   `json:"title"`
	Affiliation string   `json:"affiliation"`
	SameAs      []string `json:"same_as"`
}

func toClaimantJSON(c models.Claimant) claimantJSON {
	same := c.SameAs
	if same == nil {
		same = []string{}
	}
	return claimantJSON{ID: c.ID, Name: c.Name, Kind: c.Kind, Title: c.Title, Affiliation: c.Affiliation, SameAs: same}
}

type verdictJSON struct {
	ID           int64  `json:"id"`
	Label        string `json:"label"`
	Position     int    `json:"position"`
	Value        *int   `json:"value"`
	Colour       string `json:"colour"`
	Description  string `json:"description"`
	NotCheckable bool   `json:"not_checkable"`
}

func toVerdictJSON(v models.Verdict) verdictJSON {
	return verdictJSON{ID: v.ID, Label: v.Label, Position: v.Position, Value: v.Value, Colour: v.Colour, Description: v.Description, NotCheckable: v.NotCheckable}
}

type anchorJSON struct {
	State         models.AnchorState `json:"state"`
	Revision      int                `json:"revision"`
	PreviousQuote string             `json:"previous_quote,omitempty"`
}

type claimJSON struct {
	ID            int64            `json:"id"`
	ArticleID     int64            `json:"article_id"`
	Number        int              `json:"number"`
	Start         int              `json:"start"`
	End           int              `json:"end"`
	Quote         string           `json:"quote"`
	Prefix        string           `json:"prefix"`
	Suffix        string           `json:"suffix"`
	Summary       string           `json:"summary"`
	Type          models.ClaimType `json:"type"`
	Claimant      *claimantRef     `json:"claimant"`
	ClaimedAt     *string          `json:"claimed_at"`
	Notes         string           `json:"notes"`
	State         models.State     `json:"state"`
	Verdict       *verdictJSON     `json:"verdict"`
	Explanation   string           `json:"explanation"`
	Rationale     string           `json:"rationale"`
	Assignee      *userRef         `json:"assignee"`
	Due           *string          `json:"due"`
	EvidenceCount int              `json:"evidence_count"`
	Anchor        anchorJSON       `json:"anchor"`
	Publication   *publicationJSON `json:"publication"` // null until first published
	Version       int              `json:"version"`
	CreatedAt     time.Time        `json:"created_at"`
	UpdatedAt     time.Time        `json:"updated_at"`
}

type claimantRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type userRef struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

func toClaimJSON(d models.ClaimDetail) claimJSON {
	j := claimJSON{ID: d.ID, ArticleID: d.ArticleID, Number: d.Number, Start: d.Start, End: d.End, Quote: d.Quote, Prefix: d.Prefix, Suffix: d.Suffix,
		Summary: d.Summary, Type: d.Type, ClaimedAt: dateString(d.ClaimedAt), Notes: d.Notes, State: d.State,
		Explanation: d.Explanation, Rationale: d.Rationale, Due: dateString(d.Due), EvidenceCount: d.EvidenceCount,
		Anchor:  anchorJSON{State: d.AnchorState, Revision: d.AnchorRevision, PreviousQuote: d.PreviousQuote},
		Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Publication: publicationOf(d)}
	if d.Claimant != nil {
		j.Claimant = &claimantRef{ID: d.Claimant.ID, Name: d.Claimant.Name}
	}
	if d.Verdict != nil {
		v := toVerdictJSON(*d.Verdict)
		j.Verdict = &v
	}
	if d.AssigneeID != nil {
		j.Assignee = &userRef{ID: *d.AssigneeID, Name: d.AssigneeName, Email: d.AssigneeEmail}
	}
	return j
}

type claimCreateRequest struct {
	Start     *int    `json:"start"`
	End       *int    `json:"end"`
	Quote     *string `json:"quote"`
	Prefix    *string `json:"prefix"`
	Suffix    *string `json:"suffix"`
	Revision  *int    `json:"revision"`
	Claimant  flexRef `json:"claimant"` // a value, so that null reaches its decoder
	Summary   *string `json:"summary"`
	Type      *string `json:"type"`
	ClaimedAt *string `json:"claimed_at"`
	Notes     *string `json:"notes"`
}

func (h *handler) apiCreateClaim(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r claimCreateRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	ctx := c.Request().Context()
	text, err := h.articleText(ctx, id)
	if err != nil {
		return err
	}
	if r.Quote != nil && (r.Start != nil || r.End != nil) {
		return models.ValidationError{"quote": "Give either start and end, or a quote, not both."}
	}
	n, err := resolveAnchor(text.Text, anchorRequest{Start: r.Start, End: r.End, Quote: deref(r.Quote), Prefix: deref(r.Prefix), Suffix: deref(r.Suffix)})
	if err != nil {
		return err
	}
	n.ArticleID, n.Revision = id, text.revision
	if r.Revision != nil {
		n.Revision = *r.Revision
	}
	n.Input = models.ClaimInput{Summary: r.Summary, Type: r.Type, ClaimedAt: r.ClaimedAt, Notes: r.Notes}
	if r.Claimant.s != nil {
		n.Input.Claimant, n.Input.ClaimantKind = r.Claimant.s, r.Claimant.kind
	}
	d, err := h.store.CreateClaim(ctx, actor(c), n)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/claims/"+itoa(d.ID))
	c.Response().Header().Set("ETag", d.ETag())
	return c.JSON(http.StatusCreated, toClaimJSON(d))
}

// apiArticleClaims lists an article's claims in reading order. Like the
// reading page it is keyed on the article's revision and page stamp: the
// key is the response's ETag (a client that sends it back in If-None-Match
// gets 304 Not Modified), and the encoded list is kept in h.claimLists.
func (h *handler) apiArticleClaims(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	stamp, err := h.store.PageStamp(ctx, id)
	if err != nil {
		return err
	}
	a, err := h.store.Article(ctx, id)
	if err != nil {
		return err
	}
	key := pageKey{article: id, revision: a.Revision, stamp: stamp}
	etag := fmt.Sprintf(`"claims-%d-r%d-s%d"`, id, a.Revision, stamp)
	c.Response().Header().Set("ETag", etag)
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	body, ok := h.claimLists.get(key)
	if !ok {
		ds, err := h.store.ArticleClaims(ctx, id)
		if err != nil {
			return err
		}
		items := make([]claimJSON, len(ds))
		for i, d := range ds {
			items[i] = toClaimJSON(d)
		}
		b, err := json.Marshal(map[string]any{"items": items})
		if err != nil {
			return err
		}
		body = jsonBody(append(b, '\n'))
		h.claimLists.put(key, body)
	}
	return c.JSONBlob(http.StatusOK, body)
}

// etagMatches reports whether an If-None-Match header names etag (or is *).
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

func (h *handler) apiClaim(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := h.store.Claim(c.Request().Context(), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", d.ETag())
	return c.JSON(http.StatusOK, toClaimJSON(d))
}

type claimPatchRequest struct {
	Version     *int        `json:"version"`
	Claimant    flexRef     `json:"claimant"` // values, so that null reaches their decoders
	Summary     *string     `json:"summary"`
	Type        *string     `json:"type"`
	ClaimedAt   *string     `json:"claimed_at"`
	Notes       *string     `json:"notes"`
	State       *string     `json:"state"`
	Verdict     verdictRef  `json:"verdict"`
	Explanation *string     `json:"explanation"`
	Rationale   *string     `json:"rationale"`
	Assignee    assigneeRef `json:"assignee"`
	Due         *string     `json:"due"`
	Reason      *string     `json:"reason"`
}

func (h *handler) apiUpdateClaim(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r claimPatchRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	p := store.ClaimPatch{
		Content: models.ClaimInput{Summary: r.Summary, Type: r.Type, ClaimedAt: r.ClaimedAt, Notes: r.Notes},
		State:   r.State, Explanation: r.Explanation, Rationale: r.Rationale, Due: r.Due, Reason: deref(r.Reason),
	}
	if r.Claimant.s != nil {
		p.Content.Claimant, p.Content.ClaimantKind = r.Claimant.s, r.Claimant.kind
	}
	if r.Verdict.s != nil {
		p.Verdict = r.Verdict.s
	}
	if r.Assignee.s != nil {
		p.Assignee = r.Assignee.s
	}
	switch {
	case r.Version != nil:
		p.Version = *r.Version
	case c.Request().Header.Get("If-Match") != "":
		v, ok := versionFromETag(c.Request().Header.Get("If-Match"), id)
		if !ok {
			return &badRequest{msg: "If-Match must be the claim's ETag, as GET returned it."}
		}
		p.Version = v
	}
	d, err := h.store.UpdateClaim(c.Request().Context(), actor(c), id, p)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", d.ETag())
	return c.JSON(http.StatusOK, toClaimJSON(d))
}

// versionFromETag reads "claim-ID-vN" (quoted, possibly weak).
func versionFromETag(tag string, id int64) (int, bool) {
	tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
	tag = strings.Trim(tag, `"`)
	rest, ok := strings.CutPrefix(tag, "claim-"+strconv.FormatInt(id, 10)+"-v")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n > 0
}

func (h *handler) apiDeleteClaim(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v := 0
	if tag := c.Request().Header.Get("If-Match"); tag != "" {
		n, ok := versionFromETag(tag, id)
		if !ok {
			return &badRequest{msg: "If-Match must be the claim's ETag, as GET returned it."}
		}
		v = n
	}
	if err := h.store.DeleteClaim(c.Request().Context(), actor(c), id, v); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handler) apiVerdicts(c echo.Context) error {
	vs, err := h.store.Verdicts(c.Request().Context())
	if err != nil {
		return err
	}
	return jsonItems(c, vs, func(v models.Verdict) scaleLabelJSON { return scaleLabelJSON{toVerdictJSON(v), v.Version} })
}

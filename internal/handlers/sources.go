package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

// sourceRoutes registers the routes of claimants, sources and evidence.
func (h *handler) sourceRoutes(pages, api *echo.Group) {
	pages.GET("/sources", h.listSources)
	pages.POST("/sources", h.createSource)
	pages.GET("/sources.json", h.sourceOptions)
	pages.POST("/sources/lookup", h.lookupSource)
	pages.GET("/sources/:id", h.showSource)
	pages.POST("/sources/:id", h.editSource)
	pages.GET("/claimants", h.listClaimants)
	pages.POST("/claimants", h.createClaimant)
	pages.GET("/claimants/:id", h.showClaimant)
	pages.POST("/claimants/:id", h.editClaimant)
	pages.POST("/claimants/:id/merge", h.mergeClaimant)
	pages.GET("/claims/:id/evidence", h.evidenceFragment)
	pages.POST("/claims/:id/evidence", h.addEvidence)
	pages.POST("/claims/:id/origin", h.setOrigin)
	pages.POST("/evidence/:id", h.editEvidence)
	pages.POST("/evidence/:id/delete", h.deleteEvidence)

	api.POST("/claimants", h.apiCreateClaimant)
	api.GET("/claimants", h.apiListClaimants)
	api.GET("/claimants/:id", h.apiClaimant)
	api.PATCH("/claimants/:id", h.apiUpdateClaimant)
	api.POST("/claimants/:id/merge", h.apiMergeClaimant)
	api.GET("/claimants/:id/claims", h.apiClaimantClaims)
	api.POST("/sources", h.apiCreateSource)
	api.GET("/sources", h.apiListSources)
	api.GET("/sources/:id", h.apiSource)
	api.PATCH("/sources/:id", h.apiUpdateSource)
	api.GET("/sources/:id/claims", h.apiSourceClaims)
	api.POST("/claims/:id/evidence", h.apiAddEvidence)
	api.GET("/claims/:id/evidence", h.apiClaimEvidence)
	api.GET("/claims/:id/origin", h.apiOrigin)
	api.PUT("/claims/:id/origin", h.apiSetOrigin)
	api.GET("/evidence/:id", h.apiEvidence)
	api.PATCH("/evidence/:id", h.apiUpdateEvidence)
	api.DELETE("/evidence/:id", h.apiDeleteEvidence)
}

// ---- The claim page's evidence section ----

// evidenceState is what a failed or finished evidence action hands to the
// section it renders next: the forms as typed, messages, choices.
type evidenceState struct {
	add      *views.EvidenceForm
	choices  []models.Source
	editID   int64
	edit     *views.EvidenceForm
	origin   *views.OriginForm
	conflict string
	flash    string
}

const evidenceStateKey = "evidence-state"

// flashes are the status lines shown after a change made without a script
// (the redirect carries the key).
var flashes = map[string]string{
	"added":   "Evidence added.",
	"updated": "Evidence saved.",
	"removed": "Evidence removed. The source stays in the library.",
	"origin":  "Where the claim was made is saved.",
}

// evidenceSection builds the claim page's evidence part.
func (h *handler) evidenceSection(c echo.Context, d models.ClaimDetail) (views.EvidenceSection, error) {
	ctx := c.Request().Context()
	items, err := h.store.ClaimEvidence(ctx, d.ID)
	if err != nil {
		return views.EvidenceSection{}, err
	}
	o, err := h.store.ClaimOrigin(ctx, d.ID)
	if err != nil {
		return views.EvidenceSection{}, err
	}
	v := views.EvidenceSection{
		ClaimID: d.ID, ClaimVersion: o.Version, Items: items,
		Origin:     views.OriginView{ClaimedAt: o.ClaimedAt, Place: o.Place, FirstAppearance: o.FirstAppearance, Appearances: o.Appearances},
		OriginForm: views.OriginForm{Place: o.Place, FirstAppearance: o.FirstAppearance, Appearances: strings.Join(o.Appearances, "\n")},
		Flash:      flashes[c.QueryParam("evidence")],
	}
	if id, err := strconv.ParseInt(c.QueryParam("edit_evidence"), 10, 64); err == nil {
		for _, e := range items {
			if e.ID == id {
				v.EditID = id
				v.Edit = views.EvidenceForm{Stance: string(e.Stance), Passage: e.Passage, Note: e.Note, Version: itoa(e.Version)}
			}
		}
	}
	if st, ok := c.Get(evidenceStateKey).(*evidenceState); ok {
		if st.add != nil {
			v.Add, v.OpenAdd = *st.add, true
		}
		v.Choices = st.choices
		if st.edit != nil {
			v.EditID, v.Edit = st.editID, *st.edit
		}
		if st.origin != nil {
			v.OriginForm, v.OpenOrigin = *st.origin, true
		}
		v.Conflict, v.Flash = st.conflict, st.flash
	}
	return v, nil
}

// fragment reports whether the page's script asked for the evidence
// section alone (the article page's dialog, or a change made in place).
func fragment(c echo.Context) bool { return c.Request().Header.Get("X-Fragment") == "evidence" }

// respondEvidence answers an evidence action: the section alone for the
// script, the claim page with messages after a failure, or a redirect to
// the claim page after a success.
func (h *handler) respondEvidence(c echo.Context, claimID int64, status int, st *evidenceState, flashKey string) error {
	if !fragment(c) && status < 300 {
		return c.Redirect(http.StatusSeeOther, "/claims/"+itoa(claimID)+"?evidence="+flashKey+"#evidence")
	}
	d, err := h.store.Claim(c.Request().Context(), claimID)
	if err != nil {
		return err
	}
	if st == nil {
		st = &evidenceState{}
	}
	if st.flash == "" {
		st.flash = flashes[flashKey]
	}
	c.Set(evidenceStateKey, st)
	if !fragment(c) {
		return h.renderClaim(c, status, d, formFromClaim(d), "")
	}
	v, err := h.evidenceSection(c, d)
	if err != nil {
		return err
	}
	v.Fragment = true
	return render(c, status, views.EvidenceFragment(v))
}

func (h *handler) evidenceFragment(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if !fragment(c) {
		q := ""
		if e := c.QueryParam("edit_evidence"); e != "" {
			q = "?edit_evidence=" + e
		}
		return c.Redirect(http.StatusSeeOther, "/claims/"+itoa(id)+q+"#evidence")
	}
	return h.respondEvidence(c, id, http.StatusOK, nil, "")
}

// looksLikeURL tells an address (to add or refuse) from words to search.
func looksLikeURL(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, " \t\n") {
		return false
	}
	lower := strings.ToLower(s)
	if strings.HasPrefix(lower, "www.") || strings.Contains(s, "://") {
		return true
	}
	scheme, _, ok := strings.Cut(lower, ":")
	if !ok || scheme == "" {
		return false
	}
	for _, r := range scheme {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// formSourceID returns the first non-empty source_id of the form (the
// hidden field set by the script, or a chosen radio button).
func formSourceID(c echo.Context) string {
	params, err := c.FormParams()
	if err != nil {
		return ""
	}
	for _, s := range params["source_id"] {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// formFields maps the store's field names to the add form's.
var formFields = map[string]string{"source.url": "source", "source_id": "source", "source.title": "title",
	"source.publisher": "publisher", "source.kind": "kind"}

func (h *handler) addEvidence(c echo.Context) error {
	if err := must(c, models.ActEditEvidence); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f := views.EvidenceForm{Source: c.FormValue("source"), Stance: c.FormValue("stance"), Passage: c.FormValue("passage"),
		Note: c.FormValue("note"), Title: c.FormValue("title"), Publisher: c.FormValue("publisher"), Kind: c.FormValue("kind")}
	fail := func(status int, errs models.ValidationError, choices []models.Source, conflict string) error {
		f.Errors = errs
		return h.respondEvidence(c, id, status, &evidenceState{add: &f, choices: choices, conflict: conflict}, "")
	}
	in := store.EvidenceInput{Stance: f.Stance, Passage: f.Passage, Note: f.Note}
	switch sid := formSourceID(c); {
	case sid != "":
		n, err := strconv.ParseInt(sid, 10, 64)
		if err != nil {
			return fail(http.StatusUnprocessableEntity, models.ValidationError{"source": "Choose the source again."}, nil, "")
		}
		in.SourceID = &n
	case looksLikeURL(f.Source):
		src := store.SourceInput{URL: &f.Source, Title: &f.Title, Publisher: &f.Publisher, Kind: &f.Kind}
		if strings.TrimSpace(f.Title) == "" {
			if _, err := h.store.SourceByURL(ctx, f.Source); errors.Is(err, models.ErrNotFound) {
				if title, err := h.fetchTitle(ctx, f.Source); err == nil {
					src.Title = &title
				}
			}
		}
		in.Source = &src
	case strings.TrimSpace(f.Source) == "":
		if _, err := store.ParseStance(f.Stance); err != nil {
			return fail(http.StatusUnprocessableEntity, models.ValidationError{"source": "Search the library for a source, or paste the address of a new one.", "stance": err.(models.ValidationError)["stance"]}, nil, "")
		}
		return fail(http.StatusUnprocessableEntity, models.ValidationError{"source": "Search the library for a source, or paste the address of a new one."}, nil, "")
	default:
		p, err := h.store.Sources(ctx, store.SourceQuery{Q: f.Source, PerPage: 10})
		if err != nil {
			return err
		}
		if len(p.Items) == 0 {
			return fail(http.StatusUnprocessableEntity, models.ValidationError{"source": fmt.Sprintf("No source in the library matches “%s”. Paste the address of a new source instead.", f.Source)}, nil, "")
		}
		return fail(http.StatusUnprocessableEntity, models.ValidationError{"": "Choose which source you mean, then add the evidence.", "source": "Several sources may match: choose one below."}, p.Items, "")
	}
	e, err := h.store.AddEvidence(ctx, actor(c), id, in)
	var (
		verr models.ValidationError
		conf *models.ConflictError
	)
	switch {
	case errors.As(err, &verr):
		errs := models.ValidationError{}
		for k, m := range verr {
			if to, ok := formFields[k]; ok {
				k = to
			}
			errs.Add(k, m)
		}
		return fail(http.StatusUnprocessableEntity, errs, nil, "")
	case errors.As(err, &conf):
		return fail(http.StatusConflict, nil, nil, conf.Message)
	case err != nil:
		return err
	}
	st := &evidenceState{flash: fmt.Sprintf("Evidence added: “%s” (%s).", views.SourceTitle(e.Source), e.Stance)}
	return h.respondEvidence(c, id, http.StatusOK, st, "added")
}

// fetchTitle asks the page at raw for its title, with the admin's network rules.
func (h *handler) fetchTitle(ctx context.Context, raw string) (string, error) {
	f, err := h.fetcher(ctx)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, h.fetchTimeout+time.Second)
	defer cancel()
	return f.FetchTitle(ctx, raw)
}

func (h *handler) editEvidence(c echo.Context) error {
	if err := must(c, models.ActEditEvidence); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cur, err := h.store.EvidenceItem(ctx, id)
	if err != nil {
		return err
	}
	f := views.EvidenceForm{Stance: c.FormValue("stance"), Passage: c.FormValue("passage"), Note: c.FormValue("note"), Version: c.FormValue("version")}
	version, _ := strconv.Atoi(f.Version)
	_, err = h.store.UpdateEvidence(ctx, actor(c), id, store.EvidencePatch{Version: version, Stance: &f.Stance, Passage: &f.Passage, Note: &f.Note})
	var (
		verr models.ValidationError
		conf *models.ConflictError
	)
	switch {
	case errors.As(err, &verr):
		f.Errors = verr
		return h.respondEvidence(c, cur.ClaimID, http.StatusUnprocessableEntity, &evidenceState{editID: id, edit: &f}, "")
	case errors.As(err, &conf):
		if now, ok := conf.Current.(models.Evidence); ok && now.ID == id {
			f.Version = itoa(now.Version) // keep what was typed; saving again applies it over theirs
		}
		f.Errors = models.ValidationError{}
		return h.respondEvidence(c, cur.ClaimID, http.StatusConflict, &evidenceState{editID: id, edit: &f, conflict: conf.Message}, "")
	case err != nil:
		return err
	}
	return h.respondEvidence(c, cur.ClaimID, http.StatusOK, nil, "updated")
}

func (h *handler) deleteEvidence(c echo.Context) error {
	if err := must(c, models.ActEditEvidence); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	ctx := c.Request().Context()
	e, err := h.store.EvidenceItem(ctx, id)
	if err != nil {
		return err
	}
	_, err = h.store.DeleteEvidence(ctx, actor(c), id, version)
	var conf *models.ConflictError
	if errors.As(err, &conf) {
		return h.respondEvidence(c, e.ClaimID, http.StatusConflict, &evidenceState{conflict: conf.Message + " Nothing was removed."}, "")
	}
	if err != nil {
		return err
	}
	st := &evidenceState{flash: fmt.Sprintf("Removed “%s” from this claim's evidence. The source stays in the library.", views.SourceTitle(e.Source))}
	return h.respondEvidence(c, e.ClaimID, http.StatusOK, st, "removed")
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func (h *handler) setOrigin(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f := views.OriginForm{Place: c.FormValue("place"), FirstAppearance: c.FormValue("first_appearance"), Appearances: c.FormValue("appearances")}
	version, _ := strconv.Atoi(c.FormValue("version"))
	apps := splitLines(f.Appearances)
	_, err = h.store.SetClaimOrigin(c.Request().Context(), actor(c), id, store.OriginInput{Version: version, Place: &f.Place, FirstAppearance: &f.FirstAppearance, Appearances: &apps})
	var (
		verr models.ValidationError
		conf *models.ConflictError
	)
	switch {
	case errors.As(err, &verr):
		f.Errors = verr
		return h.respondEvidence(c, id, http.StatusUnprocessableEntity, &evidenceState{origin: &f}, "")
	case errors.As(err, &conf):
		f.Errors = models.ValidationError{}
		return h.respondEvidence(c, id, http.StatusConflict, &evidenceState{origin: &f, conflict: conf.Message}, "")
	case err != nil:
		return err
	}
	return h.respondEvidence(c, id, http.StatusOK, nil, "origin")
}

// ---- Source library pages ----

func pageParams(c echo.Context, def int) (page, per int, err error) {
	if page, err = queryInt(c, "page", 1, 100000); err != nil {
		return
	}
	per, err = queryInt(c, "per_page", def, 100)
	return
}

func searchParam(c echo.Context) (string, error) {
	q := strings.TrimSpace(c.QueryParam("q"))
	if len([]rune(q)) > 200 {
		return "", &badRequest{msg: "Bad query parameter.", fields: map[string]string{"q": "Keep the search under 200 characters."}}
	}
	return q, nil
}

func (h *handler) listSources(c echo.Context) error {
	return h.renderSources(c, http.StatusOK, views.SourceForm{}, "")
}

func (h *handler) renderSources(c echo.Context, status int, f views.SourceForm, flash string) error {
	q, err := searchParam(c)
	if err != nil {
		return err
	}
	page, per, err := pageParams(c, 25)
	if err != nil {
		return err
	}
	p, err := h.store.Sources(c.Request().Context(), store.SourceQuery{Q: q, Page: page, PerPage: per})
	if err != nil {
		return err
	}
	v := views.SourcesView{Q: q, Page: p.Page, HasNext: p.HasNext, Form: f, Flash: flash}
	for _, s := range p.Items {
		v.Items = append(v.Items, views.SourceRow{Source: s, Citations: p.Citations[s.ID]})
	}
	return render(c, status, views.SourcesPage(v))
}

func sourceFormValues(c echo.Context) views.SourceForm {
	return views.SourceForm{URL: c.FormValue("url"), Title: c.FormValue("title"), Publisher: c.FormValue("publisher"),
		Kind: c.FormValue("kind"), PublishedAt: c.FormValue("published_at"), AccessedAt: c.FormValue("accessed_at"),
		ArchiveURL: c.FormValue("archive_url"), Notes: c.FormValue("notes"), Version: c.FormValue("version")}
}

func sourceInputOf(f views.SourceForm) store.SourceInput {
	return store.SourceInput{URL: &f.URL, Title: &f.Title, Publisher: &f.Publisher, Kind: &f.Kind, PublishedAt: &f.PublishedAt,
		AccessedAt: &f.AccessedAt, ArchiveURL: &f.ArchiveURL, Notes: &f.Notes}
}

func (h *handler) createSource(c echo.Context) error {
	if err := must(c, models.ActEditEvidence); err != nil {
		return err
	}
	f := sourceFormValues(c)
	in := sourceInputOf(f)
	if strings.TrimSpace(f.AccessedAt) == "" {
		in.AccessedAt = nil // today
	}
	src, err := h.store.CreateSource(c.Request().Context(), actor(c), in)
	var (
		verr models.ValidationError
		conf *models.ConflictError
	)
	switch {
	case errors.As(err, &verr):
		f.Errors = verr
		return h.renderSources(c, http.StatusUnprocessableEntity, f, "")
	case errors.As(err, &conf):
		f.Errors = models.ValidationError{"url": conf.Message}
		if cur, ok := conf.Current.(models.Source); ok {
			return c.Redirect(http.StatusSeeOther, "/sources/"+itoa(cur.ID)+"?exists=1")
		}
		return h.renderSources(c, http.StatusConflict, f, "")
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/sources/"+itoa(src.ID)+"?saved=1")
}

func (h *handler) showSource(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	src, err := h.store.Source(c.Request().Context(), id)
	if err != nil {
		return err
	}
	flash := ""
	switch {
	case c.QueryParam("saved") != "":
		flash = "Source saved."
	case c.QueryParam("exists") != "":
		flash = "That document is already in the library: here it is."
	}
	return h.renderSource(c, http.StatusOK, src, views.FormFromSource(src), flash, "")
}

func (h *handler) renderSource(c echo.Context, status int, src models.Source, f views.SourceForm, flash, conflict string) error {
	page, per, err := pageParams(c, 50)
	if err != nil {
		return err
	}
	cites, more, err := h.store.SourceCitations(c.Request().Context(), src.ID, page, per)
	if err != nil {
		return err
	}
	v := views.SourceView{Source: src, Page: page, HasNext: more, Form: f, Flash: flash, Conflict: conflict}
	for _, ct := range cites {
		v.Citations = append(v.Citations, views.CitationRow{Evidence: ct.Evidence, Claim: ct.Claim})
	}
	return render(c, status, views.SourcePage(v))
}

func (h *handler) editSource(c echo.Context) error {
	if err := must(c, models.ActEditEvidence); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f := sourceFormValues(c)
	version, _ := strconv.Atoi(f.Version)
	src, err := h.store.UpdateSource(ctx, actor(c), id, version, sourceInputOf(f))
	var (
		verr models.ValidationError
		conf *models.ConflictError
	)
	switch {
	case errors.As(err, &verr):
		cur, cerr := h.store.Source(ctx, id)
		if cerr != nil {
			return cerr
		}
		f.Errors = verr
		return h.renderSource(c, http.StatusUnprocessableEntity, cur, f, "", "")
	case errors.As(err, &conf):
		cur, cerr := h.store.Source(ctx, id)
		if cerr != nil {
			return cerr
		}
		if _, stale := conf.Current.(models.Source); stale {
			f.Version = itoa(cur.Version)
		}
		return h.renderSource(c, http.StatusConflict, cur, f, "", conf.Message)
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/sources/"+itoa(src.ID)+"?saved=1")
}

// sourceOptions answers the evidence form's search as you type.
func (h *handler) sourceOptions(c echo.Context) error {
	q, err := searchParam(c)
	if err != nil {
		return err
	}
	p, err := h.store.Sources(c.Request().Context(), store.SourceQuery{Q: q, PerPage: 8})
	if err != nil {
		return err
	}
	items := make([]sourceJSON, len(p.Items))
	for i, s := range p.Items {
		n := p.Citations[s.ID]
		items[i] = toSourceJSON(s, &n)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// lookupSource is what the evidence form asks when an address is pasted:
// the library's source for it, or else the page's title when the server may fetch it.
func (h *handler) lookupSource(c echo.Context) error {
	if err := must(c, models.ActEditEvidence); err != nil {
		return err
	}
	raw := c.FormValue("url")
	u, err := store.NormalizeURL(raw)
	if err != nil {
		return models.ValidationError{"url": err.Error()}
	}
	ctx := c.Request().Context()
	src, err := h.store.SourceByURL(ctx, u)
	switch {
	case err == nil:
		return c.JSON(http.StatusOK, map[string]any{"url": u, "source": toSourceJSON(src, nil)})
	case !errors.Is(err, models.ErrNotFound):
		return err
	}
	out := map[string]any{"url": u, "source": nil, "title": ""}
	title, err := h.fetchTitle(ctx, u)
	var verr models.ValidationError
	switch {
	case errors.As(err, &verr):
		out["fetch_error"] = firstMessage(verr) + " Type the title yourself."
	case err != nil:
		out["fetch_error"] = "The page's title could not be fetched. Type it yourself."
	default:
		out["title"] = title
	}
	return c.JSON(http.StatusOK, out)
}

// ---- Claimant pages ----

func (h *handler) listClaimants(c echo.Context) error {
	return h.renderClaimants(c, http.StatusOK, views.ClaimantForm{})
}

func (h *handler) renderClaimants(c echo.Context, status int, f views.ClaimantForm) error {
	q, err := searchParam(c)
	if err != nil {
		return err
	}
	page, per, err := pageParams(c, 50)
	if err != nil {
		return err
	}
	p, err := h.store.ClaimantList(c.Request().Context(), store.ClaimantQuery{Q: q, Page: page, PerPage: per})
	if err != nil {
		return err
	}
	v := views.ClaimantsView{Q: q, Page: p.Page, HasNext: p.HasNext, Form: f}
	for _, cl := range p.Items {
		v.Items = append(v.Items, views.ClaimantRow{Claimant: cl, Claims: p.Claims[cl.ID]})
	}
	return render(c, status, views.ClaimantsPage(v))
}

func claimantFormValues(c echo.Context) views.ClaimantForm {
	return views.ClaimantForm{Name: c.FormValue("name"), Kind: c.FormValue("kind"), Title: c.FormValue("title"),
		Affiliation: c.FormValue("affiliation"), SameAs: c.FormValue("same_as"), Version: c.FormValue("version")}
}

func claimantInputOf(f views.ClaimantForm) store.ClaimantInput {
	links := splitLines(f.SameAs)
	return store.ClaimantInput{Name: &f.Name, Kind: &f.Kind, Title: &f.Title, Affiliation: &f.Affiliation, SameAs: &links}
}

func (h *handler) createClaimant(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	f := claimantFormValues(c)
	cl, err := h.store.CreateClaimant(c.Request().Context(), actor(c), claimantInputOf(f))
	var (
		verr models.ValidationError
		conf *models.ConflictError
	)
	switch {
	case errors.As(err, &verr):
		f.Errors = verr
		return h.renderClaimants(c, http.StatusUnprocessableEntity, f)
	case errors.As(err, &conf):
		f.Errors = models.ValidationError{"name": conf.Message}
		return h.renderClaimants(c, http.StatusConflict, f)
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/claimants/"+itoa(cl.ID)+"?saved=1")
}

func (h *handler) showClaimant(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	cl, err := h.store.Claimant(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := views.ClaimantView{Claimant: cl, Form: views.FormFromClaimant(cl)}
	switch {
	case c.QueryParam("saved") != "":
		v.Flash = "Claimant saved."
	case c.QueryParam("merged") != "":
		v.Flash = "Merged: the duplicate's claims are now here."
	}
	return h.renderClaimant(c, http.StatusOK, v)
}

func (h *handler) renderClaimant(c echo.Context, status int, v views.ClaimantView) error {
	page, per, err := pageParams(c, 50)
	if err != nil {
		return err
	}
	v.Claims, v.HasNext, err = h.store.ClaimantClaims(c.Request().Context(), v.Claimant.ID, page, per)
	if err != nil {
		return err
	}
	v.Page = page
	return render(c, status, views.ClaimantPage(v))
}

func (h *handler) editClaimant(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f := claimantFormValues(c)
	version, _ := strconv.Atoi(f.Version)
	cl, err := h.store.UpdateClaimant(ctx, actor(c), id, version, claimantInputOf(f))
	var (
		verr models.ValidationError
		conf *models.ConflictError
	)
	switch {
	case errors.As(err, &verr):
		f.Errors = verr
	case errors.As(err, &conf):
		f.Errors = models.ValidationError{}
	case err != nil:
		return err
	default:
		return c.Redirect(http.StatusSeeOther, "/claimants/"+itoa(cl.ID)+"?saved=1")
	}
	cur, cerr := h.store.Claimant(ctx, id)
	if cerr != nil {
		return cerr
	}
	v := views.ClaimantView{Claimant: cur, Form: f, OpenEdit: true}
	status := http.StatusUnprocessableEntity
	if conf != nil {
		status, v.Conflict = http.StatusConflict, conf.Message
		if _, stale := conf.Current.(models.Claimant); stale {
			v.Form.Version = itoa(cur.Version)
			v.Conflict += " The form keeps what you typed; save again to apply it."
		}
	}
	return h.renderClaimant(c, status, v)
}

func (h *handler) mergeClaimant(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	into, err := h.store.Claimant(ctx, id)
	if err != nil {
		return err
	}
	ref := strings.TrimSpace(c.FormValue("from"))
	version, _ := strconv.Atoi(c.FormValue("version"))
	v := views.ClaimantView{Claimant: into, Form: views.FormFromClaimant(into), Merge: ref}
	if ref == "" {
		v.MergeErr = "Give the duplicate's name or number."
		return h.renderClaimant(c, http.StatusUnprocessableEntity, v)
	}
	from, err := h.store.ClaimantByRef(ctx, ref)
	if errors.Is(err, models.ErrNotFound) {
		v.MergeErr = fmt.Sprintf("There is no claimant “%s”.", ref)
		return h.renderClaimant(c, http.StatusUnprocessableEntity, v)
	} else if err != nil {
		return err
	}
	_, err = h.store.MergeClaimants(ctx, actor(c), id, from.ID, version, 0)
	var (
		verr models.ValidationError
		conf *models.ConflictError
	)
	switch {
	case errors.As(err, &verr):
		v.MergeErr = firstMessage(verr)
		return h.renderClaimant(c, http.StatusUnprocessableEntity, v)
	case errors.As(err, &conf):
		v.MergeErr = conf.Message
		return h.renderClaimant(c, http.StatusConflict, v)
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/claimants/"+itoa(id)+"?merged=1")
}

// ---- JSON API ----

type sourceJSON struct {
	ID          int64     `json:"id"`
	URL         string    `json:"url"`
	Title       string    `json:"title"`
	Publisher   string    `json:"publisher"`
	Kind        string    `json:"kind"`
	PublishedAt *string   `json:"published_at"`
	AccessedAt  *string   `json:"accessed_at"`
	ArchiveURL  string    `json:"archive_url"`
	Notes       string    `json:"notes"`
	Citations   *int      `json:"citations,omitempty"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toSourceJSON(s models.Source, citations *int) sourceJSON {
	return sourceJSON{ID: s.ID, URL: s.URL, Title: s.Title, Publisher: s.Publisher, Kind: s.Kind,
		PublishedAt: dateString(s.PublishedAt), AccessedAt: dateString(s.AccessedAt), ArchiveURL: s.ArchiveURL, Notes: s.Notes,
		Citations: citations, Version: s.Version, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
}

type personRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type evidenceJSON struct {
	ID        int64         `json:"id"`
	ClaimID   int64         `json:"claim_id"`
	Source    sourceJSON    `json:"source"`
	Stance    models.Stance `json:"stance"`
	Passage   string        `json:"passage"`
	Note      string        `json:"note"`
	AddedBy   personRef     `json:"added_by"`
	Version   int           `json:"version"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt *time.Time    `json:"updated_at"`
}

func toEvidenceJSON(e models.EvidenceDetail) evidenceJSON {
	return evidenceJSON{ID: e.ID, ClaimID: e.ClaimID, Source: toSourceJSON(e.Source, nil), Stance: e.Stance, Passage: e.Passage,
		Note: e.Note, AddedBy: personRef{ID: e.AddedBy, Name: e.AddedByName}, Version: e.Version, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

type claimantOut struct {
	claimantJSON
	Version int `json:"version"`
}

func toClaimantOut(c models.Claimant) claimantOut { return claimantOut{toClaimantJSON(c), c.Version} }

func etag(kind string, id int64, version int) string {
	return fmt.Sprintf(`"%s-%d-v%d"`, kind, id, version)
}

// versionOf takes the version a change is based on from the body or, when
// the body has none, from If-Match ("kind-ID-vN"); 0 when neither is given.
func versionOf(c echo.Context, kind string, id int64, body *int) (int, error) {
	if body != nil {
		return *body, nil
	}
	tag := c.Request().Header.Get("If-Match")
	if tag == "" {
		return 0, nil
	}
	tag = strings.Trim(strings.TrimPrefix(strings.TrimSpace(tag), "W/"), `"`)
	rest, ok := strings.CutPrefix(tag, fmt.Sprintf("%s-%d-v", kind, id))
	if n, err := strconv.Atoi(rest); ok && err == nil && n > 0 {
		return n, nil
	}
	return 0, &badRequest{msg: fmt.Sprintf("If-Match must be the %s's ETag, as GET returned it.", kind)}
}

// apiConflict answers a conflict with the current state of what collided,
// so a script can use it (the existing source, the stale claimant ...).
func apiConflict(c echo.Context, err error) error {
	var conf *models.ConflictError
	if !errors.As(err, &conf) {
		return err
	}
	var cur any
	switch x := conf.Current.(type) {
	case models.Source:
		cur = toSourceJSON(x, nil)
	case models.Claimant:
		cur = toClaimantOut(x)
	case models.Evidence:
		cur = map[string]any{"id": x.ID, "claim_id": x.ClaimID, "source_id": x.SourceID, "stance": x.Stance, "version": x.Version}
	default:
		return err
	}
	return c.JSON(http.StatusConflict, map[string]any{"error": conf.Message, "current": cur})
}

func nextPage(page int, more bool) *int {
	if !more {
		return nil
	}
	n := page + 1
	return &n
}

type claimantRequest struct {
	Name        *string   `json:"name"`
	Kind        *string   `json:"kind"`
	Title       *string   `json:"title"`
	Affiliation *string   `json:"affiliation"`
	SameAs      *[]string `json:"same_as"`
	Version     *int      `json:"version"`
}

func (r claimantRequest) input() store.ClaimantInput {
	return store.ClaimantInput{Name: r.Name, Kind: r.Kind, Title: r.Title, Affiliation: r.Affiliation, SameAs: r.SameAs}
}

func (h *handler) apiCreateClaimant(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	var r claimantRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	cl, err := h.store.CreateClaimant(c.Request().Context(), actor(c), r.input())
	if err != nil {
		return apiConflict(c, err)
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/claimants/"+itoa(cl.ID))
	c.Response().Header().Set("ETag", etag("claimant", cl.ID, cl.Version))
	return c.JSON(http.StatusCreated, toClaimantOut(cl))
}

func (h *handler) apiListClaimants(c echo.Context) error {
	q, err := searchParam(c)
	if err != nil {
		return err
	}
	page, per, err := pageParams(c, 25)
	if err != nil {
		return err
	}
	p, err := h.store.ClaimantList(c.Request().Context(), store.ClaimantQuery{Q: q, Page: page, PerPage: per})
	if err != nil {
		return err
	}
	type item struct {
		claimantOut
		ClaimCount int `json:"claim_count"`
	}
	items := make([]item, len(p.Items))
	for i, cl := range p.Items {
		items[i] = item{toClaimantOut(cl), p.Claims[cl.ID]}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "page": p.Page, "per_page": p.PerPage, "next_page": nextPage(p.Page, p.HasNext)})
}

func (h *handler) apiClaimant(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	cl, err := h.store.Claimant(c.Request().Context(), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag("claimant", cl.ID, cl.Version))
	return c.JSON(http.StatusOK, toClaimantOut(cl))
}

func (h *handler) apiUpdateClaimant(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r claimantRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	version, err := versionOf(c, "claimant", id, r.Version)
	if err != nil {
		return err
	}
	cl, err := h.store.UpdateClaimant(c.Request().Context(), actor(c), id, version, r.input())
	if err != nil {
		return apiConflict(c, err)
	}
	c.Response().Header().Set("ETag", etag("claimant", cl.ID, cl.Version))
	return c.JSON(http.StatusOK, toClaimantOut(cl))
}

type mergeRequest struct {
	From        *flexRef `json:"from"`
	Version     *int     `json:"version"`
	FromVersion *int     `json:"from_version"`
}

func (h *handler) apiMergeClaimant(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r mergeRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	if r.From == nil || r.From.s == nil || strings.TrimSpace(*r.From.s) == "" {
		return models.ValidationError{"from": "Give the duplicate claimant's id or name."}
	}
	ctx := c.Request().Context()
	if _, err := h.store.Claimant(ctx, id); err != nil {
		return err
	}
	from, err := h.store.ClaimantByRef(ctx, *r.From.s)
	if errors.Is(err, models.ErrNotFound) {
		return models.ValidationError{"from": fmt.Sprintf("There is no claimant %q.", *r.From.s)}
	} else if err != nil {
		return err
	}
	version, err := versionOf(c, "claimant", id, r.Version)
	if err != nil {
		return err
	}
	fromVersion := 0
	if r.FromVersion != nil {
		fromVersion = *r.FromVersion
	}
	cl, err := h.store.MergeClaimants(ctx, actor(c), id, from.ID, version, fromVersion)
	if err != nil {
		return apiConflict(c, err)
	}
	c.Response().Header().Set("ETag", etag("claimant", cl.ID, cl.Version))
	return c.JSON(http.StatusOK, toClaimantOut(cl))
}

func (h *handler) apiClaimantClaims(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	page, per, err := pageParams(c, 50)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.store.Claimant(ctx, id); err != nil {
		return err
	}
	ds, more, err := h.store.ClaimantClaims(ctx, id, page, per)
	if err != nil {
		return err
	}
	items := make([]claimJSON, len(ds))
	for i, d := range ds {
		items[i] = toClaimJSON(d)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "page": page, "per_page": per, "next_page": nextPage(page, more)})
}

type sourceRequest struct {
	URL         *string `json:"url"`
	Title       *string `json:"title"`
	Publisher   *string `json:"publisher"`
	Kind        *string `json:"kind"`
	PublishedAt *string `json:"published_at"`
	AccessedAt  *string `json:"accessed_at"`
	ArchiveURL  *string `json:"archive_url"`
	Notes       *string `json:"notes"`
	Version     *int    `json:"version"`
}

func (r sourceRequest) input() store.SourceInput {
	return store.SourceInput{URL: r.URL, Title: r.Title, Publisher: r.Publisher, Kind: r.Kind, PublishedAt: r.PublishedAt,
		AccessedAt: r.AccessedAt, ArchiveURL: r.ArchiveURL, Notes: r.Notes}
}

func (h *handler) apiCreateSource(c echo.Context) error {
	if err := must(c, models.ActEditEvidence); err != nil {
		return err
	}
	var r sourceRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	src, err := h.store.CreateSource(c.Request().Context(), actor(c), r.input())
	if err != nil {
		return apiConflict(c, err)
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/sources/"+itoa(src.ID))
	c.Response().Header().Set("ETag", etag("source", src.ID, src.Version))
	return c.JSON(http.StatusCreated, toSourceJSON(src, nil))
}

func (h *handler) apiListSources(c echo.Context) error {
	q, err := searchParam(c)
	if err != nil {
		return err
	}
	page, per, err := pageParams(c, 25)
	if err != nil {
		return err
	}
	p, err := h.store.Sources(c.Request().Context(), store.SourceQuery{Q: q, Page: page, PerPage: per})
	if err != nil {
		return err
	}
	items := make([]sourceJSON, len(p.Items))
	for i, s := range p.Items {
		n := p.Citations[s.ID]
		items[i] = toSourceJSON(s, &n)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "page": p.Page, "per_page": p.PerPage, "next_page": nextPage(p.Page, p.HasNext)})
}

func (h *handler) apiSource(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	src, err := h.store.Source(c.Request().Context(), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag("source", src.ID, src.Version))
	return c.JSON(http.StatusOK, toSourceJSON(src, nil))
}

func (h *handler) apiUpdateSource(c echo.Context) error {
	if err := must(c, models.ActEditEvidence); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r sourceRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	version, err := versionOf(c, "source", id, r.Version)
	if err != nil {
		return err
	}
	src, err := h.store.UpdateSource(c.Request().Context(), actor(c), id, version, r.input())
	if err != nil {
		return apiConflict(c, err)
	}
	c.Response().Header().Set("ETag", etag("source", src.ID, src.Version))
	return c.JSON(http.StatusOK, toSourceJSON(src, nil))
}

func (h *handler) apiSourceClaims(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	page, per, err := pageParams(c, 50)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.store.Source(ctx, id); err != nil {
		return err
	}
	cites, more, err := h.store.SourceCitations(ctx, id, page, per)
	if err != nil {
		return err
	}
	type item struct {
		EvidenceID int64         `json:"evidence_id"`
		Stance     models.Stance `json:"stance"`
		Passage    string        `json:"passage"`
		Note       string        `json:"note"`
		Claim      claimJSON     `json:"claim"`
	}
	items := make([]item, len(cites))
	for i, ct := range cites {
		items[i] = item{EvidenceID: ct.Evidence.ID, Stance: ct.Evidence.Stance, Passage: ct.Evidence.Passage, Note: ct.Evidence.Note, Claim: toClaimJSON(ct.Claim)}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "page": page, "per_page": per, "next_page": nextPage(page, more)})
}

type evidenceRequest struct {
	SourceID *int64         `json:"source_id"`
	Source   *sourceRequest `json:"source"`
	Stance   *string        `json:"stance"`
	Passage  *string        `json:"passage"`
	Note     *string        `json:"note"`
	Version  *int           `json:"version"` // PATCH only
}

func (h *handler) apiAddEvidence(c echo.Context) error {
	if err := must(c, models.ActEditEvidence); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r evidenceRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	if r.Version != nil {
		return &badRequest{msg: "Unknown field.", fields: map[string]string{"version": "New evidence has no version yet."}}
	}
	in := store.EvidenceInput{SourceID: r.SourceID, Stance: deref(r.Stance), Passage: deref(r.Passage), Note: deref(r.Note)}
	if r.Source != nil {
		s := r.Source.input()
		in.Source = &s
	}
	e, err := h.store.AddEvidence(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return apiConflict(c, err)
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/evidence/"+itoa(e.ID))
	c.Response().Header().Set("ETag", etag("evidence", e.ID, e.Version))
	return c.JSON(http.StatusCreated, toEvidenceJSON(e))
}

func (h *handler) apiClaimEvidence(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	items, err := h.store.ClaimEvidence(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return jsonItems(c, items, toEvidenceJSON)
}

func (h *handler) apiEvidence(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	e, err := h.store.EvidenceItem(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if _, err := h.store.Claim(c.Request().Context(), e.ClaimID); err != nil {
		return err // evidence of a deleted claim is gone with it
	}
	c.Response().Header().Set("ETag", etag("evidence", e.ID, e.Version))
	return c.JSON(http.StatusOK, toEvidenceJSON(e))
}

func (h *handler) apiUpdateEvidence(c echo.Context) error {
	if err := must(c, models.ActEditEvidence); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r evidenceRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	if r.SourceID != nil || r.Source != nil {
		return models.ValidationError{"source_id": "The source of evidence cannot change: remove this evidence and link the other source."}
	}
	version, err := versionOf(c, "evidence", id, r.Version)
	if err != nil {
		return err
	}
	e, err := h.store.UpdateEvidence(c.Request().Context(), actor(c), id, store.EvidencePatch{Version: version, Stance: r.Stance, Passage: r.Passage, Note: r.Note})
	if err != nil {
		return apiConflict(c, err)
	}
	c.Response().Header().Set("ETag", etag("evidence", e.ID, e.Version))
	return c.JSON(http.StatusOK, toEvidenceJSON(e))
}

func (h *handler) apiDeleteEvidence(c echo.Context) error {
	if err := must(c, models.ActEditEvidence); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	version, err := versionOf(c, "evidence", id, nil)
	if err != nil {
		return err
	}
	if _, err := h.store.DeleteEvidence(c.Request().Context(), actor(c), id, version); err != nil {
		return apiConflict(c, err)
	}
	return c.NoContent(http.StatusNoContent)
}

type originJSON struct {
	ClaimID         int64    `json:"claim_id"`
	ClaimedAt       *string  `json:"claimed_at"`
	Place           string   `json:"place"`
	FirstAppearance *string  `json:"first_appearance"`
	Appearances     []string `json:"appearances"`
	Version         int      `json:"version"`
}

func toOriginJSON(o store.ClaimOrigin) originJSON {
	j := originJSON{ClaimID: o.ClaimID, ClaimedAt: dateString(o.ClaimedAt), Place: o.Place, Appearances: o.Appearances, Version: o.Version}
	if o.FirstAppearance != "" {
		j.FirstAppearance = &o.FirstAppearance
	}
	return j
}

func (h *handler) apiOrigin(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	o, err := h.store.ClaimOrigin(c.Request().Context(), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", fmt.Sprintf(`"claim-%d-v%d"`, id, o.Version))
	return c.JSON(http.StatusOK, toOriginJSON(o))
}

type originRequest struct {
	Place           *string   `json:"place"`
	FirstAppearance *string   `json:"first_appearance"`
	Appearances     *[]string `json:"appearances"`
	Version         *int      `json:"version"`
}

func (h *handler) apiSetOrigin(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r originRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	version, err := versionOf(c, "claim", id, r.Version)
	if err != nil {
		return err
	}
	o, err := h.store.SetClaimOrigin(c.Request().Context(), actor(c), id, store.OriginInput{Version: version, Place: r.Place, FirstAppearance: r.FirstAppearance, Appearances: r.Appearances})
	if err != nil {
		return err // a stale version is the claim's 409, with current.version
	}
	c.Response().Header().Set("ETag", fmt.Sprintf(`"claim-%d-v%d"`, id, o.Version))
	return c.JSON(http.StatusOK, toOriginJSON(o))
}

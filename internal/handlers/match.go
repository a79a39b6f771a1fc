package handlers

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/anchor"
	"github.com/claimdesk/claimdesk/internal/match"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

// matchRoutes: "has this been checked before?" (issue 11 part 3): the API,
// the box, the mark dialog's suggestions, similar claims and links on the
// claim page, and the article scan.
func (h *handler) matchRoutes(signedIn, api *echo.Group) {
	api.POST("/match", h.apiMatch)
	signedIn.GET("/match", h.matchPage)
	signedIn.POST("/match", h.matchPage)
	signedIn.GET("/articles/:id/suggestions", h.markSuggestions)
	signedIn.GET("/articles/:id/scan", h.scanPage)
	signedIn.POST("/articles/:id/scan/accept", h.scanAccept)
	signedIn.POST("/articles/:id/scan/dismiss", h.scanDismiss)
	signedIn.POST("/claims/:id/link", h.linkClaim)
	signedIn.POST("/claims/:id/unlink", h.unlinkClaim)
	signedIn.POST("/claims/:id/link/copy", h.copyLinkedVerdict)
}

// Suggestions: the mark dialog shows at most three, the claim page five.
const (
	markSuggestions    = 3
	similarSuggestions = 5
)

// Limits of a match request.
const (
	defaultMatchLimit = 10
	maxMatchLimit     = 50
)

type matchRequest struct {
	Text  *string `json:"text"`
	Limit *int    `json:"limit"`
}

// matchJSON is one match in the API.
type matchJSON struct {
	Kind      string  `json:"kind"`
	ID        int64   `json:"id"`
	Score     float64 `json:"score"`
	Suggest   bool    `json:"suggest"` // score at or above the threshold
	Text      string  `json:"text"`
	Rating    string  `json:"rating"`
	URL       string  `json:"url"`
	Publisher string  `json:"publisher"`
	Date      *string `json:"date"`
	State     string  `json:"state,omitempty"` // our claims
	Ref       string  `json:"ref,omitempty"`   // the mark dialog's: what its form sends to link
}

type matchListJSON struct {
	Items     []matchJSON `json:"items"`
	Threshold float64     `json:"threshold"`
}

func (h *handler) apiMatch(c echo.Context) error {
	var req matchRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	limit := defaultMatchLimit
	if req.Limit != nil {
		if *req.Limit < 1 || *req.Limit > maxMatchLimit {
			return &badRequest{msg: "The limit is out of range.", fields: map[string]string{"limit": "Give a limit from 1 to 50 (10 when left out)."}}
		}
		limit = *req.Limit
	}
	text := ""
	if req.Text != nil {
		text = *req.Text
	}
	if err := validMatchText(text); err != nil {
		return err
	}
	items, err := h.matcher.Match(c.Request().Context(), match.Query{Text: text}, limit)
	if err != nil {
		return err
	}
	out, err := h.matchList(c, items)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// validMatchText refuses empty text and text over match.MaxQueryRunes.
func validMatchText(text string) error {
	switch {
	case strings.TrimSpace(text) == "":
		return models.ValidationError{"text": "Give the text to match: a claim, a sentence or a post."}
	case utf8.RuneCountInString(text) > match.MaxQueryRunes:
		return models.ValidationError{"text": "Keep the text to 10,000 characters: match one claim or passage at a time."}
	}
	return nil
}

// matchList is the API's shape of matches: absolute addresses, our
// newsroom as the publisher of our claims, scores to four places.
func (h *handler) matchList(c echo.Context, items []store.MatchItem) (matchListJSON, error) {
	out := matchListJSON{Items: make([]matchJSON, 0, len(items)), Threshold: match.Threshold}
	newsroom := ""
	for _, it := range items {
		if it.Kind == store.MatchClaim && newsroom == "" {
			settings, err := h.store.Settings(c.Request().Context())
			if err != nil {
				return out, err
			}
			newsroom = settings["newsroom_name"]
			break
		}
	}
	for _, it := range items {
		j := matchJSON{Kind: it.Kind, ID: it.ID, Score: math.Round(it.Score*1e4) / 1e4, Suggest: it.Score >= match.Threshold,
			Text: it.Text, Rating: it.Rating, URL: it.URL, Publisher: it.Publisher}
		if it.Kind == store.MatchClaim {
			j.URL, j.Publisher, j.State = h.baseURL+"/claims/"+itoa(it.ID), newsroom, string(it.State)
		}
		if it.Date != nil {
			d := it.Date.Format("2006-01-02")
			j.Date = &d
		}
		out.Items = append(out.Items, j)
	}
	return out, nil
}

// suggested keeps the matches at or above the threshold.
func suggested(items []store.MatchItem) []store.MatchItem {
	out := items[:0:0]
	for _, it := range items {
		if it.Score >= match.Threshold {
			out = append(out, it)
		}
	}
	return out
}

// viewMatches are matches as pages show them.
func viewMatches(items []store.MatchItem) []views.MatchItem {
	out := make([]views.MatchItem, 0, len(items))
	for _, it := range items {
		v := views.MatchItem{Kind: it.Kind, ID: it.ID, Score: it.Score, Text: it.Text, Rating: it.Rating, URL: it.URL,
			Publisher: it.Publisher, Date: it.Date, State: it.State, Ref: matchRef(it)}
		if it.Kind == store.MatchClaim {
			v.URL = "/claims/" + itoa(it.ID)
		}
		out = append(out, v)
	}
	return out
}

// matchRef is how a form names a match to link to: "kind:id:score".
func matchRef(it store.MatchItem) string {
	return fmt.Sprintf("%s:%d:%.4f", it.Kind, it.ID, it.Score)
}

// parseMatchRef reads a form's "match" field; empty means no link.
func parseMatchRef(s string) (*store.MatchRef, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	bad := models.ValidationError{"match": "Choose one of the suggested matches."}
	parts := strings.Split(s, ":")
	if len(parts) != 3 || (parts[0] != store.MatchFactCheck && parts[0] != store.MatchClaim) {
		return nil, bad
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || id <= 0 {
		return nil, bad
	}
	score, err := strconv.ParseFloat(parts[2], 64)
	if err != nil || math.IsNaN(score) || score < 0 || score > 1 {
		return nil, bad
	}
	return &store.MatchRef{Kind: parts[0], ID: id, Score: score}, nil
}

// matchPage is "Has this been checked?": GET shows the box (and matches
// for ?text=), POST matches the pasted text.
func (h *handler) matchPage(c echo.Context) error {
	text := c.FormValue("text")
	v := views.MatchPageView{Text: text}
	if c.Request().Method == http.MethodGet && text == "" {
		return render(c, http.StatusOK, views.MatchPage(v))
	}
	if err := validMatchText(text); err != nil {
		var verr models.ValidationError
		errors.As(err, &verr)
		v.Errors = verr
		return render(c, http.StatusUnprocessableEntity, views.MatchPage(v))
	}
	items, err := h.matcher.Match(c.Request().Context(), match.Query{Text: text}, defaultMatchLimit)
	if err != nil {
		return err
	}
	v.Searched, v.Items = true, viewMatches(suggested(items))
	return render(c, http.StatusOK, views.MatchPage(v))
}

// markSuggestions answers the mark dialog: the best three matches at or
// above the threshold for the selected words, dated by the article.
func (h *handler) markSuggestions(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a, err := h.store.Article(ctx, id)
	if err != nil {
		return err
	}
	text := c.QueryParam("text")
	if strings.TrimSpace(text) == "" {
		return c.JSON(http.StatusOK, matchListJSON{Items: []matchJSON{}, Threshold: match.Threshold})
	}
	if err := validMatchText(text); err != nil {
		return err
	}
	q := match.Query{Text: text}
	if a.PublishedAt != nil {
		q.Date = *a.PublishedAt
	}
	items, err := h.matcher.Match(ctx, q, markSuggestions)
	if err != nil {
		return err
	}
	items = suggested(items)
	out, err := h.matchList(c, items)
	if err != nil {
		return err
	}
	for i := range out.Items {
		out.Items[i].Ref = matchRef(items[i])
		if out.Items[i].Kind == store.MatchClaim {
			out.Items[i].URL = "/claims/" + itoa(out.Items[i].ID)
		}
	}
	return c.JSON(http.StatusOK, out)
}

// claimMatches is the claim page's "Checked before?" part.
func (h *handler) claimMatches(c echo.Context, d models.ClaimDetail) (views.ClaimMatchesView, error) {
	ctx := c.Request().Context()
	v := views.ClaimMatchesView{ClaimID: d.ID, Version: d.Version, CanLink: can(c, models.ActMarkClaims)}
	l, err := h.store.ClaimLink(ctx, d.ID)
	switch {
	case err == nil:
		v.Link = &views.ClaimLinkView{Kind: l.Kind(), Text: l.Text, Rating: l.Rating, Publisher: l.Publisher, URL: l.URL, Score: l.Score,
			CreatorName: l.CreatorName, CreatedAt: l.CreatedAt}
		if l.MatchedClaimID != nil {
			v.Link.URL = "/claims/" + itoa(*l.MatchedClaimID)
		}
		v.CanCopy = can(c, models.ActReview) && d.State.Open()
	case !errors.Is(err, models.ErrNotFound):
		return v, err
	}
	text := strings.TrimSpace(d.Summary + "\n" + d.Quote)
	v.MoreURL = "/match?text=" + url.QueryEscape(truncate(text, 2000))
	q := match.Query{Text: text}
	if d.ClaimedAt != nil {
		q.Date = *d.ClaimedAt
	}
	items, err := h.matcher.Match(ctx, q, similarSuggestions+1)
	if err != nil {
		return v, err
	}
	var similar []store.MatchItem
	for _, it := range suggested(items) {
		if it.Kind == store.MatchClaim && it.ID == d.ID || v.Link != nil && linkedTo(l, it) {
			continue
		}
		similar = append(similar, it)
	}
	v.Similar = viewMatches(similar[:min(len(similar), similarSuggestions)])
	return v, nil
}

// linkedTo reports whether a match is what the link points to.
func linkedTo(l store.ClaimLink, it store.MatchItem) bool {
	if it.Kind == store.MatchClaim {
		return l.MatchedClaimID != nil && *l.MatchedClaimID == it.ID
	}
	return l.FactCheckID != nil && *l.FactCheckID == it.ID
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func can(c echo.Context, a models.Action) bool {
	u, ok := c.Get(userKey).(models.User)
	return ok && u.Can(a)
}

// linkClaim links a claim to a match chosen on its page.
func (h *handler) linkClaim(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ref, err := parseMatchRef(c.FormValue("match"))
	if err != nil {
		return err
	}
	if ref == nil {
		return models.ValidationError{"match": "Choose one of the suggested matches."}
	}
	if _, err := h.store.LinkClaim(c.Request().Context(), actor(c), id, *ref); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/claims/"+itoa(id)+"#checked-before")
}

func (h *handler) unlinkClaim(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.store.UnlinkClaim(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/claims/"+itoa(id)+"#checked-before")
}

// copyLinkedVerdict copies the linked check's rating (when our scale has a
// label of that name) and an explanation citing it into the claim's
// verdict and explanation: a proposal that still needs sign-off as usual.
func (h *handler) copyLinkedVerdict(c echo.Context) error {
	if err := must(c, models.ActReview); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	version, err := formInt(c, "version")
	if err != nil {
		return err
	}
	if version == nil {
		return models.ValidationError{"version": "Send the version of the claim you saw."}
	}
	ctx := c.Request().Context()
	l, err := h.store.ClaimLink(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return models.ValidationError{"match": "This claim is not linked to an earlier check."}
	} else if err != nil {
		return err
	}
	scale, err := h.store.Verdicts(ctx)
	if err != nil {
		return err
	}
	p := store.ClaimPatch{Version: *version}
	for _, v := range scale {
		if strings.EqualFold(strings.TrimSpace(v.Label), strings.TrimSpace(l.Rating)) {
			p.Verdict = &v.Label
			break
		}
	}
	expl := linkedExplanation(l)
	p.Explanation = &expl
	if _, err := h.store.UpdateClaim(ctx, actor(c), id, p); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/claims/"+itoa(id)+"#review")
}

// linkedExplanation is the explanation copied from a linked check: ours
// as it was, or a sentence citing the other fact-checker.
func linkedExplanation(l store.ClaimLink) string {
	if l.Kind() == store.MatchClaim && strings.TrimSpace(l.Explanation) != "" {
		return truncate(l.Explanation, store.MaxExplanationRunes)
	}
	who := l.Publisher
	if who == "" {
		who = "An earlier fact-check"
	}
	s := fmt.Sprintf("%s rated this claim “%s”", who, l.Rating)
	if l.URL != "" {
		s += " (" + l.URL + ")"
	}
	s += "."
	if e := strings.TrimSpace(l.Explanation); e != "" {
		s += " " + e
	}
	return truncate(s, store.MaxExplanationRunes)
}

// minScanTerms: shorter sentences ("He said so.", "Russian President
// Vladimir Putin.") are not matched: too few words to say what claim they
// make, they match any check that names the same things.
const minScanTerms = 5

// scanPage matches every sentence of the article's current revision and
// lists those whose best match passes the threshold, leaving out
// sentences already marked as claims and suggestions dismissed for this
// revision.
func (h *handler) scanPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := h.store.Article(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v, err := h.scan(c, a)
	if err != nil {
		return err
	}
	if n := c.QueryParam("accepted"); n != "" {
		v.Done = "Claim marked and linked to its match."
	}
	return render(c, http.StatusOK, views.ScanPage(v))
}

func (h *handler) scan(c echo.Context, a models.Article) (views.ScanView, error) {
	ctx := c.Request().Context()
	v := views.ScanView{Article: a}
	claims, err := h.store.ArticleClaims(ctx, a.ID)
	if err != nil {
		return v, err
	}
	dismissed, err := h.store.ScanDismissals(ctx, a.ID, a.Revision)
	if err != nil {
		return v, err
	}
	rs := []rune(a.Text)
	var spans []match.Span
	var qs []match.Query
	for _, sp := range match.Sentences(a.Text) {
		if overlapsClaim(sp, claims) {
			continue
		}
		if dismissed[store.Span{Start: sp.Start, End: sp.End}] {
			v.Dismissed++
			continue
		}
		text := string(rs[sp.Start:sp.End])
		if len(match.Terms(text)) < minScanTerms {
			continue
		}
		q := match.Query{Text: text}
		if a.PublishedAt != nil {
			q.Date = *a.PublishedAt
		}
		spans, qs = append(spans, sp), append(qs, q)
	}
	v.Sentences = len(qs)
	results, err := h.matcher.MatchAll(ctx, qs, 1, match.Threshold)
	if err != nil {
		return v, err
	}
	for i, items := range results {
		if len(items) == 0 {
			continue
		}
		sp := spans[i]
		v.Suggestions = append(v.Suggestions, views.ScanSuggestion{Start: sp.Start, End: sp.End, Sentence: qs[i].Text, Match: viewMatches(items)[0]})
	}
	return v, nil
}

func overlapsClaim(sp match.Span, claims []models.ClaimDetail) bool {
	for _, cl := range claims {
		if cl.Start < sp.End && sp.Start < cl.End {
			return true
		}
	}
	return false
}

// scanSpan reads the revision and sentence span a scan form sends.
func scanSpan(c echo.Context) (rev, start, end int, err error) {
	var vals [3]int
	for i, name := range []string{"revision", "start", "end"} {
		n, err := formInt(c, name)
		if err != nil {
			return 0, 0, 0, err
		}
		if n == nil {
			return 0, 0, 0, models.ValidationError{name: "Send the " + name + " of the suggestion."}
		}
		vals[i] = *n
	}
	return vals[0], vals[1], vals[2], nil
}

// scanAccept marks a suggested sentence as a claim linked to its match.
func (h *handler) scanAccept(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	rev, start, end, err := scanSpan(c)
	if err != nil {
		return err
	}
	ref, err := parseMatchRef(c.FormValue("match"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a, err := h.store.Article(ctx, id)
	if err != nil {
		return err
	}
	n, err := resolveAnchor(anchor.NewText(a.Text), anchorRequest{Start: &start, End: &end})
	if err != nil {
		return err
	}
	n.ArticleID, n.Revision, n.Link = a.ID, rev, ref
	d, err := h.store.CreateClaim(ctx, actor(c), n)
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusCreated, toClaimJSON(d))
	}
	return c.Redirect(http.StatusSeeOther, "/articles/"+itoa(a.ID)+"/scan?accepted="+itoa(d.ID))
}

// scanDismiss remembers that a suggestion was dismissed for this revision.
func (h *handler) scanDismiss(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	rev, start, end, err := scanSpan(c)
	if err != nil {
		return err
	}
	if err := h.store.DismissScanSuggestion(c.Request().Context(), actor(c), id, rev, store.Span{Start: start, End: end}); err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, "/articles/"+itoa(id)+"/scan")
}

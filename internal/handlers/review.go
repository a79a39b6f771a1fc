package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

// reviewRoutes registers the review workflow's routes: the claim page's
// review forms, the board, the queue, the dashboard, the verdict scale and
// history. History has read routes only: nothing edits or deletes it.
func (h *handler) reviewRoutes(pages, api *echo.Group) {
	pages.GET("/board", h.board)
	pages.GET("/queue", h.queue)
	pages.GET("/dashboard", h.dashboard)
	pages.GET("/admin/verdicts", h.scale)
	pages.POST("/admin/verdicts", h.addVerdict)
	pages.GET("/admin/verdicts/:id", h.verdictPage)
	pages.POST("/admin/verdicts/:id", h.editVerdict)
	pages.POST("/admin/verdicts/:id/move", h.moveVerdict)
	pages.POST("/admin/verdicts/:id/delete", h.deleteVerdict)
	pages.POST("/claims/:id/review", h.saveReview)
	pages.POST("/claims/:id/state", h.changeState)
	pages.POST("/claims/:id/approvals", h.decide)
	pages.POST("/claims/:id/comments", h.addComment)
	pages.GET("/articles/:id/history", h.articleHistory)

	api.GET("/claims", h.apiBoard)
	api.GET("/claims/:id/approvals", h.apiApprovals)
	api.POST("/claims/:id/approvals", h.apiDecide)
	api.GET("/claims/:id/comments", h.apiComments)
	api.POST("/claims/:id/comments", h.apiAddComment)
	api.GET("/claims/:id/history", h.apiClaimHistory)
	api.GET("/articles/:id/history", h.apiArticleHistory)
	api.POST("/verdicts", h.apiCreateVerdict)
	api.PATCH("/verdicts/:id", h.apiUpdateVerdict)
	api.DELETE("/verdicts/:id", h.apiDeleteVerdict)
}

// reviewStateKey carries a failed review form (messages, the user's values,
// a conflict) from a POST handler to reviewSection, which renders it.
const reviewStateKey = "claimdesk.review"

type reviewState struct {
	form     views.ReviewForm
	conflict *views.ReviewConflict
}

// origForm reads the review values the page was showing when the user
// opened it (hidden orig_* fields); ok is false for a form without them.
func origForm(c echo.Context) (views.ReviewForm, bool) {
	if formOptional(c, "orig_verdict") == nil {
		return views.ReviewForm{}, false
	}
	return views.ReviewForm{Verdict: c.FormValue("orig_verdict"), Explanation: textareaValue(c, "orig_explanation"),
		Rationale: textareaValue(c, "orig_rationale"), Assignee: c.FormValue("orig_assignee"), Due: c.FormValue("orig_due")}, true
}

// reviewSection builds the claim page's review part.
func (h *handler) reviewSection(c echo.Context, d models.ClaimDetail) (views.ReviewSection, error) {
	ctx := c.Request().Context()
	u := user(c)
	v := views.ReviewSection{ClaimID: d.ID, Version: d.Version, State: d.State, Verdict: d.Verdict, Explanation: d.Explanation,
		Rationale: d.Rationale, Assignee: d.AssigneeName, Due: d.Due, Round: d.ReviewRound,
		CanReview: u.Can(models.ActReview), CanComment: u.Can(models.ActMarkClaims)}
	today := todayUTC()
	v.Overdue = d.Due != nil && d.Due.Before(today) && d.State.Open()
	for _, s := range models.NextStates(d.State) {
		if s != models.StateApproved && s != models.StateNeedsRecheck {
			v.NextStates = append(v.NextStates, s)
		}
	}
	var err error
	if v.Scale, err = h.store.Verdicts(ctx); err != nil {
		return v, err
	}
	if v.Required, err = h.store.RequiredApprovals(ctx); err != nil {
		return v, err
	}
	if d.ProposedBy != nil {
		if p, err := h.store.User(ctx, *d.ProposedBy); err == nil {
			v.ProposedBy = p.Name
		}
	}
	if v.CanReview {
		users, err := h.store.Users(ctx)
		if err != nil {
			return v, err
		}
		v.Reviewers = userOptions(users, models.ActReview)
	}
	approvals, err := h.store.Approvals(ctx, d.ID)
	if err != nil {
		return v, err
	}
	decided := false
	for i := len(approvals) - 1; i >= 0; i-- {
		a := approvals[i]
		item := views.ApprovalItem{Who: a.UserName, Approve: a.Approve, Note: a.Note, Verdict: labelOf(v.Scale, a.VerdictID), Round: a.Round, At: a.CreatedAt}
		if a.Round == d.ReviewRound && d.State == models.StateInReview {
			v.Approvals = append([]views.ApprovalItem{item}, v.Approvals...)
			decided = decided || a.UserID == u.ID
		} else {
			v.Earlier = append(v.Earlier, item)
		}
	}
	if d.State == models.StateInReview {
		switch {
		case !u.Can(models.ActReview):
			v.WhyNot = "Fact-checkers and admins sign off verdicts."
		case d.ProposedBy != nil && *d.ProposedBy == u.ID:
			v.WhyNot = "You proposed this verdict, so someone else must sign it off."
		case store.WroteVerdict(d.Claim, u.ID):
			v.WhyNot = "You wrote part of this verdict (its label, explanation or rationale), so someone else must sign it off."
		case decided:
			v.WhyNot = "You have already decided on this verdict in this review round."
		default:
			v.CanDecide = true
		}
	}
	comments, err := h.store.Comments(ctx, d.ID, 0, 500)
	if err != nil {
		return v, err
	}
	for _, cm := range comments {
		v.Comments = append(v.Comments, views.CommentItem{ID: cm.ID, Author: cm.UserName, Body: cm.Body, At: cm.CreatedAt})
	}
	hist, err := h.store.ClaimHistory(ctx, d.ID)
	if err != nil {
		return v, err
	}
	names, err := h.store.HistoryNames(ctx, hist)
	if err != nil {
		return v, err
	}
	for _, e := range hist {
		v.History = append(v.History, historyItem(e, names, false))
		v.LastSeen = e.ID
	}
	v.Form = reviewFormOf(d)
	v.Orig = v.Form
	if st, ok := c.Get(reviewStateKey).(reviewState); ok {
		v.Form, v.Conflict = st.form, st.conflict
	}
	return v, nil
}

func todayUTC() time.Time {
	y, m, d := time.Now().UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// userOptions are the users allowed to do act: fact-checkers to be
// assigned, people who mark claims for the "marked by" filter.
func userOptions(users []models.User, act models.Action) []views.UserOption {
	var out []views.UserOption
	for _, u := range users {
		if u.Can(act) {
			out = append(out, views.UserOption{ID: u.ID, Name: u.Name, Role: u.Role})
		}
	}
	return out
}

func labelOf(scale []models.Verdict, id *int64) string {
	if id == nil {
		return "no verdict"
	}
	for _, v := range scale {
		if v.ID == *id {
			return v.Label
		}
	}
	return "label " + itoa(*id)
}

// reviewFormOf is the review form filled with the claim's current values.
func reviewFormOf(d models.ClaimDetail) views.ReviewForm {
	f := views.ReviewForm{Explanation: d.Explanation, Rationale: d.Rationale, Due: dateOrEmpty(d.Due)}
	if d.VerdictID != nil {
		f.Verdict = itoa(*d.VerdictID)
	}
	if d.AssigneeID != nil {
		f.Assignee = itoa(*d.AssigneeID)
	}
	return f
}

func dateOrEmpty(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format("2006-01-02")
}

// textarea reads a form field typed in a textarea, with the browser's
// CRLF line ends made LF so an unchanged text compares equal.
func textareaValue(c echo.Context, name string) string {
	return strings.ReplaceAll(c.FormValue(name), "\r\n", "\n")
}

// formVersions reads the hidden version and seen (newest history entry shown) fields.
func formVersions(c echo.Context) (version int, seen int64) {
	version, _ = strconv.Atoi(c.FormValue("version"))
	seen, _ = strconv.ParseInt(c.FormValue("seen"), 10, 64)
	return version, seen
}

var errNoVersion = models.ValidationError{"": "The form is missing the claim's version. Reload the page and try again."}

// saveReview saves the verdict, explanation, rationale and assignment.
func (h *handler) saveReview(c echo.Context) error {
	if err := must(c, models.ActReview); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	version, seen := formVersions(c)
	f := views.ReviewForm{Form: "review", Verdict: c.FormValue("verdict"), Explanation: textareaValue(c, "explanation"),
		Rationale: textareaValue(c, "rationale"), Assignee: c.FormValue("assignee"), Due: c.FormValue("due")}
	if version <= 0 {
		return h.reviewFailed(c, id, f, seen, errNoVersion)
	}
	_, err = h.store.UpdateClaim(c.Request().Context(), actor(c), id, store.ClaimPatch{Version: version,
		Verdict: &f.Verdict, Explanation: &f.Explanation, Rationale: &f.Rationale, Assignee: &f.Assignee, Due: &f.Due})
	if err != nil {
		return h.reviewFailed(c, id, f, seen, err)
	}
	return c.Redirect(http.StatusSeeOther, "/claims/"+itoa(id)+"#review-heading")
}

// changeState moves the claim along the workflow.
func (h *handler) changeState(c echo.Context) error {
	if err := must(c, models.ActReview); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	version, seen := formVersions(c)
	f := views.ReviewForm{Form: "state", Reason: textareaValue(c, "reason")}
	if version <= 0 {
		return h.reviewFailed(c, id, f, seen, errNoVersion)
	}
	state := c.FormValue("state")
	_, err = h.store.UpdateClaim(c.Request().Context(), actor(c), id, store.ClaimPatch{Version: version, State: &state, Reason: strings.TrimSpace(f.Reason)})
	if err != nil {
		return h.reviewFailed(c, id, f, seen, err)
	}
	return c.Redirect(http.StatusSeeOther, "/claims/"+itoa(id)+"#review-heading")
}

// decide records an approval or a rejection from the claim page.
func (h *handler) decide(c echo.Context) error {
	if err := must(c, models.ActReview); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	version, seen := formVersions(c)
	f := views.ReviewForm{Form: "decide", Note: textareaValue(c, "note")}
	if version <= 0 {
		return h.reviewFailed(c, id, f, seen, errNoVersion)
	}
	approve, err := strconv.ParseBool(c.FormValue("approve"))
	if err != nil {
		return h.reviewFailed(c, id, f, seen, models.ValidationError{"": "Choose Approve or Reject."})
	}
	if _, err := h.store.SignOff(c.Request().Context(), actor(c), id, store.Decision{Approve: approve, Note: f.Note, Version: version}); err != nil {
		return h.reviewFailed(c, id, f, seen, err)
	}
	return c.Redirect(http.StatusSeeOther, "/claims/"+itoa(id)+"#sign-off")
}

// addComment posts to the claim's discussion.
func (h *handler) addComment(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f := views.ReviewForm{Form: "comment", Comment: textareaValue(c, "body")}
	cm, err := h.store.AddComment(c.Request().Context(), actor(c), id, f.Comment)
	if err != nil {
		return h.reviewFailed(c, id, f, 0, err)
	}
	return c.Redirect(http.StatusSeeOther, "/claims/"+itoa(id)+"#comment-"+itoa(cm.ID))
}

// reviewFailed shows the claim page again with the user's input kept: 422
// with messages for bad input, 409 for a stale version with what changed
// since the user opened the page.
func (h *handler) reviewFailed(c echo.Context, id int64, f views.ReviewForm, seen int64, err error) error {
	var (
		verr models.ValidationError
		conf *models.ConflictError
	)
	ctx := c.Request().Context()
	status := http.StatusUnprocessableEntity
	st := reviewState{form: f}
	switch {
	case errors.As(err, &verr):
		st.form.Errors = verr
	case errors.Is(err, models.ErrInvalidTransition):
		st.form.Errors = models.ValidationError{"": strings.TrimPrefix(err.Error(), models.ErrInvalidTransition.Error()+": ") + "."}
	case errors.As(err, &conf):
		status = http.StatusConflict
		st.conflict = &views.ReviewConflict{Message: conf.Message}
	default:
		return err
	}
	cur, cerr := h.store.Claim(ctx, id)
	if cerr != nil {
		return cerr
	}
	if st.conflict != nil {
		changes, err := h.changesSince(ctx, id, seen)
		if err != nil {
			return err
		}
		st.conflict.Changes = changes
		if f.Form == "review" {
			orig, ok := origForm(c)
			st.form, st.form.Now = mergeReview(cur, f, orig, ok)
		}
	}
	if len(st.form.Errors) > 0 && st.form.Errors[""] == "" {
		st.form.Errors[""] = "The change was not saved: " + firstMessage(st.form.Errors)
	}
	c.Set(reviewStateKey, st)
	return h.renderClaim(c, status, cur, formFromClaim(cur), "")
}

// changesSince is the claim's history after the entry the user last saw.
func (h *handler) changesSince(ctx context.Context, claimID, seen int64) ([]views.HistoryItem, error) {
	hist, err := h.store.ClaimHistory(ctx, claimID)
	if err != nil {
		return nil, err
	}
	hist = slices.DeleteFunc(hist, func(e models.HistoryEntry) bool { return e.ID <= seen })
	names, err := h.store.HistoryNames(ctx, hist)
	if err != nil {
		return nil, err
	}
	out := make([]views.HistoryItem, len(hist))
	for i, e := range hist {
		out[i] = historyItem(e, names, false)
	}
	return out, nil
}

// mergeReview merges a stale review form with the claim as it is now,
// field by field: a field the user left alone takes the current value; a
// field only the user changed keeps theirs; a field both changed keeps the
// user's value and notes the current one. Without the original values
// (orig), every differing field keeps the user's value with a note.
func mergeReview(cur models.ClaimDetail, mine, orig views.ReviewForm, haveOrig bool) (views.ReviewForm, map[string]string) {
	now := reviewFormOf(cur)
	notes := map[string]string{}
	verdict := ""
	if cur.Verdict != nil {
		verdict = cur.Verdict.Label
	}
	fields := []struct {
		name            string
		cur, orig, mine string
		out             *string
		words           string
	}{
		{"verdict", now.Verdict, orig.Verdict, mine.Verdict, &mine.Verdict, verdict},
		{"explanation", now.Explanation, orig.Explanation, mine.Explanation, &mine.Explanation, now.Explanation},
		{"rationale", now.Rationale, orig.Rationale, mine.Rationale, &mine.Rationale, clipText(now.Rationale, 200)},
		{"assignee", now.Assignee, orig.Assignee, mine.Assignee, &mine.Assignee, cur.AssigneeName},
		{"due", now.Due, orig.Due, mine.Due, &mine.Due, now.Due},
	}
	same := func(a, b string) bool { return strings.TrimSpace(a) == strings.TrimSpace(b) }
	for _, f := range fields {
		switch {
		case same(f.mine, f.cur):
		case haveOrig && same(f.mine, f.orig):
			*f.out = f.cur // the user left it alone: take the other change
		case haveOrig && same(f.cur, f.orig):
			// only the user changed it: keep theirs
		default:
			words := f.words
			if words == "" {
				words = "(empty)"
			}
			notes[f.name] = words
		}
	}
	return mine, notes
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// History as words.

var fieldLabels = map[string]string{
	"state": "State", "verdict_id": "Verdict", "verdict": "Verdict", "explanation": "Explanation", "rationale": "Rationale",
	"assignee_id": "Assignee", "due": "Due date", "reason": "Reason", "note": "Note", "round": "Review round",
	"summary": "Summary", "type": "Type", "claimant_id": "Claimant", "claimed_at": "Claimed on", "notes": "Notes",
	"quote": "Quote", "start": "Start", "end": "End", "anchor_state": "Anchor", "title": "Title", "outlet": "Outlet",
	"source_url": "Source URL", "revision": "Revision", "label": "Label", "value": "Value", "colour": "Colour",
	"description": "Description", "not_checkable": "Not checkable", "position": "Position", "proposed_by": "Proposed by",
	"claims_moved": "Claims moved", "claims_moved_to": "Claims moved to",
}

// fieldOrder puts the fields people care most about first.
var fieldOrder = []string{"state", "verdict_id", "verdict", "explanation", "rationale", "assignee_id", "due", "reason", "note", "round",
	"quote", "summary", "claimant_id", "type", "claimed_at", "notes", "start", "end"}

func fieldRank(f string) int {
	if i := slices.Index(fieldOrder, f); i >= 0 {
		return i
	}
	return len(fieldOrder)
}

// historyItem turns an entry into words. withSubject names and links the
// claim an entry is about (for the article's history).
func historyItem(e models.HistoryEntry, names store.HistoryNames, withSubject bool) views.HistoryItem {
	it := views.HistoryItem{ID: e.ID, At: e.CreatedAt, Actor: e.ActorName}
	if it.Actor == "" {
		it.Actor = "Claimdesk"
	}
	var verb string
	switch e.EntityType + " " + e.Action {
	case "claim created":
		verb = "marked"
	case "claim updated":
		verb = "edited"
	case "claim state changed":
		verb = "changed the state of"
	case "claim deleted":
		verb = "deleted"
	case "approval approved":
		verb = "approved the verdict on"
	case "approval rejected":
		verb = "rejected the verdict on"
	default:
		verb = e.Action + " " + strings.ReplaceAll(e.EntityType, "_", " ")
		if e.ClaimID != nil {
			verb += " on"
		}
	}
	it.What = verb
	switch {
	case e.ClaimID != nil && withSubject:
		it.Subject, it.Link = claimSubject(*e.ClaimID, names), "/claims/"+itoa(*e.ClaimID)
	case e.ClaimID != nil:
		it.Subject = "the claim"
	case e.EntityType == "article":
		it.What, it.Subject = strings.TrimSuffix(verb, " article"), "the article"
		if e.Action == "created" {
			it.What = "added"
		}
	}
	var ch map[string][2]any
	if json.Unmarshal([]byte(e.Changes), &ch) != nil {
		return it
	}
	fields := make([]string, 0, len(ch))
	for f := range ch {
		fields = append(fields, f)
	}
	slices.SortFunc(fields, func(a, b string) int {
		if d := fieldRank(a) - fieldRank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	for _, f := range fields {
		label, ok := fieldLabels[f]
		if !ok {
			label = strings.ReplaceAll(f, "_", " ")
		}
		old, now := historyValue(f, ch[f][0], names), historyValue(f, ch[f][1], names)
		if old == "" && now == "" {
			continue // e.g. an empty summary when a claim is marked
		}
		it.Changes = append(it.Changes, views.FieldChange{Field: label, Old: old, New: now, Note: f == "reason" || f == "note"})
	}
	return it
}

// claimSubject names a claim in history by its number ("claim 3"); a claim
// whose row is gone keeps its id.
func claimSubject(id int64, names store.HistoryNames) string {
	if n := names.Claims[id]; n > 0 {
		return "claim " + itoa(n)
	}
	return "claim (id " + itoa(id) + ")"
}

func historyValue(field string, v any, names store.HistoryNames) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64:
		id := int64(x)
		switch field {
		case "verdict_id":
			if n, ok := names.Verdicts[id]; ok {
				return n
			}
			return "label " + itoa(id) + " (deleted)"
		case "assignee_id", "proposed_by", "user_id":
			if n, ok := names.Users[id]; ok {
				return n
			}
		case "claimant_id":
			if n, ok := names.Claimants[id]; ok {
				return n
			}
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		if field == "state" || field == "anchor_state" {
			if st := models.State(x); st.Valid() {
				return st.Label()
			}
		}
		return clipText(x, 300)
	}
	b, _ := json.Marshal(v)
	return clipText(string(b), 300)
}

// articleHistory is the history of an article and its claims, newest first.
func (h *handler) articleHistory(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	before, err := optionalID(c, "before")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a, err := h.store.Article(ctx, id)
	if err != nil {
		return err
	}
	const perPage = 100
	hist, err := h.store.ArticleHistory(ctx, id, before, perPage)
	if err != nil {
		return err
	}
	names, err := h.store.HistoryNames(ctx, hist)
	if err != nil {
		return err
	}
	v := views.ArticleHistoryView{Article: a}
	for _, e := range hist {
		v.Items = append(v.Items, historyItem(e, names, true))
	}
	if len(hist) == perPage {
		v.Older = hist[len(hist)-1].ID
	}
	return render(c, http.StatusOK, views.ArticleHistoryPage(v))
}

// queryID reads an optional positive id query parameter (0 when absent).
func optionalID(c echo.Context, name string) (int64, error) {
	s := c.QueryParam(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		return 0, &badRequest{msg: "Bad query parameter.", fields: map[string]string{name: "Must be a positive whole number (an id)."}}
	}
	return n, nil
}

// Board, queue and dashboard.

// boardFilter reads the board's query parameters; every one is validated
// here or by the store.
func boardFilter(c echo.Context) (store.BoardFilter, views.BoardFilterForm, error) {
	form := views.BoardFilterForm{State: strings.TrimSpace(c.QueryParam("state")), Verdict: strings.TrimSpace(c.QueryParam("verdict")),
		Assignee: strings.TrimSpace(c.QueryParam("assignee")), MarkedBy: strings.TrimSpace(c.QueryParam("marked_by")), Claimant: strings.TrimSpace(c.QueryParam("claimant")),
		Article: strings.TrimSpace(c.QueryParam("article"))}
	bad := map[string]string{}
	flag := func(name string) bool {
		switch strings.ToLower(c.QueryParam(name)) {
		case "", "0", "false", "no", "off":
			return false
		case "1", "true", "yes", "on":
			return true
		}
		bad[name] = "Use true or false."
		return false
	}
	form.Overdue, form.NoEvidence = flag("overdue"), flag("no_evidence")
	page, err := queryInt(c, "page", 1, store.MaxBoardPage)
	if err != nil {
		return store.BoardFilter{}, form, err
	}
	per, err := queryInt(c, "per_page", 50, 200)
	if err != nil {
		return store.BoardFilter{}, form, err
	}
	if len(bad) > 0 {
		return store.BoardFilter{}, form, &badRequest{msg: "Bad query parameter.", fields: bad}
	}
	return store.BoardFilter{State: form.State, Verdict: form.Verdict, Assignee: form.Assignee, MarkedBy: form.MarkedBy, Claimant: form.Claimant, Article: form.Article,
		Overdue: form.Overdue, NoEvidence: form.NoEvidence, Me: user(c).ID, Page: page, PerPage: per}, form, nil
}

func (h *handler) board(c echo.Context) error {
	f, form, err := boardFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v := views.BoardView{Filter: form, Page: f.Page, Today: todayUTC()}
	if v.Scale, err = h.store.Verdicts(ctx); err != nil {
		return err
	}
	users, err := h.store.Users(ctx)
	if err != nil {
		return err
	}
	v.Reviewers, v.Markers = userOptions(users, models.ActReview), userOptions(users, models.ActMarkClaims)
	p, err := h.store.Board(ctx, f)
	var verr models.ValidationError
	switch {
	case errors.As(err, &verr):
		v.Errors = verr
		return render(c, http.StatusUnprocessableEntity, views.BoardPage(v))
	case err != nil:
		return err
	}
	v.Items, v.Counts, v.AtLeast, v.Total, v.TotalAtLeast, v.PerPage, v.HasNext = p.Items, p.Counts, p.AtLeast, p.Total, p.TotalAtLeast, p.PerPage, p.HasNext
	for _, n := range p.Counts {
		v.All += n
	}
	return render(c, http.StatusOK, views.BoardPage(v))
}

func (h *handler) queue(c echo.Context) error {
	u := user(c)
	q, err := h.store.Queue(c.Request().Context(), u, 100)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.QueuePage(views.QueueView{Name: u.Name, Assigned: q.Assigned, AssignedTotal: q.AssignedTotal, AssignedAtLeast: q.AssignedAtLeast,
		SignOff: q.SignOff, SignOffTotal: q.SignOffTotal, SignOffAtLeast: q.SignOffAtLeast, CanReview: u.Can(models.ActReview),
		Marked: q.Marked, MarkedTotal: q.MarkedTotal, MarkedAtLeast: q.MarkedAtLeast, CanMark: u.Can(models.ActMarkClaims), Today: q.Today}))
}

func (h *handler) dashboard(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := h.store.Dashboard(ctx, 12)
	if err != nil {
		return err
	}
	scale, err := h.store.Verdicts(ctx)
	if err != nil {
		return err
	}
	v := views.DashboardView{Total: d.Total, ByState: d.ByState, Overdue: d.Overdue, OverdueItems: d.OverdueItems, Today: d.Today}
	for _, s := range scale {
		v.Verdicts = append(v.Verdicts, views.VerdictCount{ID: s.ID, Label: s.Label, Colour: s.Colour, N: d.ByVerdict[s.ID]})
	}
	v.Verdicts = append(v.Verdicts, views.VerdictCount{Label: "No verdict yet", N: d.NoVerdict})
	for _, w := range d.Weeks {
		v.Weeks = append(v.Weeks, views.WeekCount{Start: w.Start, Opened: w.Opened, Closed: w.Closed})
	}
	return render(c, http.StatusOK, views.DashboardPage(v))
}

// The verdict scale (admins).

func verdictInputFromForm(c echo.Context) (store.VerdictInput, views.VerdictForm) {
	f := views.VerdictForm{Label: c.FormValue("label"), Value: c.FormValue("value"), Colour: c.FormValue("colour"),
		Description: textareaValue(c, "description"), NotCheckable: c.FormValue("not_checkable") == "true"}
	return store.VerdictInput{Label: f.Label, Value: f.Value, Colour: f.Colour, Description: f.Description, NotCheckable: f.NotCheckable}, f
}

func (h *handler) scale(c echo.Context) error {
	flash := ""
	switch {
	case c.QueryParam("saved") != "":
		flash = "The scale was saved."
	case c.QueryParam("deleted") != "":
		flash = "The label was deleted."
		if n, _ := strconv.Atoi(c.QueryParam("moved")); n > 0 {
			flash = fmt.Sprintf("The label was deleted; %d claims were moved.", n)
		}
	}
	return h.renderScale(c, http.StatusOK, views.ScaleView{Flash: flash})
}

func (h *handler) renderScale(c echo.Context, status int, v views.ScaleView) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	ctx := c.Request().Context()
	scale, err := h.store.Verdicts(ctx)
	if err != nil {
		return err
	}
	used, err := h.store.VerdictUsage(ctx)
	if err != nil {
		return err
	}
	for _, s := range scale {
		v.Items = append(v.Items, views.ScaleItem{Verdict: s, Used: used[s.ID]})
	}
	if v.New.Colour == "" && len(v.New.Errors) == 0 {
		v.New.Colour = "#57606a"
	}
	return render(c, status, views.ScalePage(v))
}

func (h *handler) addVerdict(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	in, f := verdictInputFromForm(c)
	vd, err := h.store.CreateVerdict(c.Request().Context(), actor(c), in)
	var verr models.ValidationError
	switch {
	case errors.As(err, &verr):
		f.Errors = verr
		return h.renderScale(c, http.StatusUnprocessableEntity, views.ScaleView{New: f})
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/verdicts?saved=1#verdict-"+itoa(vd.ID))
}

// verdictPage is one label's page: its edit form and its delete form.
func (h *handler) verdictPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return h.renderVerdict(c, http.StatusOK, id, nil, views.VerdictForm{}, "")
}

// renderVerdict shows a label's page; form, when not nil, replaces the
// stored values in the edit form.
func (h *handler) renderVerdict(c echo.Context, status int, id int64, form *views.VerdictForm, del views.VerdictForm, conflict string) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	ctx := c.Request().Context()
	scale, err := h.store.Verdicts(ctx)
	if err != nil {
		return err
	}
	used, err := h.store.VerdictUsage(ctx)
	if err != nil {
		return err
	}
	v := views.ScaleEditView{Delete: del, Conflict: conflict}
	found := false
	for _, s := range scale {
		if s.ID == id {
			v.Item, found = views.ScaleItem{Verdict: s, Used: used[s.ID]}, true
		} else {
			v.Others = append(v.Others, s)
		}
	}
	if !found {
		return echo.ErrNotFound
	}
	v.Form = views.VerdictFormOf(v.Item.Verdict)
	if form != nil {
		v.Form = *form
	}
	return render(c, status, views.ScaleEditPage(v))
}

func (h *handler) editVerdict(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in, f := verdictInputFromForm(c)
	f.Version, _ = strconv.Atoi(c.FormValue("version"))
	_, err = h.store.UpdateVerdict(c.Request().Context(), actor(c), id, f.Version, in)
	var (
		verr models.ValidationError
		conf *models.ConflictError
	)
	switch {
	case errors.As(err, &verr):
		f.Errors = verr
		return h.renderVerdict(c, http.StatusUnprocessableEntity, id, &f, views.VerdictForm{}, "")
	case errors.As(err, &conf):
		// Keep the admin's values; the form now carries the current version,
		// so saving again applies them over the other change, knowingly.
		msg := conf.Message
		if cur, ok := conf.Current.(models.Verdict); ok {
			f.Version = cur.Version
			msg += fmt.Sprintf(" It is now “%s”, %s, value %s: “%s”. Your values are in the form.", cur.Label, cur.Colour, valueWords(cur.Value), cur.Description)
		}
		return h.renderVerdict(c, http.StatusConflict, id, &f, views.VerdictForm{}, msg)
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/verdicts?saved=1#verdict-"+itoa(id))
}

func valueWords(p *int) string {
	if p == nil {
		return "none"
	}
	return strconv.Itoa(*p)
}

func (h *handler) moveVerdict(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	by, err := strconv.Atoi(c.FormValue("by"))
	if err != nil || (by != -1 && by != 1) {
		return &badRequest{msg: "Move a label up (-1) or down (1).", fields: map[string]string{"by": "Use -1 or 1."}}
	}
	if err := h.store.MoveVerdict(c.Request().Context(), actor(c), id, by); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/verdicts?saved=1#verdict-"+itoa(id))
}

func (h *handler) deleteVerdict(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f := views.VerdictForm{MoveTo: c.FormValue("move_to")}
	var moveTo int64
	if f.MoveTo != "" {
		if moveTo, err = strconv.ParseInt(f.MoveTo, 10, 64); err != nil || moveTo <= 0 {
			f.Errors = models.ValidationError{"move_to": "Choose a label from the list."}
		}
	}
	var moved int
	if len(f.Errors) == 0 {
		moved, err = h.store.DeleteVerdict(c.Request().Context(), actor(c), id, moveTo)
		var verr models.ValidationError
		switch {
		case errors.As(err, &verr):
			f.Errors = verr
		case err != nil:
			return err
		}
	}
	if len(f.Errors) > 0 {
		return h.renderVerdict(c, http.StatusUnprocessableEntity, id, nil, f, "")
	}
	return c.Redirect(http.StatusSeeOther, "/admin/verdicts?deleted=1&moved="+strconv.Itoa(moved))
}

// JSON API.

type boardJSON struct {
	Items        []claimJSON    `json:"items"`
	Counts       map[string]int `json:"counts"`
	CountsCapped []string       `json:"counts_capped"` // states whose count is store.CountCap or more
	Total        int            `json:"total"`
	TotalCapped  bool           `json:"total_capped"`
	Page         int            `json:"page"`
	PerPage      int            `json:"per_page"`
	Next         *string        `json:"next"`
}

func (h *handler) apiBoard(c echo.Context) error {
	f, form, err := boardFilter(c)
	if err != nil {
		return err
	}
	p, err := h.store.Board(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := boardJSON{Items: make([]claimJSON, len(p.Items)), Counts: map[string]int{}, CountsCapped: []string{},
		Total: p.Total, TotalCapped: p.TotalAtLeast, Page: p.Page, PerPage: p.PerPage}
	for i, d := range p.Items {
		out.Items[i] = toClaimJSON(d)
	}
	for _, s := range models.States {
		out.Counts[string(s)] = p.Counts[s]
		if p.AtLeast[s] {
			out.CountsCapped = append(out.CountsCapped, string(s))
		}
	}
	if p.HasNext {
		q := form.Query()
		q.Set("page", strconv.Itoa(p.Page+1))
		if p.PerPage != 50 {
			q.Set("per_page", strconv.Itoa(p.PerPage))
		}
		next := "/api/v1/claims?" + q.Encode()
		out.Next = &next
	}
	return c.JSON(http.StatusOK, out)
}

type approvalJSON struct {
	ID        int64     `json:"id"`
	User      userRef   `json:"user"`
	Approve   bool      `json:"approve"`
	Note      string    `json:"note"`
	VerdictID *int64    `json:"verdict_id"`
	Round     int       `json:"round"`
	CreatedAt time.Time `json:"created_at"`
}

func toApprovalJSON(a store.Approval) approvalJSON {
	return approvalJSON{ID: a.ID, User: userRef{ID: a.UserID, Name: a.UserName}, Approve: a.Approve, Note: a.Note, VerdictID: a.VerdictID, Round: a.Round, CreatedAt: a.CreatedAt}
}

func (h *handler) apiApprovals(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	d, err := h.store.Claim(ctx, id)
	if err != nil {
		return err
	}
	as, err := h.store.Approvals(ctx, id)
	if err != nil {
		return err
	}
	required, err := h.store.RequiredApprovals(ctx)
	if err != nil {
		return err
	}
	out := make([]approvalJSON, len(as))
	for i, a := range as {
		out[i] = toApprovalJSON(a)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": out, "round": d.ReviewRound, "required": required, "state": d.State})
}

type decisionRequest struct {
	Approve *bool   `json:"approve"`
	Note    *string `json:"note"`
	Version *int    `json:"version"`
}

func (h *handler) apiDecide(c echo.Context) error {
	if err := must(c, models.ActReview); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r decisionRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	if r.Approve == nil {
		return models.ValidationError{"approve": "Send \"approve\": true to approve the verdict, or false to reject it."}
	}
	d := store.Decision{Approve: *r.Approve, Note: deref(r.Note)}
	switch {
	case r.Version != nil:
		d.Version = *r.Version
		if d.Version <= 0 {
			return models.ValidationError{"version": "Send the claim's version, a positive whole number."}
		}
	case c.Request().Header.Get("If-Match") != "":
		v, ok := versionFromETag(c.Request().Header.Get("If-Match"), id)
		if !ok {
			return &badRequest{msg: "If-Match must be the claim's ETag, as GET returned it."}
		}
		d.Version = v
	}
	res, err := h.store.SignOff(c.Request().Context(), actor(c), id, d)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", res.Claim.ETag())
	return c.JSON(http.StatusCreated, map[string]any{"approval": toApprovalJSON(res.Approval), "approvals": res.Approvals,
		"required": res.Required, "claim": toClaimJSON(res.Claim)})
}

type commentJSON struct {
	ID        int64     `json:"id"`
	ClaimID   int64     `json:"claim_id"`
	Author    userRef   `json:"author"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

func toCommentJSON(cm store.Comment) commentJSON {
	return commentJSON{ID: cm.ID, ClaimID: cm.ClaimID, Author: userRef{ID: cm.UserID, Name: cm.UserName}, Body: cm.Body, CreatedAt: cm.CreatedAt}
}

func (h *handler) apiComments(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	after, err := optionalID(c, "after")
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", 100, 500)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.store.Claim(ctx, id); err != nil {
		return err
	}
	cs, err := h.store.Comments(ctx, id, after, limit)
	if err != nil {
		return err
	}
	out := make([]commentJSON, len(cs))
	for i, cm := range cs {
		out[i] = toCommentJSON(cm)
	}
	var next *string
	if len(cs) == limit {
		s := fmt.Sprintf("/api/v1/claims/%d/comments?after=%d&limit=%d", id, cs[len(cs)-1].ID, limit)
		next = &s
	}
	return c.JSON(http.StatusOK, map[string]any{"items": out, "next": next})
}

func (h *handler) apiAddComment(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r struct {
		Body *string `json:"body"`
	}
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	cm, err := h.store.AddComment(c.Request().Context(), actor(c), id, deref(r.Body))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toCommentJSON(cm))
}

type historyJSON struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	Actor      *userRef        `json:"actor"`
	EntityType string          `json:"entity_type"`
	EntityID   int64           `json:"entity_id"`
	ClaimID    *int64          `json:"claim_id"`
	ArticleID  *int64          `json:"article_id"`
	Action     string          `json:"action"`
	Changes    json.RawMessage `json:"changes"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

func toHistoryJSON(es []models.HistoryEntry) []historyJSON {
	out := make([]historyJSON, len(es))
	for i, e := range es {
		j := historyJSON{ID: e.ID, At: e.CreatedAt, EntityType: e.EntityType, EntityID: e.EntityID, ClaimID: e.ClaimID, ArticleID: e.ArticleID,
			Action: e.Action, Changes: json.RawMessage(e.Changes), PrevHash: e.PrevHash, Hash: e.Hash}
		if !json.Valid(j.Changes) {
			j.Changes = json.RawMessage("{}")
		}
		if e.ActorID != nil || e.ActorName != "" {
			j.Actor = &userRef{Name: e.ActorName}
			if e.ActorID != nil {
				j.Actor.ID = *e.ActorID
			}
		}
		out[i] = j
	}
	return out
}

func (h *handler) apiClaimHistory(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.store.Claim(ctx, id); err != nil {
		return err
	}
	hist, err := h.store.ClaimHistory(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": toHistoryJSON(hist)})
}

func (h *handler) apiArticleHistory(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	before, err := optionalID(c, "before")
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", 100, 500)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.store.Article(ctx, id); err != nil {
		return err
	}
	hist, err := h.store.ArticleHistory(ctx, id, before, limit)
	if err != nil {
		return err
	}
	var next *string
	if len(hist) == limit {
		q := url.Values{"before": {itoa(hist[len(hist)-1].ID)}, "limit": {strconv.Itoa(limit)}}
		s := fmt.Sprintf("/api/v1/articles/%d/history?%s", id, q.Encode())
		next = &s
	}
	return c.JSON(http.StatusOK, map[string]any{"items": toHistoryJSON(hist), "next": next})
}

// optInt is a JSON field that may be absent, null or a whole number.
type optInt struct {
	set bool
	v   *int
}

func (o *optInt) UnmarshalJSON(b []byte) error {
	o.set = true
	if string(b) == "null" {
		o.v = nil
		return nil
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	o.v = &n
	return nil
}

type verdictRequest struct {
	Label        *string `json:"label"`
	Value        optInt  `json:"value"`
	Colour       *string `json:"colour"`
	Description  *string `json:"description"`
	NotCheckable *bool   `json:"not_checkable"`
	Version      *int    `json:"version"`
}

// input merges the request over the current label (zero for a new one).
func (r verdictRequest) input(cur models.Verdict) store.VerdictInput {
	in := store.VerdictInput{Label: cur.Label, Colour: cur.Colour, Description: cur.Description, NotCheckable: cur.NotCheckable}
	if cur.Value != nil {
		in.Value = strconv.Itoa(*cur.Value)
	}
	if r.Label != nil {
		in.Label = *r.Label
	}
	if r.Value.set {
		in.Value = ""
		if r.Value.v != nil {
			in.Value = strconv.Itoa(*r.Value.v)
		}
	}
	if r.Colour != nil {
		in.Colour = *r.Colour
	}
	if r.Description != nil {
		in.Description = *r.Description
	}
	if r.NotCheckable != nil {
		in.NotCheckable = *r.NotCheckable
	}
	return in
}

type scaleLabelJSON struct {
	verdictJSON
	Version int `json:"version"`
}

func (h *handler) apiCreateVerdict(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	var r verdictRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	vd, err := h.store.CreateVerdict(c.Request().Context(), actor(c), r.input(models.Verdict{}))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, scaleLabelJSON{toVerdictJSON(vd), vd.Version})
}

func (h *handler) apiUpdateVerdict(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r verdictRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	ctx := c.Request().Context()
	scale, err := h.store.Verdicts(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(scale, func(v models.Verdict) bool { return v.ID == id })
	if i < 0 {
		return echo.ErrNotFound
	}
	version := 0
	if r.Version != nil {
		version = *r.Version
	}
	vd, err := h.store.UpdateVerdict(ctx, actor(c), id, version, r.input(scale[i]))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, scaleLabelJSON{toVerdictJSON(vd), vd.Version})
}

func (h *handler) apiDeleteVerdict(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	moveTo, err := optionalID(c, "move_to")
	if err != nil {
		return err
	}
	moved, err := h.store.DeleteVerdict(c.Request().Context(), actor(c), id, moveTo)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"moved": moved})
}

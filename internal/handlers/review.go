package handlers

import (
	"context"
	"errors"
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

// reviewRoutes registers the review workflow's routes, one resource a
// file: the claim page's review and sign-off (here), comments, history,
// the board with the queue and dashboard, and the verdict scale.
func (h *handler) reviewRoutes(pages, api *echo.Group) {
	pages.POST("/claims/:id/review", h.saveReview)
	pages.POST("/claims/:id/state", h.changeState)
	pages.POST("/claims/:id/approvals", h.decide)
	api.GET("/claims/:id/approvals", h.apiApprovals)
	api.POST("/claims/:id/approvals", h.apiDecide)
	h.commentRoutes(pages, api)
	h.historyRoutes(pages, api)
	h.boardRoutes(pages, api)
	h.verdictRoutes(pages, api)
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
		switch {
		case s == models.StateApproved || s == models.StateNeedsRecheck:
		case s == models.StatePublished: // through the preview, in the publication panel
		case d.State == models.StatePublished && s == models.StateResearching: // Correct, in the publication panel
		default:
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
	if v.Publication, err = h.publicationPanel(c, d, v.LastSeen); err != nil {
		return v, err
	}
	v.Form = reviewFormOf(d)
	v.Orig = v.Form
	v.CanAssignSelf = u.Can(models.ActReview)
	v.Form.AssignMe = d.AssigneeID == nil
	v.Saved = savedMessage(c.QueryParam("saved"), c.QueryParam("moved"))
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

// saveReview saves the verdict, explanation, rationale and assignment and,
// when the button pressed names a state ("Send for sign-off", "Start
// research"…), moves the claim there in the same step: what is typed is
// never dropped by an action. On any error the page comes back with every
// field as typed and the message beside the field at fault.
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
		Rationale: textareaValue(c, "rationale"), Assignee: c.FormValue("assignee"), Due: c.FormValue("due"),
		Reason: textareaValue(c, "reason"), AssignMe: c.FormValue("assign_me") != ""}
	if version <= 0 {
		return h.reviewFailed(c, id, f, seen, errNoVersion)
	}
	p := store.ClaimPatch{Version: version, Verdict: &f.Verdict, Explanation: &f.Explanation, Rationale: &f.Rationale,
		Assignee: &f.Assignee, Due: &f.Due, Reason: strings.TrimSpace(f.Reason)}
	state := strings.TrimSpace(c.FormValue("state"))
	if state != "" {
		p.State = &state
	}
	if f.AssignMe && state == string(models.StateResearching) {
		me := itoa(user(c).ID)
		p.Assignee = &me
	}
	orig, _ := origForm(c)
	d, err := h.store.UpdateClaim(c.Request().Context(), actor(c), id, p)
	if err != nil {
		return h.reviewFailed(c, id, f, seen, err)
	}
	q := url.Values{}
	if fields := savedFields(orig, reviewFormOf(d)); fields != "" {
		q.Set("saved", fields)
	}
	if state != "" {
		q.Set("moved", string(d.State))
	}
	return c.Redirect(http.StatusSeeOther, "/claims/"+itoa(id)+queryString(q)+"#review-heading")
}

func queryString(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// reviewFields names the review form's fields, in the form's order, as the
// "Saved" message says them.
var reviewFields = []struct{ key, label string }{
	{"verdict", "the rating"}, {"explanation", "the explanation"}, {"rationale", "the rationale"},
	{"assignee", "the assignment"}, {"due", "the due date"},
}

// savedFields lists the review fields that differ between before and after,
// as keys joined by commas ("verdict,explanation").
func savedFields(before, after views.ReviewForm) string {
	b := map[string]string{"verdict": before.Verdict, "explanation": before.Explanation, "rationale": before.Rationale, "assignee": before.Assignee, "due": before.Due}
	a := map[string]string{"verdict": after.Verdict, "explanation": after.Explanation, "rationale": after.Rationale, "assignee": after.Assignee, "due": after.Due}
	var out []string
	for _, f := range reviewFields {
		if strings.TrimSpace(a[f.key]) != strings.TrimSpace(b[f.key]) {
			out = append(out, f.key)
		}
	}
	return strings.Join(out, ",")
}

// savedMessage is the status line after a review was saved: what was saved,
// by name, and where the claim moved.
func savedMessage(saved, moved string) string {
	var names []string
	for _, key := range strings.Split(saved, ",") {
		for _, f := range reviewFields {
			if f.key == key {
				names = append(names, f.label)
			}
		}
	}
	msg := ""
	if len(names) > 0 {
		msg = "Saved " + joinWords(names) + "."
	}
	if st := models.State(moved); moved != "" && st.Valid() {
		msg = strings.TrimSpace(msg + " The claim is now " + strings.ToLower(st.Label()) + ".")
	}
	return msg
}

// joinWords is "a", "a and b" or "a, b and c".
func joinWords(w []string) string {
	if len(w) <= 1 {
		return strings.Join(w, "")
	}
	return strings.Join(w[:len(w)-1], ", ") + " and " + w[len(w)-1]
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

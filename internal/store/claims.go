package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// NewClaim is a claim about to be created: its anchor, already resolved
// against revision Revision of the article, and its content.
type NewClaim struct {
	ArticleID      int64
	Revision       int
	Start, End     int
	Quote          string
	Prefix, Suffix string
	Input          models.ClaimInput
	Link           *MatchRef // link the new claim to an earlier check (a matching suggestion)
}

// CreateClaim stores a claim. It fails with a conflict when the article was
// revised after the anchor was computed, and with ErrNotFound when the
// article is gone.
func (s *Store) CreateClaim(ctx context.Context, actor Actor, n NewClaim) (models.ClaimDetail, error) {
	if v := n.Input.Validate(); len(v) > 0 {
		return models.ClaimDetail{}, v
	}
	c := models.Claim{
		ArticleID: n.ArticleID, Start: n.Start, End: n.End, Quote: n.Quote, Prefix: n.Prefix, Suffix: n.Suffix,
		Type: models.TypeStatement, State: models.StateNew, AnchorState: models.AnchorAnchored,
		AnchorRevision: n.Revision, Version: 1, CreatedBy: actor.ID,
	}
	applyContent(&c, n.Input)
	// What the answer shows is known from the write itself: no read after it.
	var d models.ClaimDetail
	err := s.tx(ctx, func(tx *gorm.DB) error {
		first, err := takeClaimNumbers(tx, n.ArticleID, 1)
		if err != nil {
			return err
		}
		c.Number = first
		var a models.Article
		if err := tx.Select("id, revision, title").Where("deleted_at IS NULL").First(&a, n.ArticleID).Error; err != nil {
			return lookupErr(err, "article", n.ArticleID)
		}
		if a.Revision != n.Revision {
			return &models.ConflictError{Message: fmt.Sprintf("The article was revised (now revision %d) while you were marking. Select the text again.", a.Revision)}
		}
		d = models.ClaimDetail{ArticleTitle: a.Title}
		if n.Input.Claimant != nil {
			cl, err := s.claimantFor(tx, actor, *n.Input.Claimant, n.Input.ClaimantKind)
			if err != nil {
				return err
			}
			if cl != nil {
				d.Claimant, c.ClaimantID = cl, &cl.ID
			}
		}
		if err := tx.Create(&c).Error; err != nil {
			return writeErr(err, "claim")
		}
		err = s.appendHistory(tx, actor, claimEntry(c, "created"), Changes{
			"start": {nil, c.Start}, "end": {nil, c.End}, "quote": {nil, c.Quote}, "summary": {nil, c.Summary},
			"type": {nil, c.Type}, "claimant_id": {nil, ptrValue(c.ClaimantID)}, "state": {nil, c.State},
		})
		if err == nil && n.Link != nil {
			_, err = s.linkClaim(tx, actor, c, *n.Link)
		}
		return err
	})
	if err != nil {
		return models.ClaimDetail{}, err
	}
	d.Claim = c
	return d, nil
}

// takeClaimNumbers reserves n claim numbers on an article and returns the
// first: the article's counter is raised in place, which locks its row until
// the transaction ends, so concurrent markers queue and never share a number
// (migration 0035). Numbers are never given back.
func takeClaimNumbers(tx *gorm.DB, articleID int64, n int) (int, error) {
	res := tx.Exec(`UPDATE articles SET last_claim_number = last_claim_number + ? WHERE id = ? AND deleted_at IS NULL`, n, articleID)
	if res.Error != nil {
		return 0, fmt.Errorf("store: number claims of article %d: %w", articleID, res.Error)
	}
	if res.RowsAffected == 0 {
		return 0, fmt.Errorf("article %d: %w", articleID, models.ErrNotFound)
	}
	var last int
	if err := tx.Raw(`SELECT last_claim_number FROM articles WHERE id = ?`, articleID).Scan(&last).Error; err != nil {
		return 0, fmt.Errorf("store: number claims of article %d: %w", articleID, err)
	}
	return last - n + 1, nil
}

func claimEntry(c models.Claim, action string) models.HistoryEntry {
	return models.HistoryEntry{EntityType: "claim", EntityID: c.ID, ClaimID: &c.ID, ArticleID: &c.ArticleID, Action: action}
}

func ptrValue[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func applyContent(c *models.Claim, in models.ClaimInput) {
	if in.Summary != nil {
		c.Summary = strings.TrimSpace(*in.Summary)
	}
	if in.Type != nil {
		c.Type, _ = models.ParseClaimType(*in.Type) // validated before
	}
	if in.ClaimedAt != nil {
		c.ClaimedAt = nil
		if t, err := models.ParseDate(*in.ClaimedAt); err == nil {
			c.ClaimedAt = &t
		}
	}
	if in.Notes != nil {
		c.Notes = strings.TrimSpace(*in.Notes)
	}
}

// resolveClaimant finds a claimant by id or (case-insensitive) name, and
// creates a person of that name when there is none. "" means no claimant.
func (s *Store) resolveClaimant(tx *gorm.DB, actor Actor, ref string, kind *string) (*int64, error) {
	cl, err := s.claimantFor(tx, actor, ref, kind)
	if cl == nil || err != nil {
		return nil, err
	}
	return &cl.ID, nil
}

// claimantFor is resolveClaimant returning the whole claimant row.
func (s *Store) claimantFor(tx *gorm.DB, actor Actor, ref string, kind *string) (*models.Claimant, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, nil
	}
	var cl models.Claimant
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		if err := tx.First(&cl, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return nil, models.Invalid("claimant", "There is no claimant with id %d.", id)
			}
			return nil, err
		}
		return &cl, nil
	}
	res := tx.Where("name_key = ?", nameKey(ref)).Limit(1).Find(&cl)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected > 0 {
		return &cl, nil
	}
	cl = models.Claimant{Name: ref, NameKey: nameKey(ref), Kind: models.KindPerson, SameAs: []string{}}
	cl.SearchKey = ClaimantSearchKey(cl)
	if kind != nil {
		cl.Kind = *kind
	}
	if err := tx.Create(&cl).Error; err != nil {
		return nil, writeErr(err, "claimant")
	}
	if err := s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "claimant", EntityID: cl.ID, Action: "created"}, Changes{"name": {nil, cl.Name}, "kind": {nil, cl.Kind}}); err != nil {
		return nil, err
	}
	return &cl, nil
}

// Claim returns a live claim with its names.
func (s *Store) Claim(ctx context.Context, id int64) (models.ClaimDetail, error) {
	var c models.Claim
	if err := s.conn(ctx).Where("deleted_at IS NULL").First(&c, id).Error; err != nil {
		return models.ClaimDetail{}, lookupErr(err, "claim", id)
	}
	ds, err := s.details(ctx, []models.Claim{c})
	if err != nil {
		return models.ClaimDetail{}, err
	}
	return ds[0], nil
}

// ArticleClaims returns an article's live claims in reading order.
func (s *Store) ArticleClaims(ctx context.Context, articleID int64) ([]models.ClaimDetail, error) {
	var cs []models.Claim
	if err := s.conn(ctx).Where("article_id = ? AND deleted_at IS NULL", articleID).
		Order("start_pos, end_pos DESC, id").Limit(10000).Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("store: claims of article %d: %w", articleID, err)
	}
	return s.details(ctx, cs)
}

// ArticleReadingClaims is ArticleClaims for the reading page: the same
// claims in the same order, with only the fields the page shows (no notes,
// rationale, explanation or context). Rows are scanned explicitly rather
// than through GORM's reflection: an article may have hundreds of claims.
func (s *Store) ArticleReadingClaims(ctx context.Context, articleID int64) ([]models.ClaimDetail, error) {
	rows, err := s.conn(ctx).Raw(`SELECT id, number, article_id, start_pos, end_pos, quote, summary, type, claimant_id, state,
		verdict_id, assignee_id, anchor_state, anchor_revision, previous_quote, version, evidence_count, reverify_since
		FROM claims WHERE article_id = ? AND deleted_at IS NULL ORDER BY start_pos, end_pos DESC, id LIMIT 10000`, articleID).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: claims of article %d: %w", articleID, err)
	}
	defer rows.Close()
	var cs []models.Claim
	for rows.Next() {
		var c models.Claim
		var claimant, verdict, assignee sql.NullInt64
		var reverify sql.NullTime
		if err := rows.Scan(&c.ID, &c.Number, &c.ArticleID, &c.Start, &c.End, &c.Quote, &c.Summary, &c.Type, &claimant, &c.State,
			&verdict, &assignee, &c.AnchorState, &c.AnchorRevision, &c.PreviousQuote, &c.Version, &c.EvidenceCount, &reverify); err != nil {
			return nil, fmt.Errorf("store: claims of article %d: %w", articleID, err)
		}
		if reverify.Valid {
			t := reverify.Time.UTC()
			c.ReverifySince = &t // a published fact-check under re-verification: the list says so
		}
		c.ClaimantID, c.VerdictID, c.AssigneeID = nullID(claimant), nullID(verdict), nullID(assignee)
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: claims of article %d: %w", articleID, err)
	}
	return s.claimDetails(ctx, cs, false)
}

func nullID(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

// details loads the names shown beside claims with one query per kind of
// related row, never one per claim.
func (s *Store) details(ctx context.Context, cs []models.Claim) ([]models.ClaimDetail, error) {
	return s.claimDetails(ctx, cs, true)
}

// claimDetails is details; without fullClaimants it reads only the
// claimants' id, name, kind and title (what the reading page shows).
func (s *Store) claimDetails(ctx context.Context, cs []models.Claim, fullClaimants bool) ([]models.ClaimDetail, error) {
	out := make([]models.ClaimDetail, len(cs))
	if len(cs) == 0 {
		return out, nil
	}
	var claimantIDs, userIDs, articleIDs []int64
	for _, c := range cs {
		if c.ClaimantID != nil {
			claimantIDs = append(claimantIDs, *c.ClaimantID)
		}
		if c.AssigneeID != nil {
			userIDs = append(userIDs, *c.AssigneeID)
		}
		articleIDs = append(articleIDs, c.ArticleID)
	}
	claimantIDs, userIDs, articleIDs = uniqueIDs(claimantIDs), uniqueIDs(userIDs), uniqueIDs(articleIDs)
	claimants := map[int64]*models.Claimant{}
	if len(claimantIDs) > 0 {
		var rows []models.Claimant
		q := s.conn(ctx)
		if !fullClaimants {
			q = q.Select("id, name, kind, title")
		}
		if err := q.Where("id IN ?", claimantIDs).Find(&rows).Error; err != nil {
			return nil, err
		}
		for i := range rows {
			claimants[rows[i].ID] = &rows[i]
		}
	}
	users := map[int64]models.User{}
	if len(userIDs) > 0 {
		var rows []models.User
		if err := s.conn(ctx).Select("id, name, email").Where("id IN ?", userIDs).Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, u := range rows {
			users[u.ID] = u
		}
	}
	titles := map[int64]string{}
	{
		var rows []struct {
			ID    int64
			Title string
		}
		if err := s.conn(ctx).Model(&models.Article{}).Select("id, title").Where("id IN ?", articleIDs).Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			titles[r.ID] = r.Title
		}
	}
	scale, err := s.Verdicts(ctx)
	if err != nil {
		return nil, err
	}
	for i, c := range cs {
		d := models.ClaimDetail{Claim: c, ArticleTitle: titles[c.ArticleID]}
		if c.ClaimantID != nil {
			d.Claimant = claimants[*c.ClaimantID]
		}
		if c.AssigneeID != nil {
			d.AssigneeName, d.AssigneeEmail = users[*c.AssigneeID].Name, users[*c.AssigneeID].Email
		}
		if c.VerdictID != nil {
			for j := range scale {
				if scale[j].ID == *c.VerdictID {
					v := scale[j]
					d.Verdict = &v
				}
			}
		}
		out[i] = d
	}
	return out, nil
}

// uniqueIDs sorts ids and drops repeats, for IN lists.
func uniqueIDs(ids []int64) []int64 {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// Verdicts returns the verdict scale in order.
func (s *Store) Verdicts(ctx context.Context) ([]models.Verdict, error) {
	var out []models.Verdict
	err := s.conn(ctx).Order("position, id").Find(&out).Error
	return out, err
}

// ClaimPatch is a change to a claim. Nil fields stay as they are. Version
// must be the version the change was based on.
type ClaimPatch struct {
	Version int
	Content models.ClaimInput
	// Review fields (fact-checkers only).
	State       *string
	Verdict     *string // id or label; "" clears
	Explanation *string
	Rationale   *string
	Assignee    *string // id or e-mail; "" clears
	Due         *string // YYYY-MM-DD; "" clears
	Reason      string  // required when sending a claim back to researching
	// Publishing (state "published"): the public note of a correction,
	// required when a fact-check published before changes; and, when not
	// zero, the article revision the person previewed (a newer one is a
	// conflict).
	CorrectionNote  string
	ArticleRevision int
}

func (p ClaimPatch) touchesReview() bool {
	return p.State != nil || p.Verdict != nil || p.Explanation != nil || p.Rationale != nil || p.Assignee != nil || p.Due != nil
}

func (p ClaimPatch) touchesContent() bool {
	in := p.Content
	return in.Summary != nil || in.Type != nil || in.Claimant != nil || in.ClaimedAt != nil || in.Notes != nil
}

// Limits on review fields.
const (
	MaxExplanationRunes = 1000
	MaxRationaleRunes   = 20000
)

// UpdateClaim applies p if the claim is still at p.Version; otherwise it
// returns a *models.ConflictError carrying the current claim.
func (s *Store) UpdateClaim(ctx context.Context, actor Actor, id int64, p ClaimPatch) (models.ClaimDetail, error) {
	user := models.User{Role: actor.Role, Active: true}
	if p.touchesContent() && !user.Can(models.ActMarkClaims) {
		return models.ClaimDetail{}, fmt.Errorf("edit claim: %w", models.ErrForbidden)
	}
	if p.touchesReview() && !user.Can(models.ActReview) {
		return models.ClaimDetail{}, fmt.Errorf("review claim: %w", models.ErrForbidden)
	}
	v := p.Content.Validate()
	if p.Version <= 0 {
		v.Add("version", "Send the version of the claim your change is based on.")
	}
	if p.Explanation != nil && len([]rune(*p.Explanation)) > MaxExplanationRunes {
		v.Add("explanation", "Keep the explanation to one or two sentences (under 1,000 characters).")
	}
	if p.Rationale != nil && len([]rune(*p.Rationale)) > MaxRationaleRunes {
		v.Add("rationale", "Keep the rationale under 20,000 characters.")
	}
	var due *time.Time
	if p.Due != nil && strings.TrimSpace(*p.Due) != "" {
		t, err := models.ParseDate(*p.Due)
		if err != nil {
			v.Add("due", err.Error())
		}
		due = &t
	}
	var target models.State
	if p.State != nil {
		st, err := models.ParseState(*p.State)
		if err != nil {
			v.Add("state", err.(models.ValidationError)["state"])
		}
		target = st
	}
	if len(v) > 0 {
		return models.ClaimDetail{}, v
	}
	var c models.Claim
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("deleted_at IS NULL").First(&c, id).Error; err != nil {
			return lookupErr(err, "claim", id)
		}
		if c.Version != p.Version {
			return s.staleClaim(ctx, tx, c)
		}
		if p.ArticleRevision > 0 {
			if err := previewedRevision(tx, c, p.ArticleRevision); err != nil {
				return err
			}
		}
		old := c
		applyContent(&c, p.Content)
		if p.Content.Claimant != nil {
			cid, err := s.resolveClaimant(tx, actor, *p.Content.Claimant, p.Content.ClaimantKind)
			if err != nil {
				return err
			}
			c.ClaimantID = cid
		}
		if err := s.applyReview(tx, actor, &c, p, due, target); err != nil {
			return err
		}
		ch := claimChanges(old, c)
		if len(ch) == 0 {
			return nil
		}
		c.Version++
		c.UpdatedAt = s.nowUTC()
		res := tx.Model(&models.Claim{}).Where("id = ? AND version = ?", c.ID, p.Version).Updates(claimColumns(c))
		if res.Error != nil {
			return writeErr(res.Error, "claim")
		}
		if res.RowsAffected == 0 {
			return s.staleClaim(ctx, tx, c)
		}
		action := "updated"
		if old.State != c.State {
			action = "state changed"
		}
		if p.Reason != "" {
			ch["reason"] = Change{nil, p.Reason}
		}
		if note, ok := republished(old, c, p.CorrectionNote); ok {
			ch["correction"] = Change{nil, note}
		}
		return s.appendHistory(tx, actor, claimEntry(c, action), ch)
	})
	if err != nil {
		return models.ClaimDetail{}, err
	}
	return s.Claim(ctx, id)
}

func (s *Store) staleClaim(ctx context.Context, tx *gorm.DB, c models.Claim) error {
	var cur models.Claim
	if err := tx.First(&cur, c.ID).Error; err != nil {
		return lookupErr(err, "claim", c.ID)
	}
	return &models.ConflictError{
		Message: fmt.Sprintf("Someone else changed this claim (now version %d). Your change was not saved: review theirs and apply yours again.", cur.Version),
		Current: cur,
	}
}

// applyReview applies the workflow fields of p to c, enforcing the rules.
//
// The verdict, its explanation and its rationale are one proposal: whoever
// last changed any of them is its proposer (who may not sign it off). A
// signed-off proposal (approved, published) cannot change unless the same
// change sends the claim back to researching; a change while in review
// starts a new review round, so earlier approvals no longer count.
func (s *Store) applyReview(tx *gorm.DB, actor Actor, c *models.Claim, p ClaimPatch, due *time.Time, target models.State) error {
	leaving := target != "" && target != c.State
	signedOff := c.State == models.StateApproved || c.State == models.StatePublished
	reopening := leaving && target == models.StateResearching
	proposal := false
	if p.Verdict != nil {
		ref := strings.TrimSpace(*p.Verdict)
		var newID *int64
		if ref != "" {
			var vd models.Verdict
			q := tx.Where("label_key = ?", nameKey(ref))
			if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
				q = tx.Where("id = ?", n)
			}
			if res := q.Limit(1).Find(&vd); res.Error != nil {
				return res.Error
			} else if res.RowsAffected == 0 {
				return models.Invalid("verdict", "Unknown verdict %q: see the verdict scale.", ref)
			}
			newID = &vd.ID
		}
		if fmt.Sprint(ptrValue(newID)) != fmt.Sprint(ptrValue(c.VerdictID)) {
			switch {
			case signedOff && !reopening:
				return models.Invalid("verdict", "This claim's verdict has been signed off. Send it back to researching, with a reason, before changing it.")
			case newID == nil && c.State == models.StateInReview && !reopening:
				return models.Invalid("verdict", "A claim in review needs a verdict. Send it back to researching, with a reason, before clearing it.")
			}
			c.VerdictID = newID
			c.VerdictBy = &actor.ID
			proposal = true
		}
	}
	texts := []struct {
		field, label string
		in           *string
		cur          *string
		by           **int64
	}{
		{"explanation", "explanation", p.Explanation, &c.Explanation, &c.ExplanationBy},
		{"rationale", "rationale", p.Rationale, &c.Rationale, &c.RationaleBy},
	}
	for _, t := range texts {
		if t.in == nil || strings.TrimSpace(*t.in) == *t.cur {
			continue
		}
		if signedOff && !reopening {
			return models.Invalid(t.field, "This claim's verdict has been signed off. Send it back to researching, with a reason, before changing its %s.", t.label)
		}
		*t.cur = strings.TrimSpace(*t.in)
		*t.by = &actor.ID
		proposal = true
	}
	if proposal {
		c.ProposedBy = &actor.ID
		if c.State == models.StateInReview && !leaving {
			c.ReviewRound++ // a changed proposal needs fresh sign-off
		}
	}
	if p.Assignee != nil {
		c.AssigneeID = nil
		if ref := strings.TrimSpace(*p.Assignee); ref != "" {
			var u models.User
			q := tx.Where("email = ?", models.NormalizeEmail(ref))
			if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
				q = tx.Where("id = ?", n)
			}
			if res := q.Limit(1).Find(&u); res.Error != nil {
				return res.Error
			} else if res.RowsAffected == 0 || !u.Active {
				return models.Invalid("assignee", "There is no active user %q.", ref)
			}
			if !u.Can(models.ActReview) {
				return models.Invalid("assignee", "Assign claims to a fact-checker or an admin: %s is %s.", u.Name, strings.ToLower(u.Role.Label()))
			}
			c.AssigneeID = &u.ID
		}
	}
	if p.Due != nil {
		c.Due = due
	}
	if leaving {
		from := c.State
		if err := moveClaim(c, target, p.Reason); err != nil {
			return err
		}
		return s.publicationMoved(tx, actor, c, from, p.CorrectionNote)
	}
	return nil
}

// moveClaim applies a state change a person asked for.
func moveClaim(c *models.Claim, to models.State, reason string) error {
	switch {
	case to == models.StateApproved:
		return models.Invalid("state", "A claim is approved by sign-off: someone other than the person who proposed the verdict approves it.")
	case to == models.StateNeedsRecheck:
		return models.Invalid("state", "Claims need a recheck only when the article's text changes; that state is set automatically.")
	case !models.CanMove(c.State, to):
		return fmt.Errorf("%w: a claim cannot go from %s to %s", models.ErrInvalidTransition, c.State.Label(), to.Label())
	case to == models.StateInReview && c.VerdictID == nil:
		return models.Invalid("verdict", "Propose a verdict before sending the claim for review.")
	case to == models.StateInReview && strings.TrimSpace(c.Explanation) == "":
		return models.Invalid("explanation", "Explain the verdict in one or two sentences before sending the claim for review.")
	case to == models.StateResearching && c.State != models.StateNew && strings.TrimSpace(reason) == "":
		return models.Invalid("reason", "Say why the claim goes back to researching.")
	case len([]rune(reason)) > MaxReasonRunes:
		return models.Invalid("reason", "Keep the reason under 2,000 characters.")
	}
	if to == models.StateInReview {
		c.ReviewRound++
	}
	c.State = to
	return nil
}

func claimChanges(old, c models.Claim) Changes {
	ch := Changes{}
	ch.diff("summary", old.Summary, c.Summary)
	ch.diff("type", old.Type, c.Type)
	ch.diff("claimant_id", ptrValue(old.ClaimantID), ptrValue(c.ClaimantID))
	ch.diff("claimed_at", dateValue(old.ClaimedAt), dateValue(c.ClaimedAt))
	ch.diff("notes", old.Notes, c.Notes)
	ch.diff("state", old.State, c.State)
	ch.diff("verdict_id", ptrValue(old.VerdictID), ptrValue(c.VerdictID))
	ch.diff("explanation", old.Explanation, c.Explanation)
	ch.diff("rationale", old.Rationale, c.Rationale)
	ch.diff("assignee_id", ptrValue(old.AssigneeID), ptrValue(c.AssigneeID))
	ch.diff("due", dateValue(old.Due), dateValue(c.Due))
	ch.diff("start", old.Start, c.Start)
	ch.diff("end", old.End, c.End)
	ch.diff("quote", old.Quote, c.Quote)
	ch.diff("anchor_state", old.AnchorState, c.AnchorState)
	ch.diff("under_reverification_since", timeValue(old.ReverifySince), timeValue(c.ReverifySince))
	ch.diff("reverified_at", timeValue(old.ReverifiedAt), timeValue(c.ReverifiedAt))
	ch.diff("published_at", timeValue(old.PublishedAt), timeValue(c.PublishedAt))
	return ch
}

func timeValue(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func dateValue(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format("2006-01-02")
}

func claimColumns(c models.Claim) map[string]any {
	return map[string]any{
		"summary": c.Summary, "type": c.Type, "claimant_id": c.ClaimantID, "claimed_at": c.ClaimedAt, "notes": c.Notes,
		"state": c.State, "verdict_id": c.VerdictID, "explanation": c.Explanation, "rationale": c.Rationale,
		"proposed_by": c.ProposedBy, "verdict_by": c.VerdictBy, "explanation_by": c.ExplanationBy, "rationale_by": c.RationaleBy, "assignee_id": c.AssigneeID, "due": c.Due, "review_round": c.ReviewRound,
		"start_pos": c.Start, "end_pos": c.End, "quote": c.Quote, "prefix": c.Prefix, "suffix": c.Suffix,
		"anchor_state": c.AnchorState, "anchor_revision": c.AnchorRevision, "previous_quote": c.PreviousQuote,
		"published_at": c.PublishedAt, "public_modified_at": c.PublicModifiedAt, "reverify_since": c.ReverifySince,
		"reverified_at": c.ReverifiedAt, "withdrawn_at": c.WithdrawnAt, "withdrawal_reason": c.WithdrawalReason,
		"correction_note": c.CorrectionNote, "pub_verdict_id": c.PubVerdictID, "pub_verdict_label": c.PubVerdictLabel,
		"pub_explanation": c.PubExplanation, "pub_rationale": c.PubRationale, "pub_quote": c.PubQuote,
		"version": c.Version, "updated_at": c.UpdatedAt,
	}
}

// DeleteClaim hides a claim; its record stays, and history says who deleted it.
func (s *Store) DeleteClaim(ctx context.Context, actor Actor, id int64, version int) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var c models.Claim
		if err := tx.Where("deleted_at IS NULL").First(&c, id).Error; err != nil {
			return lookupErr(err, "claim", id)
		}
		if version != 0 && c.Version != version {
			return s.staleClaim(ctx, tx, c)
		}
		now := s.nowUTC()
		if err := tx.Model(&models.Claim{}).Where("id = ?", id).Updates(map[string]any{"deleted_at": now, "updated_at": now, "version": c.Version + 1}).Error; err != nil {
			return err
		}
		return s.appendHistory(tx, actor, claimEntry(c, "deleted"), Changes{"quote": {c.Quote, nil}})
	})
}

// Claimants finds claimants whose name contains q (for autocomplete), by name.
func (s *Store) Claimants(ctx context.Context, q string, limit int) ([]models.Claimant, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	db := s.conn(ctx).Model(&models.Claimant{})
	if q = strings.TrimSpace(q); q != "" {
		db = db.Where(`name_key LIKE ? ESCAPE '\'`, likeKey(q))
	}
	var out []models.Claimant
	err := db.Order("name_key, id").Limit(limit).Find(&out).Error
	return out, err
}

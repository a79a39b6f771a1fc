package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Publication: what the public sees of a claim, and how it changes after
// it was first published (docs/publishing.md).
//
// A claim published once keeps a public page for good. Each publication
// takes a snapshot (pub_* columns) of the verdict, explanation and
// rationale, and the public page and ClaimReview show that snapshot, so a
// correction in progress (the claim back in researching, in review,
// approved) never takes the page down. Republishing with a different
// rating, explanation or rationale records a public correction. A revision
// that changes a published claim's words marks it "under re-verification"
// without taking it down; "Verdict stands" (Reverify), a correction
// (Correct, then sign-off and publish) or Withdraw ends that.

// previewedRevision refuses a publication based on a preview of an older
// article revision than the current one.
func previewedRevision(tx *gorm.DB, c models.Claim, rev int) error {
	var a models.Article
	if err := tx.Select("id, revision").First(&a, c.ArticleID).Error; err != nil {
		return lookupErr(err, "article", c.ArticleID)
	}
	if a.Revision != rev {
		return &models.ConflictError{
			Message: fmt.Sprintf("The article was revised (now revision %d) after the preview you confirmed (revision %d). Nothing was published: look at the preview again.", a.Revision, rev),
			Current: c,
		}
	}
	return nil
}

// pubDiffers reports whether c's verdict, explanation or rationale differ
// from its published snapshot.
func pubDiffers(c models.Claim) bool {
	return fmt.Sprint(ptrValue(c.PubVerdictID)) != fmt.Sprint(ptrValue(c.VerdictID)) ||
		c.PubExplanation != c.Explanation || c.PubRationale != c.Rationale
}

// correctionNote is the note a republication records: the one given now,
// else the one written when the correction started.
func correctionNote(c models.Claim, given string) string {
	if n := strings.TrimSpace(given); n != "" {
		return n
	}
	return c.CorrectionNote
}

// republished reports whether moving old to c republished a fact-check
// with changed content, and the correction note it recorded.
func republished(old, c models.Claim, given string) (string, bool) {
	if old.State == models.StatePublished || c.State != models.StatePublished || old.PublishedAt == nil {
		return "", false
	}
	cur := old
	cur.VerdictID, cur.Explanation, cur.Rationale = c.VerdictID, c.Explanation, c.Rationale
	if !pubDiffers(cur) {
		return "", false
	}
	return correctionNote(old, given), true
}

// publicationMoved keeps the publication in step with a state change of c
// (from → c.State) that a person asked for: publishing takes the snapshot
// (recording a correction when a published fact-check changed); sending a
// published claim back to researching keeps its page up, marked under
// re-verification.
func (s *Store) publicationMoved(tx *gorm.DB, actor Actor, c *models.Claim, from models.State, given string) error {
	now := s.nowUTC()
	switch {
	case c.State == models.StatePublished:
		label, err := verdictText(tx, c.VerdictID)
		if err != nil {
			return err
		}
		switch {
		case c.PublishedAt == nil:
			c.PublishedAt = &now
		case pubDiffers(*c):
			note := correctionNote(*c, given)
			if note == "" {
				return models.Invalid("correction_note", "This fact-check was published before and its rating, explanation or rationale changed: write the public correction note readers will see.")
			}
			if len([]rune(note)) > models.MaxCorrectionRunes {
				return models.Invalid("correction_note", "Keep the correction note under 2,000 characters.")
			}
			corr := models.Correction{ClaimID: c.ID, ArticleID: c.ArticleID, Kind: models.CorrectionFix, Note: note,
				OldVerdict: c.PubVerdictLabel, NewVerdict: label, OldExplanation: c.PubExplanation, NewExplanation: c.Explanation,
				CreatedBy: actor.ID, CreatedAt: now}
			if err := tx.Create(&corr).Error; err != nil {
				return writeErr(err, "correction")
			}
		case c.ReverifySince != nil:
			c.ReverifiedAt = &now // republished unchanged: the verdict stands
		default:
			now = derefTime(c.PublicModifiedAt, now)
		}
		c.PublicModifiedAt = &now
		c.PubVerdictID, c.PubVerdictLabel, c.PubExplanation, c.PubRationale = c.VerdictID, label, c.Explanation, c.Rationale
		c.PubQuote = c.Quote
		c.ReverifySince, c.CorrectionNote = nil, ""
	case from == models.StatePublished && c.PublishedAt != nil:
		if c.ReverifySince == nil {
			c.ReverifySince = &now
		}
	}
	return nil
}

func derefTime(t *time.Time, or time.Time) time.Time {
	if t == nil {
		return or
	}
	return *t
}

// verdictText is the label of verdict id, "" for none.
func verdictText(tx *gorm.DB, id *int64) (string, error) {
	if id == nil {
		return "", nil
	}
	var label string
	err := tx.Model(&models.Verdict{}).Select("label").Where("id = ?", *id).Scan(&label).Error
	return label, err
}

// publicationStep changes a published claim at version under the rules of
// one action; step returns the history action and extra changes.
func (s *Store) publicationStep(ctx context.Context, actor Actor, id int64, version int, step func(tx *gorm.DB, c *models.Claim, now time.Time) (string, Changes, error)) (models.ClaimDetail, error) {
	if !reviewer(actor) {
		return models.ClaimDetail{}, fmt.Errorf("publication: %w", models.ErrForbidden)
	}
	if version <= 0 {
		return models.ClaimDetail{}, models.ValidationError{"version": "Send the version of the claim your decision is based on."}
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var c models.Claim
		if err := tx.Where("deleted_at IS NULL").First(&c, id).Error; err != nil {
			return lookupErr(err, "claim", id)
		}
		if c.Version != version {
			return s.staleClaim(ctx, tx, c)
		}
		old := c
		now := s.nowUTC()
		action, extra, err := step(tx, &c, now)
		if err != nil {
			return err
		}
		c.Version++
		c.UpdatedAt = now
		res := tx.Model(&models.Claim{}).Where("id = ? AND version = ?", c.ID, version).Updates(claimColumns(c))
		if res.Error != nil {
			return writeErr(res.Error, "claim")
		}
		if res.RowsAffected == 0 {
			return s.staleClaim(ctx, tx, c)
		}
		ch := claimChanges(old, c)
		for k, v := range extra {
			ch[k] = v
		}
		return s.appendHistory(tx, actor, claimEntry(c, action), ch)
	})
	if err != nil {
		return models.ClaimDetail{}, err
	}
	return s.Claim(ctx, id)
}

// Reverify records that a published fact-check under re-verification
// stands for the article's new words ("Verdict stands"): its page shows
// "Re-verified on", and ClaimReview's dateModified moves. A changed anchor
// is confirmed; an orphaned claim must be re-attached or withdrawn first.
func (s *Store) Reverify(ctx context.Context, actor Actor, id int64, version int) (models.ClaimDetail, error) {
	return s.publicationStep(ctx, actor, id, version, func(_ *gorm.DB, c *models.Claim, now time.Time) (string, Changes, error) {
		if c.State != models.StatePublished || c.ReverifySince == nil {
			return "", nil, models.ValidationError{"": "This fact-check is not under re-verification: nothing to confirm."}
		}
		if c.AnchorState == models.AnchorOrphaned {
			return "", nil, models.ValidationError{"": "The claim's words are no longer found in the article. Re-attach it to the sentence it now stands for, or withdraw the fact-check."}
		}
		c.AnchorState, c.PubQuote = models.AnchorAnchored, c.Quote // the verdict stands for the words as they are now
		c.ReverifiedAt, c.PublicModifiedAt, c.ReverifySince = &now, &now, nil
		return "verdict stands", nil, nil
	})
}

// Correct starts a correction of a published fact-check: the claim goes
// back to researching with the public note that will be shown once the new
// rating or explanation is signed off and published. Until then the page
// shows the published version, marked under re-verification.
func (s *Store) Correct(ctx context.Context, actor Actor, id int64, version int, note string) (models.ClaimDetail, error) {
	note = strings.TrimSpace(note)
	if note == "" {
		return models.ClaimDetail{}, models.ValidationError{"note": "Write the correction note readers will see: what is being corrected, and why."}
	}
	if len([]rune(note)) > models.MaxCorrectionRunes {
		return models.ClaimDetail{}, models.ValidationError{"note": "Keep the correction note under 2,000 characters."}
	}
	return s.publicationStep(ctx, actor, id, version, func(_ *gorm.DB, c *models.Claim, now time.Time) (string, Changes, error) {
		if c.State != models.StatePublished {
			return "", nil, models.ValidationError{"": "Only a published fact-check can be corrected; this claim is " + strings.ToLower(c.State.Label()) + "."}
		}
		c.State, c.CorrectionNote = models.StateResearching, note
		if c.ReverifySince == nil {
			c.ReverifySince = &now
		}
		return "correction started", Changes{"correction_note": {nil, note}}, nil
	})
}

// Withdraw takes a published fact-check back: its page stays at its
// address as a notice with the reason and date (410), it leaves the public
// index and ClaimReview, and the corrections log lists the withdrawal.
func (s *Store) Withdraw(ctx context.Context, actor Actor, id int64, version int, reason string) (models.ClaimDetail, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return models.ClaimDetail{}, models.ValidationError{"reason": "Say why the fact-check is withdrawn: the reason is shown at its address."}
	}
	if len([]rune(reason)) > models.MaxCorrectionRunes {
		return models.ClaimDetail{}, models.ValidationError{"reason": "Keep the reason under 2,000 characters."}
	}
	return s.publicationStep(ctx, actor, id, version, func(tx *gorm.DB, c *models.Claim, now time.Time) (string, Changes, error) {
		if c.PublishedAt == nil || c.State == models.StateWithdrawn {
			return "", nil, models.ValidationError{"": "Only a published fact-check can be withdrawn."}
		}
		corr := models.Correction{ClaimID: c.ID, ArticleID: c.ArticleID, Kind: models.CorrectionWithdrawal, Note: reason,
			OldVerdict: c.PubVerdictLabel, OldExplanation: c.PubExplanation, CreatedBy: actor.ID, CreatedAt: now}
		if err := tx.Create(&corr).Error; err != nil {
			return "", nil, writeErr(err, "correction")
		}
		c.State, c.WithdrawnAt, c.WithdrawalReason = models.StateWithdrawn, &now, reason
		c.PublicModifiedAt, c.ReverifySince, c.CorrectionNote = &now, nil, ""
		return "withdrawn", Changes{"reason": {nil, reason}}, nil
	})
}

// ClaimCorrections lists a claim's corrections and withdrawal, oldest first.
func (s *Store) ClaimCorrections(ctx context.Context, claimID int64) ([]models.Correction, error) {
	var out []models.Correction
	err := s.conn(ctx).Where("claim_id = ?", claimID).Order("created_at, id").Find(&out).Error
	return out, err
}

// articleCorrections lists the corrections of an article's claims by claim.
func (s *Store) articleCorrections(ctx context.Context, articleID int64) (map[int64][]models.Correction, error) {
	var rows []models.Correction
	if err := s.conn(ctx).Where("article_id = ?", articleID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := map[int64][]models.Correction{}
	for _, r := range rows {
		out[r.ClaimID] = append(out[r.ClaimID], r)
	}
	return out, nil
}

// PublicEntry is one fact-check in a public list: the claim as the public
// sees it, and for the corrections log, the correction.
type PublicEntry struct {
	Claim      models.ClaimDetail
	Correction *models.Correction
}

// PublishedFactChecks is one page of the public index: fact-checks ever published
// and not withdrawn, newest publication first, with whether more follow.
func (s *Store) PublishedFactChecks(ctx context.Context, page, per int) ([]models.ClaimDetail, bool, error) {
	var cs []models.Claim
	err := s.conn(ctx).Where("deleted_at IS NULL AND published_at IS NOT NULL AND withdrawn_at IS NULL").
		Order("published_at DESC, id DESC").Offset(page * per).Limit(per + 1).Find(&cs).Error
	if err != nil {
		return nil, false, fmt.Errorf("store: fact-checks: %w", err)
	}
	more := len(cs) > per
	if more {
		cs = cs[:per]
	}
	ds, err := s.details(ctx, cs)
	return ds, more, err
}

// CorrectionsLog is one page of every correction and withdrawal across
// the newsroom, newest first, with whether more follow.
func (s *Store) CorrectionsLog(ctx context.Context, page, per int) ([]PublicEntry, bool, error) {
	var rows []models.Correction
	err := s.conn(ctx).Joins("JOIN claims ON claims.id = corrections.claim_id AND claims.deleted_at IS NULL").
		Order("corrections.created_at DESC, corrections.id DESC").Offset(page * per).Limit(per + 1).Find(&rows).Error
	if err != nil {
		return nil, false, fmt.Errorf("store: corrections: %w", err)
	}
	more := len(rows) > per
	if more {
		rows = rows[:per]
	}
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ClaimID)
	}
	var cs []models.Claim
	if len(ids) > 0 {
		if err := s.conn(ctx).Where("id IN ?", uniqueIDs(ids)).Find(&cs).Error; err != nil {
			return nil, false, err
		}
	}
	ds, err := s.details(ctx, cs)
	if err != nil {
		return nil, false, err
	}
	byID := map[int64]models.ClaimDetail{}
	for _, d := range ds {
		byID[d.ID] = d
	}
	out := make([]PublicEntry, 0, len(rows))
	for i := range rows {
		out = append(out, PublicEntry{Claim: byID[rows[i].ClaimID], Correction: &rows[i]})
	}
	return out, more, nil
}

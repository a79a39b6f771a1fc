package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/anchor"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/reanchor"
)

// NewRevision is a new text for an article, based on revision Base.
type NewRevision struct {
	ArticleID int64
	Base      int // the revision the editor started from; a newer one means someone else saved first
	Text      string
	HTML      string
	Note      string
}

// ReanchorSummary counts what happened to an article's claims.
type ReanchorSummary struct {
	Anchored int `json:"anchored"`
	Changed  int `json:"changed"`
	Orphaned int `json:"orphaned"`
}

// RevisionResult is the new revision and the outcome for each claim.
type RevisionResult struct {
	Revision  int
	Summary   ReanchorSummary
	Results   []reanchor.Result
	Published []TouchedClaim // published fact-checks whose words changed: now under re-verification
}

// TouchedClaim is a published fact-check whose words a revision changes or
// loses.
type TouchedClaim struct {
	ID          int64              `json:"id"`
	Quote       string             `json:"quote"`     // as published
	NewQuote    string             `json:"new_quote"` // "" when orphaned
	AnchorState models.AnchorState `json:"anchor_state"`
	Verdict     string             `json:"verdict"`
}

// publicFactCheck reports whether c is a fact-check the public can read now
// (published once, not withdrawn): a revision touching it needs a person
// to confirm it.
func publicFactCheck(c models.Claim) bool {
	return c.PublishedAt != nil && c.State != models.StateWithdrawn
}

// reanchorInput is the claims that follow a revision (orphans stay put).
func reanchorInput(claims []models.Claim) []reanchor.Claim {
	input := make([]reanchor.Claim, 0, len(claims))
	for _, c := range claims {
		if c.AnchorState == models.AnchorOrphaned {
			continue // nothing to follow: it stays orphaned until someone re-attaches it
		}
		input = append(input, reanchor.Claim{ID: c.ID, Start: c.Start, End: c.End, Quote: c.Quote, Prefix: c.Prefix, Suffix: c.Suffix})
	}
	return input
}

func touched(c models.Claim, r reanchor.Result) TouchedClaim {
	t := TouchedClaim{ID: c.ID, Quote: c.Quote, AnchorState: r.State, Verdict: c.PubVerdictLabel}
	if r.State == models.AnchorChanged {
		t.NewQuote = r.Quote
	}
	return t
}

// TouchedPublished runs the re-anchoring of a new text without saving it
// and lists the published fact-checks it would change or orphan, so the
// editor can confirm before they go under re-verification.
func (s *Store) TouchedPublished(ctx context.Context, articleID int64, text string) ([]TouchedClaim, error) {
	var a models.Article
	if err := s.conn(ctx).Select("id, text").Where("deleted_at IS NULL").First(&a, articleID).Error; err != nil {
		return nil, lookupErr(err, "article", articleID)
	}
	var claims []models.Claim
	if err := s.conn(ctx).Where("article_id = ? AND deleted_at IS NULL AND published_at IS NOT NULL AND state <> ?", articleID, models.StateWithdrawn).
		Order("start_pos, id").Find(&claims).Error; err != nil {
		return nil, err
	}
	if len(claims) == 0 || text == a.Text {
		return nil, nil
	}
	byID := map[int64]reanchor.Result{}
	for _, r := range reanchor.Reanchor(a.Text, text, reanchorInput(claims)) {
		byID[r.ID] = r
	}
	var out []TouchedClaim
	for _, c := range claims {
		if r, ok := byID[c.ID]; ok && r.State != models.AnchorAnchored {
			out = append(out, touched(c, r))
		}
	}
	return out, nil
}

// afterTextChange is the review state of a claim whose words a revision
// changed or lost. A claim nobody has reviewed yet (new, researching) keeps
// its state: there is no verdict to recheck, and the anchor flag says what
// changed. A verdict in review or signed off (in_review, approved) was
// reasoned on the old words, so it needs a recheck. A published fact-check
// stays published, and public, under re-verification until a fact-checker
// decides (Verdict stands, Correct or Withdraw); so does one being
// corrected. A withdrawn one stays withdrawn.
func afterTextChange(c *models.Claim, now time.Time) {
	if c.PublishedAt != nil && c.State != models.StateWithdrawn && c.ReverifySince == nil {
		c.ReverifySince = &now
	}
	if c.State == models.StateInReview || c.State == models.StateApproved {
		c.State = models.StateNeedsRecheck
	}
}

// SaveRevision stores a new text for an article and re-anchors every claim
// to it, all in one transaction. A claim whose quote is unchanged stays
// anchored (wherever it moved); one found with confidence but with other
// words becomes "changed" and keeps its previous quote; one not found with
// confidence is "orphaned": kept where it was, never moved. What that does
// to the review state is afterTextChange's rule. Every move is recorded in
// history.
func (s *Store) SaveRevision(ctx context.Context, actor Actor, n NewRevision) (RevisionResult, error) {
	var out RevisionResult
	if strings.TrimSpace(n.Text) == "" {
		return out, models.ValidationError{"text": "The new text is empty. To remove the article, delete it instead."}
	}
	if len(n.Text) > models.MaxArticleBytes {
		return out, models.ValidationError{"text": "The new text is larger than the limit for an article."}
	}
	if len([]rune(n.Note)) > 500 {
		return out, models.ValidationError{"note": "Keep the note under 500 characters."}
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var a models.Article
		if err := tx.Where("deleted_at IS NULL").First(&a, n.ArticleID).Error; err != nil {
			return lookupErr(err, "article", n.ArticleID)
		}
		if n.Base != a.Revision {
			return &models.ConflictError{Message: fmt.Sprintf("Someone else saved revision %d of this article after the one you edited (%d). Your text was not saved: reload, and apply your changes to the new revision.", a.Revision, n.Base), Current: a}
		}
		if n.Text == a.Text && n.HTML == a.HTML {
			return models.ValidationError{"text": "The text is the same as the current revision: nothing to save."}
		}
		next := a.Revision + 1
		now := s.nowUTC()
		res := tx.Model(&models.Article{}).Where("id = ? AND revision = ?", a.ID, a.Revision).
			Updates(map[string]any{"text": n.Text, "html": n.HTML, "revision": next, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 { // a concurrent revision committed between the read and the update (PostgreSQL)
			if err := tx.First(&a, n.ArticleID).Error; err != nil {
				return lookupErr(err, "article", n.ArticleID)
			}
			return &models.ConflictError{Message: fmt.Sprintf("Someone else saved revision %d of this article at the same moment. Your text was not saved: reload, and apply your changes to the new revision.", a.Revision), Current: a}
		}
		if err := tx.Create(&models.Revision{ArticleID: a.ID, Number: next, Text: n.Text, HTML: n.HTML, Note: strings.TrimSpace(n.Note), AuthorID: actor.ID}).Error; err != nil {
			return writeErr(err, "revision")
		}
		if err := s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "article", EntityID: a.ID, ArticleID: &a.ID, Action: "revised"},
			Changes{"revision": {a.Revision, next}, "note": {nil, strings.TrimSpace(n.Note)}}); err != nil {
			return err
		}
		var claims []models.Claim
		if err := tx.Where("article_id = ? AND deleted_at IS NULL", a.ID).Order("start_pos, id").Find(&claims).Error; err != nil {
			return err
		}
		results := reanchor.Reanchor(a.Text, n.Text, reanchorInput(claims))
		byID := make(map[int64]reanchor.Result, len(results))
		for _, r := range results {
			byID[r.ID] = r
		}
		var unmoved []int64
		for _, c := range claims {
			r, ok := byID[c.ID]
			if !ok { // already orphaned
				out.Summary.Orphaned++
				unmoved = append(unmoved, c.ID)
				continue
			}
			out.Results = append(out.Results, r)
			old := c
			if r.State != models.AnchorAnchored && publicFactCheck(c) {
				out.Published = append(out.Published, touched(c, r))
			}
			switch r.State {
			case models.AnchorAnchored:
				out.Summary.Anchored++
				if r.Start == c.Start && r.End == c.End && r.Prefix == c.Prefix && r.Suffix == c.Suffix {
					unmoved = append(unmoved, c.ID)
					continue
				}
				c.Start, c.End, c.Prefix, c.Suffix = r.Start, r.End, r.Prefix, r.Suffix
			case models.AnchorChanged:
				out.Summary.Changed++
				c.PreviousQuote = c.Quote
				c.Start, c.End, c.Quote, c.Prefix, c.Suffix = r.Start, r.End, r.Quote, r.Prefix, r.Suffix
				c.AnchorState = models.AnchorChanged
				afterTextChange(&c, now)
			case models.AnchorOrphaned:
				out.Summary.Orphaned++
				c.PreviousQuote = c.Quote
				c.AnchorState = models.AnchorOrphaned
				afterTextChange(&c, now)
			}
			c.AnchorRevision = next
			c.Version++
			c.UpdatedAt = now
			if err := tx.Model(&models.Claim{}).Where("id = ?", c.ID).Updates(claimColumns(c)).Error; err != nil {
				return writeErr(err, "claim")
			}
			ch := claimChanges(old, c)
			ch["revision"] = Change{old.AnchorRevision, next}
			ch["reason"] = Change{nil, r.Reason}
			if err := s.appendHistory(tx, actor, claimEntry(c, "reanchored"), ch); err != nil {
				return err
			}
		}
		for i := 0; i < len(unmoved); i += 500 {
			batch := unmoved[i:min(i+500, len(unmoved))]
			if err := tx.Model(&models.Claim{}).Where("id IN ? AND anchor_state <> ?", batch, models.AnchorOrphaned).
				Update("anchor_revision", next).Error; err != nil {
				return err
			}
		}
		out.Revision = next
		return nil
	})
	return out, err
}

// ReattachClaim anchors a changed or orphaned claim (or any claim) to a
// span of the current text that a person chose, or confirms a changed
// claim where it is (start and end as they are). The claim keeps its
// review state; history records the choice.
func (s *Store) ReattachClaim(ctx context.Context, actor Actor, id int64, version int, start, end int) (models.ClaimDetail, error) {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var c models.Claim
		if err := tx.Where("deleted_at IS NULL").First(&c, id).Error; err != nil {
			return lookupErr(err, "claim", id)
		}
		if c.Version != version {
			return s.staleClaim(ctx, tx, c)
		}
		var a models.Article
		if err := tx.Select("id, text, revision").First(&a, c.ArticleID).Error; err != nil {
			return lookupErr(err, "article", c.ArticleID)
		}
		t := anchor.NewText(a.Text)
		if err := t.Check(start, end); err != nil {
			return err
		}
		start, end = t.Trim(start, end)
		if err := t.Check(start, end); err != nil {
			return err
		}
		old := c
		c.Start, c.End, c.Quote = start, end, t.Slice(start, end)
		c.Prefix, c.Suffix = t.Context(start, end)
		c.AnchorState, c.AnchorRevision = models.AnchorAnchored, a.Revision
		c.Version++
		c.UpdatedAt = s.nowUTC()
		res := tx.Model(&models.Claim{}).Where("id = ? AND version = ?", c.ID, version).Updates(claimColumns(c))
		if res.Error != nil {
			return writeErr(res.Error, "claim")
		}
		if res.RowsAffected == 0 {
			return s.staleClaim(ctx, tx, c)
		}
		action := ActionReattached
		if old.Start == c.Start && old.End == c.End && old.AnchorState == models.AnchorChanged {
			action = ActionConfirmed
		}
		ch := claimChanges(old, c)
		ch["previous_quote"] = Change{nil, old.PreviousQuote}
		return s.appendHistory(tx, actor, claimEntry(c, action), ch)
	})
	if err != nil {
		return models.ClaimDetail{}, err
	}
	return s.Claim(ctx, id)
}

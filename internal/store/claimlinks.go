package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// MatchRef names what a claim is linked to: a fact-check of the library or
// one of our claims with a verdict, with the score the match had.
type MatchRef struct {
	Kind  string // MatchFactCheck or MatchClaim
	ID    int64
	Score float64
}

// ClaimLink is a claim's link to an earlier check of the same claim: "matches
// an earlier fact-check". What was matched is copied when the link is made,
// so it still reads if the fact-check leaves the library.
type ClaimLink struct {
	ClaimID        int64
	FactCheckID    *int64 `gorm:"column:factcheck_id"` // nil for a link to our claim, or once the fact-check was deleted
	MatchedClaimID *int64
	URL            string // a fact-check's address; "" for our claims
	Text           string
	Rating         string
	Publisher      string
	Explanation    string // a fact-check's excerpt; our claim's explanation
	Score          float64
	CreatedBy      int64
	CreatedAt      time.Time
	CreatorName    string `gorm:"->"`
}

// TableName is claim_links.
func (ClaimLink) TableName() string { return "claim_links" }

// Kind is MatchFactCheck or MatchClaim.
func (l ClaimLink) Kind() string {
	if l.MatchedClaimID != nil {
		return MatchClaim
	}
	return MatchFactCheck
}

// LinkClaim links a claim to an earlier fact-check or claim, replacing any
// link it had, and records it in the claim's history.
func (s *Store) LinkClaim(ctx context.Context, actor Actor, claimID int64, ref MatchRef) (ClaimLink, error) {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var c models.Claim
		if err := tx.Select("id, article_id").Where("deleted_at IS NULL").Take(&c, claimID).Error; err != nil {
			return lookupErr(err, "claim", claimID)
		}
		_, err := s.linkClaim(tx, actor, c, ref)
		return err
	})
	if err != nil {
		return ClaimLink{}, err
	}
	return s.ClaimLink(ctx, claimID)
}

// linkClaim writes the link inside a transaction (CreateClaim uses it for
// a claim created from a suggestion).
func (s *Store) linkClaim(tx *gorm.DB, actor Actor, c models.Claim, ref MatchRef) (ClaimLink, error) {
	if ref.Score < 0 || ref.Score > 1 {
		return ClaimLink{}, models.Invalid("score", "A match's score is between 0 and 1.")
	}
	link := ClaimLink{ClaimID: c.ID, Score: ref.Score, CreatedBy: actor.ID, CreatedAt: s.nowUTC()}
	switch ref.Kind {
	case MatchFactCheck:
		var fc models.FactCheck
		if err := tx.Select(factCheckSelect).Take(&fc, ref.ID).Error; err != nil {
			return link, matchRefErr(err, "fact-check", ref.ID)
		}
		link.FactCheckID = &fc.ID
		link.URL, link.Text, link.Rating, link.Publisher, link.Explanation = fc.URL, fc.ClaimReviewed, fc.Rating(), fc.PublisherName, fc.Excerpt
	case MatchClaim:
		if ref.ID == c.ID {
			return link, models.Invalid("match", "A claim cannot match itself.")
		}
		var row matchedClaimRow
		err := tx.Table("claims").
			Select("claims.id, claims.summary, claims.quote, claims.explanation, claims.state, verdicts.label").
			Joins("LEFT JOIN verdicts ON verdicts.id = claims.verdict_id").
			Where("claims.id = ? AND claims.deleted_at IS NULL", ref.ID).Take(&row).Error
		if err != nil {
			return link, matchRefErr(err, "claim", ref.ID)
		}
		link.MatchedClaimID = &row.ID
		link.Text, link.Explanation = row.Summary, row.Explanation
		if strings.TrimSpace(link.Text) == "" {
			link.Text = row.Quote
		}
		if row.Label != nil {
			link.Rating = *row.Label
		}
	default:
		return link, models.Invalid("kind", "A match is a \"factcheck\" or a \"claim\".")
	}
	var old ClaimLink
	had := tx.Where("claim_id = ?", c.ID).Limit(1).Find(&old).RowsAffected > 0
	if had {
		if err := tx.Where("claim_id = ?", c.ID).Delete(&ClaimLink{}).Error; err != nil {
			return link, writeErr(err, "The link")
		}
	}
	if err := tx.Omit("CreatorName").Create(&link).Error; err != nil {
		return link, writeErr(err, "The link")
	}
	var was any
	if had {
		was = linkSummary(old)
	}
	return link, s.appendHistory(tx, actor, claimEntry(c, "linked"), Changes{"match": {was, linkSummary(link)}})
}

// matchRefErr says a match that is gone is invalid input, not a missing page.
func matchRefErr(err error, what string, id int64) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.Invalid("match", "There is no %s %d to link to: it may have been deleted.", what, id)
	}
	return fmt.Errorf("store: %s %d: %w", what, id, err)
}

// linkSummary is how history shows a link.
func linkSummary(l ClaimLink) string {
	if l.MatchedClaimID != nil {
		return fmt.Sprintf("claim %d: %s", *l.MatchedClaimID, l.Text)
	}
	return l.URL
}

// UnlinkClaim removes a claim's link, if it has one, and records it.
func (s *Store) UnlinkClaim(ctx context.Context, actor Actor, claimID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var c models.Claim
		if err := tx.Select("id, article_id").Where("deleted_at IS NULL").Take(&c, claimID).Error; err != nil {
			return lookupErr(err, "claim", claimID)
		}
		var old ClaimLink
		if tx.Where("claim_id = ?", claimID).Limit(1).Find(&old).RowsAffected == 0 {
			return nil
		}
		if err := tx.Where("claim_id = ?", claimID).Delete(&ClaimLink{}).Error; err != nil {
			return writeErr(err, "The link")
		}
		return s.appendHistory(tx, actor, claimEntry(c, "unlinked"), Changes{"match": {linkSummary(old), nil}})
	})
}

// ClaimLink returns the claim's link; ErrNotFound when it has none.
func (s *Store) ClaimLink(ctx context.Context, claimID int64) (ClaimLink, error) {
	var l ClaimLink
	err := s.conn(ctx).Table("claim_links").Select("claim_links.*, users.name AS creator_name").
		Joins("LEFT JOIN users ON users.id = claim_links.created_by").
		Where("claim_links.claim_id = ?", claimID).Take(&l).Error
	if err != nil {
		return l, lookupErr(err, "link of claim", claimID)
	}
	return l, nil
}

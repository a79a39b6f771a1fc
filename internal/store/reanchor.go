package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// History actions of a person's decisions on the re-anchor review screen.
const (
	ActionConfirmed  = "confirmed changed text"
	ActionReattached = "re-attached"
	ActionRetired    = "retired"
)

// ReanchorOutcomes says, for the claims of an article that a person dealt
// with since its latest revision, what they did: ActionConfirmed,
// ActionReattached or ActionRetired (the latest, per claim). The review
// screen counts a confirmed claim as confirmed, not as one whose words
// stayed the same.
func (s *Store) ReanchorOutcomes(ctx context.Context, articleID int64) (map[int64]string, error) {
	var rows []struct {
		ClaimID int64
		Action  string
	}
	err := s.conn(ctx).Raw(`SELECT claim_id, action FROM history_entries
		WHERE article_id = ? AND claim_id IS NOT NULL AND action IN (?, ?, ?)
		  AND id > COALESCE((SELECT MAX(id) FROM history_entries WHERE entity_type = 'article' AND entity_id = ? AND action = 'revised'), 0)
		ORDER BY id`, articleID, ActionConfirmed, ActionReattached, ActionRetired, articleID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: re-anchor outcomes of article %d: %w", articleID, err)
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ClaimID] = r.Action
	}
	return out, nil
}

// RetireClaim takes a claim whose sentence was removed on purpose out of
// the article: it leaves the reading page, the lists and the exports, and
// stays in the history with the reason. Only a claim whose words are gone
// (orphaned) can be retired. A fact-check that was ever public is withdrawn
// instead (Withdraw), so its address keeps a notice.
func (s *Store) RetireClaim(ctx context.Context, actor Actor, id int64, version int, reason string) error {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > MaxReasonRunes {
		return models.ValidationError{"reason": "Keep the reason under 2,000 characters."}
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var c models.Claim
		if err := tx.Where("deleted_at IS NULL").First(&c, id).Error; err != nil {
			return lookupErr(err, "claim", id)
		}
		if version <= 0 || c.Version != version {
			return s.staleClaim(ctx, tx, c)
		}
		switch {
		case c.PublishedAt != nil || c.State == models.StatePublished || c.State == models.StateWithdrawn:
			return models.ValidationError{"": "This fact-check was published: withdraw it on its page instead, so its public address keeps a notice with the reason."}
		case c.AnchorState != models.AnchorOrphaned:
			return models.ValidationError{"": "Only a claim whose words are no longer in the article can be retired; delete it on its page instead."}
		}
		if reason == "" {
			reason = fmt.Sprintf("Its sentence was removed from the article (revision %d).", c.AnchorRevision)
		}
		now := s.nowUTC()
		if err := tx.Model(&models.Claim{}).Where("id = ? AND version = ?", id, version).
			Updates(map[string]any{"deleted_at": now, "updated_at": now, "version": c.Version + 1}).Error; err != nil {
			return writeErr(err, "claim")
		}
		return s.appendHistory(tx, actor, claimEntry(c, ActionRetired), Changes{"quote": {c.Quote, nil}, "reason": {nil, reason}})
	})
}

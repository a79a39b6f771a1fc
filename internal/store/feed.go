package store

import (
	"context"
	"fmt"

	"github.com/claimdesk/claimdesk/internal/models"
)

// PublishedBatch is a batch of published claims with everything their
// ClaimReviews need: the claims' articles and the related rows of
// ExportData (whose Article is left empty; use Articles).
type PublishedBatch struct {
	ExportData
	Articles map[int64]models.Article
}

// PublishedClaims loads up to limit published, live claims of live
// articles with ids above afterID, in id order, for the public ClaimReview
// feed: one query per kind of row for the whole batch.
func (s *Store) PublishedClaims(ctx context.Context, afterID int64, limit int) (PublishedBatch, error) {
	var cs []models.Claim
	// Every fact-check with a public page (docs/publishing.md): published,
	// or published before and being corrected; not withdrawn.
	err := s.conn(ctx).Where("deleted_at IS NULL AND id > ?", afterID).
		Where("(state = ? OR (published_at IS NOT NULL AND state <> ?))", models.StatePublished, models.StateWithdrawn).
		Where("article_id IN (SELECT id FROM articles WHERE deleted_at IS NULL)").
		Order("id").Limit(max(limit, 1)).Find(&cs).Error
	if err != nil {
		return PublishedBatch{}, fmt.Errorf("store: published claims: %w", err)
	}
	details, err := s.details(ctx, cs)
	if err != nil {
		return PublishedBatch{}, err
	}
	b := PublishedBatch{ExportData: ExportData{Claims: details}, Articles: map[int64]models.Article{}}
	if len(cs) == 0 {
		return b, nil
	}
	ids := make([]int64, len(cs))
	var articleIDs []int64
	for i, c := range cs {
		ids[i] = c.ID
		articleIDs = append(articleIDs, c.ArticleID)
	}
	var arts []models.Article
	if err := s.conn(ctx).Omit("text", "html").Where("id IN ?", uniqueIDs(articleIDs)).Find(&arts).Error; err != nil {
		return b, fmt.Errorf("store: published claims' articles: %w", err)
	}
	for _, a := range arts {
		b.Articles[a.ID] = a
	}
	return b, s.loadExportRelated(ctx, &b.ExportData, "claim_id IN ?", ids)
}

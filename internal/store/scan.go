package store

import (
	"context"

	"gorm.io/gorm/clause"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Span is a range of an article revision's text in code points.
type Span struct {
	Start, End int
}

// scanDismissal is a scan suggestion an editor dismissed.
type scanDismissal struct {
	ArticleID int64
	Revision  int
	StartPos  int
	EndPos    int
}

// DismissScanSuggestion remembers that the scan's suggestion for a
// sentence of this article revision was dismissed; dismissing it again
// does nothing.
func (s *Store) DismissScanSuggestion(ctx context.Context, actor Actor, articleID int64, revision int, sp Span) error {
	var a models.Article
	if err := s.conn(ctx).Select("id, revision").Where("deleted_at IS NULL").Take(&a, articleID).Error; err != nil {
		return lookupErr(err, "article", articleID)
	}
	if revision < 1 || revision > a.Revision {
		return models.Invalid("revision", "The article has no revision %d.", revision)
	}
	if sp.Start < 0 || sp.End <= sp.Start {
		return models.Invalid("start", "A sentence runs from start to a greater end.")
	}
	row := map[string]any{"article_id": articleID, "revision": revision, "start_pos": sp.Start, "end_pos": sp.End,
		"created_by": actor.ID, "created_at": s.nowUTC()}
	err := s.conn(ctx).Table("scan_dismissals").Clauses(clause.OnConflict{DoNothing: true}).Create(row).Error
	return writeErr(err, "The dismissal")
}

// ScanDismissals lists the dismissed sentences of an article revision.
func (s *Store) ScanDismissals(ctx context.Context, articleID int64, revision int) (map[Span]bool, error) {
	var rows []scanDismissal
	if err := s.conn(ctx).Table("scan_dismissals").Select("start_pos, end_pos").
		Where("article_id = ? AND revision = ?", articleID, revision).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[Span]bool, len(rows))
	for _, r := range rows {
		out[Span{r.StartPos, r.EndPos}] = true
	}
	return out, nil
}

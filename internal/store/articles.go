package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// CreateArticle stores a new article and its first revision.
func (s *Store) CreateArticle(ctx context.Context, actor Actor, a models.Article) (models.Article, error) {
	a.ID, a.Revision, a.CreatedBy, a.DeletedAt = 0, 1, actor.ID, nil
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&a).Error; err != nil {
			return writeErr(err, "article")
		}
		rev := models.Revision{ArticleID: a.ID, Number: 1, Text: a.Text, HTML: a.HTML, Note: "First version", AuthorID: actor.ID}
		if err := tx.Create(&rev).Error; err != nil {
			return writeErr(err, "revision")
		}
		return s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "article", EntityID: a.ID, ArticleID: &a.ID, Action: "created"},
			Changes{"title": {nil, a.Title}, "outlet": {nil, a.Outlet}, "source_url": {nil, a.SourceURL}, "revision": {nil, 1}})
	})
	return a, err
}

// Article returns a live (not deleted) article.
func (s *Store) Article(ctx context.Context, id int64) (models.Article, error) {
	var a models.Article
	if err := s.conn(ctx).Where("deleted_at IS NULL").First(&a, id).Error; err != nil {
		return a, lookupErr(err, "article", id)
	}
	return a, nil
}

// ArticleQuery filters and pages the article list.
type ArticleQuery struct {
	Q       string     // words matched as prefixes in title, outlet and byline
	From    *time.Time // published on or after
	To      *time.Time // published on or before
	Page    int        // from 1
	PerPage int
}

// ArticlePage is one page of the article list.
type ArticlePage struct {
	Items   []models.ArticleSummary
	Page    int
	PerPage int
	HasNext bool
}

// Articles lists live articles, newest first, one page at a time. It reads
// one page plus one row (to know whether there is a next page) and the claim
// counts of that page in a single grouped query.
func (s *Store) Articles(ctx context.Context, q ArticleQuery) (ArticlePage, error) {
	q.Page = max(q.Page, 1)
	if q.PerPage <= 0 || q.PerPage > 100 {
		q.PerPage = 25
	}
	// Page through ids first (the covering index articles_live_id, or the
	// full-text index), then read only the page's rows: skipped rows and
	// non-matching rows are never read from the table, whose text columns
	// are large.
	ids := s.conn(ctx).Model(&models.Article{}).Select("id").Where("deleted_at IS NULL")
	ids = s.dialect.articleSearch(ids, q.Q)
	if q.From != nil {
		ids = ids.Where("published_at >= ?", *q.From)
	}
	if q.To != nil {
		ids = ids.Where("published_at <= ?", *q.To)
	}
	ids = ids.Order("id DESC").Offset((q.Page - 1) * q.PerPage).Limit(q.PerPage + 1)
	var rows []models.ArticleSummary
	if err := s.conn(ctx).Model(&models.Article{}).
		Select("id, title, outlet, byline, published_at, language, revision, created_at").
		Where("id IN (?)", ids).Order("id DESC").Find(&rows).Error; err != nil {
		return ArticlePage{}, fmt.Errorf("store: articles: %w", err)
	}
	p := ArticlePage{Page: q.Page, PerPage: q.PerPage}
	if len(rows) > q.PerPage {
		rows, p.HasNext = rows[:q.PerPage], true
	}
	if len(rows) > 0 {
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		var counts []struct {
			ArticleID int64
			N         int
		}
		if err := s.conn(ctx).Model(&models.Claim{}).Select("article_id, count(*) AS n").
			Where("article_id IN ? AND deleted_at IS NULL", ids).Group("article_id").Find(&counts).Error; err != nil {
			return p, fmt.Errorf("store: claim counts: %w", err)
		}
		byID := make(map[int64]int, len(counts))
		for _, c := range counts {
			byID[c.ArticleID] = c.N
		}
		for i := range rows {
			rows[i].ClaimCount = byID[rows[i].ID]
		}
	}
	p.Items = rows
	return p, nil
}

// DeleteArticle hides an article and its claims; nothing is erased, and
// the deletion is recorded in history.
func (s *Store) DeleteArticle(ctx context.Context, actor Actor, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		now := s.nowUTC()
		res := tx.Model(&models.Article{}).Where("id = ? AND deleted_at IS NULL", id).Updates(map[string]any{"deleted_at": now, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return lookupErr(gorm.ErrRecordNotFound, "article", id)
		}
		return s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "article", EntityID: id, ArticleID: &id, Action: "deleted"}, nil)
	})
}

// Revisions lists an article's revisions without their text, oldest first.
func (s *Store) Revisions(ctx context.Context, articleID int64) ([]models.Revision, error) {
	var out []models.Revision
	err := s.conn(ctx).Select("id, article_id, number, note, author_id, created_at").
		Where("article_id = ?", articleID).Order("number").Find(&out).Error
	return out, err
}

// Revision returns one revision of an article, with its text.
func (s *Store) Revision(ctx context.Context, articleID int64, number int) (models.Revision, error) {
	var r models.Revision
	if err := s.conn(ctx).Where("article_id = ? AND number = ?", articleID, number).First(&r).Error; err != nil {
		return r, lookupErr(err, "revision", number)
	}
	return r, nil
}

// PageStamp is a number that rises whenever anything the reading page of
// an article shows from its claims changes: a claim on it, or any claimant
// or verdict label (migration 0008 counts those changes with triggers). It
// is one indexed count. Read it before the claims: content read after a
// stamp is at least as new as the stamp says.
func (s *Store) PageStamp(ctx context.Context, articleID int64) (int64, error) {
	var n int64
	if err := s.conn(ctx).Raw(`SELECT count(*) FROM page_changes WHERE article_id IN (0, ?)`, articleID).Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("store: page stamp of article %d: %w", articleID, err)
	}
	return n, nil
}

// ArticleRevision returns the number of a live article's current revision:
// one row by its key, for callers that keep the text of each revision.
func (s *Store) ArticleRevision(ctx context.Context, id int64) (int, error) {
	var a models.Article
	if err := s.conn(ctx).Select("id, revision").Where("deleted_at IS NULL").First(&a, id).Error; err != nil {
		return 0, lookupErr(err, "article", id)
	}
	return a.Revision, nil
}

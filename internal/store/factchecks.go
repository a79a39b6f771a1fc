package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// FactCheckWrite is what UpsertFactChecks did with one item.
type FactCheckWrite struct {
	ID      int64
	Created bool // false: an entry with the same normalised url was updated
}

// factCheckColumns are the columns an import writes (all but id, version
// and the timestamps).
var factCheckColumns = []string{"claim_reviewed", "headline", "excerpt", "rating_name", "rating_value", "best_rating", "worst_rating",
	"publisher_name", "publisher_url", "claimant", "claim_url", "claim_date", "date_published", "date_modified", "language"}

// upsertChunk bounds the rows of one INSERT or url lookup, well under
// either database's limit on bound parameters.
const upsertChunk = 500

// UpsertFactChecks writes items into the library in one transaction, in
// order: an item whose url (normalised again here) is not yet in the
// library is created; one whose url is there, or earlier in items,
// updates that entry (so the later of two duplicates in one file is
// reported as updated; an entry the item would not change is not
// rewritten, and its version stays). Items must have been validated (package
// factcheck); a url that does not normalise fails the whole call with a
// models.ValidationError. One history entry records the import's counts.
func (s *Store) UpsertFactChecks(ctx context.Context, actor Actor, items []models.FactCheck) ([]FactCheckWrite, error) {
	out := make([]FactCheckWrite, len(items))
	if len(items) == 0 {
		return out, nil
	}
	for i := range items {
		u, err := NormalizeURL(items[i].URL)
		if err != nil {
			return nil, models.Invalid("url", "Item %d: %s", i, err.Error())
		}
		items[i].URL = u
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		now := s.nowUTC()
		// Which urls are already in the library.
		existing := make(map[string]int64, len(items))
		stored := make(map[string]models.FactCheck, len(items))
		for start := 0; start < len(items); start += upsertChunk {
			end := min(start+upsertChunk, len(items))
			urls := make([]string, 0, end-start)
			for _, it := range items[start:end] {
				urls = append(urls, it.URL)
			}
			var rows []models.FactCheck
			if err := tx.Select(factCheckSelect).Where("url IN ?", urls).Find(&rows).Error; err != nil {
				return fmt.Errorf("store: look up fact-checks: %w", err)
			}
			for _, r := range rows {
				existing[r.URL] = r.ID
				stored[r.URL] = r
			}
		}
		// The last item for each url is what is written; earlier ones are
		// reported as what they did (created, then updated by the later).
		last := make(map[string]int, len(items))
		for i, it := range items {
			last[it.URL] = i
		}
		var fresh []*models.FactCheck
		var updates []int
		for i := range items {
			if last[items[i].URL] != i {
				continue
			}
			if old, ok := stored[items[i].URL]; ok {
				if !sameFactCheck(old, items[i]) { // an unchanged entry is left as it is
					updates = append(updates, i)
				}
				continue
			}
			fc := items[i]
			fc.ID, fc.Version, fc.CreatedAt, fc.UpdatedAt = 0, 1, now, now
			fresh = append(fresh, &fc)
		}
		if len(fresh) > 0 {
			if err := tx.CreateInBatches(fresh, upsertChunk/2).Error; err != nil {
				return writeErr(err, "A fact-check")
			}
		}
		created := make(map[string]int64, len(fresh))
		for _, fc := range fresh {
			created[fc.URL] = fc.ID
		}
		for _, i := range updates {
			it := items[i]
			vals := map[string]any{
				"claim_reviewed": it.ClaimReviewed, "headline": it.Headline, "excerpt": it.Excerpt,
				"rating_name": it.RatingName, "rating_value": it.RatingValue, "best_rating": it.BestRating, "worst_rating": it.WorstRating,
				"publisher_name": it.PublisherName, "publisher_url": it.PublisherURL, "claimant": it.Claimant, "claim_url": it.ClaimURL,
				"claim_date": it.ClaimDate, "date_published": it.DatePublished, "date_modified": it.DateModified, "language": it.Language,
				"version": gorm.Expr("version + 1"), "updated_at": now,
			}
			if err := tx.Model(&models.FactCheck{}).Where("id = ?", existing[it.URL]).Updates(vals).Error; err != nil {
				return writeErr(err, "A fact-check")
			}
		}
		seen := make(map[string]bool, len(items))
		nCreated, nUpdated := 0, 0
		for i, it := range items {
			if id, ok := existing[it.URL]; ok {
				out[i] = FactCheckWrite{ID: id}
			} else {
				out[i] = FactCheckWrite{ID: created[it.URL], Created: !seen[it.URL]}
			}
			seen[it.URL] = true
			if out[i].Created {
				nCreated++
			} else {
				nUpdated++
			}
		}
		return s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "factchecks", Action: "imported"},
			Changes{"created": {0, nCreated}, "updated": {0, nUpdated}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sameFactCheck reports whether an import would change nothing in a.
func sameFactCheck(a, b models.FactCheck) bool {
	num := func(x, y *float64) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	day := func(x, y *time.Time) bool { return x == nil && y == nil || x != nil && y != nil && x.Equal(*y) }
	return a.ClaimReviewed == b.ClaimReviewed && a.Headline == b.Headline && a.Excerpt == b.Excerpt && a.RatingName == b.RatingName &&
		num(a.RatingValue, b.RatingValue) && num(a.BestRating, b.BestRating) && num(a.WorstRating, b.WorstRating) &&
		a.PublisherName == b.PublisherName && a.PublisherURL == b.PublisherURL && a.Claimant == b.Claimant && a.ClaimURL == b.ClaimURL &&
		day(a.ClaimDate, b.ClaimDate) && day(a.DatePublished, b.DatePublished) && day(a.DateModified, b.DateModified) && a.Language == b.Language
}

// FactCheck returns one fact-check of the library.
func (s *Store) FactCheck(ctx context.Context, id int64) (models.FactCheck, error) {
	var fc models.FactCheck
	if err := s.conn(ctx).Select(factCheckSelect).Take(&fc, id).Error; err != nil {
		return fc, lookupErr(err, "fact-check", id)
	}
	return fc, nil
}

// FactChecksByID returns the fact-checks with the given ids that exist, in
// no particular order.
func (s *Store) FactChecksByID(ctx context.Context, ids []int64) ([]models.FactCheck, error) {
	var out []models.FactCheck
	for start := 0; start < len(ids); start += upsertChunk {
		var rows []models.FactCheck
		if err := s.conn(ctx).Select(factCheckSelect).Where("id IN ?", ids[start:min(start+upsertChunk, len(ids))]).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("store: fact-checks by id: %w", err)
		}
		out = append(out, rows...)
	}
	return out, nil
}

// FactChecksAfter returns up to limit fact-checks with ids above afterID,
// in id order: a way to read the whole library in batches (an index
// builder) without loading it at once.
func (s *Store) FactChecksAfter(ctx context.Context, afterID int64, limit int) ([]models.FactCheck, error) {
	var rows []models.FactCheck
	if err := s.conn(ctx).Select(factCheckSelect).Where("id > ?", afterID).Order("id").Limit(max(limit, 1)).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: fact-checks: %w", err)
	}
	return rows, nil
}

// FactCheckQuery selects fact-checks of the library.
type FactCheckQuery struct {
	Q         string     // words, matched as prefixes and by English stem in the claim, headline, excerpt, claimant and publisher
	Publisher string     // exact publisher name, any case
	Language  string     // language tag ("en" also finds "en-gb")
	From, To  *time.Time // published on or after, on or before (days)
	Page      int        // from 1
	PerPage   int        // 1–100, default 25
}

// FactCheckPage is one page of fact-checks: by relevance with a query,
// newest first (by date published, then latest imported) without.
type FactCheckPage struct {
	Items   []models.FactCheck
	Page    int
	PerPage int
	HasNext bool
}

// FactChecks searches and lists the library.
func (s *Store) FactChecks(ctx context.Context, q FactCheckQuery) (FactCheckPage, error) {
	q.Page = max(q.Page, 1)
	if q.PerPage <= 0 || q.PerPage > 100 {
		q.PerPage = 25
	}
	db := s.conn(ctx).Model(&models.FactCheck{}).Select(factCheckSelect)
	db, searched := s.dialect.textSearch(db, "factchecks", q.Q, true)
	if p := strings.TrimSpace(q.Publisher); p != "" {
		db = db.Where("lower(factchecks.publisher_name) = ?", strings.ToLower(p))
	}
	if l := strings.ToLower(strings.TrimSpace(q.Language)); l != "" {
		db = db.Where("(factchecks.language = ? OR factchecks.language LIKE ? ESCAPE '\\')", l, strings.TrimSuffix(likePattern(l), "%")+"-%")
	}
	if q.From != nil {
		db = db.Where("factchecks.date_published >= ?", *q.From)
	}
	if q.To != nil {
		db = db.Where("factchecks.date_published < ?", q.To.AddDate(0, 0, 1))
	}
	if !searched {
		db = db.Order("factchecks.date_published IS NULL, factchecks.date_published DESC")
	}
	db = db.Order("factchecks.id DESC").Offset((q.Page - 1) * q.PerPage).Limit(q.PerPage + 1)
	var rows []models.FactCheck
	if err := db.Find(&rows).Error; err != nil {
		return FactCheckPage{}, fmt.Errorf("store: fact-checks: %w", err)
	}
	p := FactCheckPage{Page: q.Page, PerPage: q.PerPage}
	if len(rows) > q.PerPage {
		rows, p.HasNext = rows[:q.PerPage], true
	}
	p.Items = rows
	return p, nil
}

// factCheckSelect names the columns read (never PostgreSQL's search vector).
var factCheckSelect = "factchecks.id, factchecks.url, " + prefixed("factchecks.", factCheckColumns) + ", factchecks.version, factchecks.created_at, factchecks.updated_at"

func prefixed(p string, cols []string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = p + c
	}
	return strings.Join(out, ", ")
}

// Publisher is a publisher of fact-checks in the library and how many it has.
type Publisher struct {
	Name string
	N    int
}

// FactCheckPublishers lists the library's publishers, most fact-checks
// first, at most limit of them (for the filter).
func (s *Store) FactCheckPublishers(ctx context.Context, limit int) ([]Publisher, error) {
	var out []Publisher
	err := s.conn(ctx).Model(&models.FactCheck{}).Select("publisher_name AS name, count(*) AS n").
		Where("publisher_name <> ''").Group("publisher_name").Order("n DESC, name").Limit(max(limit, 1)).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: publishers: %w", err)
	}
	return out, nil
}

// CountFactChecks is the size of the library.
func (s *Store) CountFactChecks(ctx context.Context) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.FactCheck{}).Count(&n).Error
	return n, err
}

// DeleteFactCheck removes a fact-check from the library and records what
// it was in history. Importing it again brings it back as a new entry.
func (s *Store) DeleteFactCheck(ctx context.Context, actor Actor, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var fc models.FactCheck
		if err := tx.Select(factCheckSelect).Take(&fc, id).Error; err != nil {
			return lookupErr(err, "fact-check", id)
		}
		if err := tx.Delete(&models.FactCheck{}, id).Error; err != nil {
			return writeErr(err, "The fact-check")
		}
		return s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "factcheck", EntityID: id, Action: "deleted"},
			Changes{"url": {fc.URL, nil}, "claim_reviewed": {fc.ClaimReviewed, nil}, "publisher_name": {fc.PublisherName, nil}})
	})
}

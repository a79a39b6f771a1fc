package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// ExportData is everything the exports need about an article and its
// claims, loaded with one query per kind of row (never one per claim).
// The handlers turn it into an export.Document.
type ExportData struct {
	Article     models.Article
	Claims      []models.ClaimDetail              // reading order
	Evidence    map[int64][]models.EvidenceDetail // by claim id, in the order added
	Appearances map[int64][]models.Appearance     // by claim id, the first appearance first
	Creators    map[int64]string                  // user id → name, for everyone who created a claim or proposed a verdict
	Scale       []models.Verdict
	Newsroom    Newsroom
	Corrections map[int64][]models.Correction // by claim id, oldest first: public corrections and withdrawals
}

// Newsroom is the organisation named in the settings: the author of every
// published fact-check.
type Newsroom struct {
	Name, URL, LogoURL string
}

// ArticleExport loads a live article, its live claims in reading order and,
// for all of them at once, their evidence with sources, appearances, the
// names of their creators, the verdict scale and the newsroom settings.
func (s *Store) ArticleExport(ctx context.Context, articleID int64) (ExportData, error) {
	a, err := s.Article(ctx, articleID)
	if err != nil {
		return ExportData{}, err
	}
	claims, err := s.ArticleClaims(ctx, articleID)
	if err != nil {
		return ExportData{}, err
	}
	d := ExportData{Article: a, Claims: claims}
	if d.Corrections, err = s.articleCorrections(ctx, articleID); err != nil {
		return ExportData{}, err
	}
	live := "SELECT id FROM claims WHERE article_id = ? AND deleted_at IS NULL"
	return d, s.loadExportRelated(ctx, &d, "claim_id IN ("+live+")", articleID)
}

// ClaimExport loads one live claim of a live article as ExportData with a
// single claim: what the claim's public page and its annotation need.
func (s *Store) ClaimExport(ctx context.Context, claimID int64) (ExportData, error) {
	c, err := s.Claim(ctx, claimID)
	if err != nil {
		return ExportData{}, err
	}
	a, err := s.Article(ctx, c.ArticleID)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return ExportData{}, lookupErr(gorm.ErrRecordNotFound, "claim", claimID) // its article was deleted
	case err != nil:
		return ExportData{}, err
	}
	d := ExportData{Article: a, Claims: []models.ClaimDetail{c}}
	cs, err := s.ClaimCorrections(ctx, claimID)
	if err != nil {
		return ExportData{}, err
	}
	d.Corrections = map[int64][]models.Correction{claimID: cs}
	return d, s.loadExportRelated(ctx, &d, "claim_id = ?", claimID)
}

// evidenceRow is one evidence row joined with its source and who added it.
type evidenceRow struct {
	ID, ClaimID, SourceID int64
	Stance                models.Stance
	Passage, Note         string
	AddedBy               int64
	CreatedAt             time.Time
	AddedByName           string

	SourceURL, SourceTitle, SourcePublisher, SourceKind string
	SourcePublishedAt, SourceAccessedAt                 *time.Time
	SourceArchiveURL, SourceNotes                       string
	SourceCreatedBy                                     int64
	SourceCreatedAt, SourceUpdatedAt                    time.Time
}

// loadExportRelated fills in evidence, appearances, creators, the scale and
// the newsroom. where selects evidence and appearances by claim_id.
func (s *Store) loadExportRelated(ctx context.Context, d *ExportData, where string, arg any) error {
	var ev []evidenceRow
	err := s.conn(ctx).Table("evidence AS e").
		Select(`e.id, e.claim_id, e.source_id, e.stance, e.passage, e.note, e.added_by, e.created_at,
			COALESCE(u.name, '') AS added_by_name,
			src.url AS source_url, src.title AS source_title, src.publisher AS source_publisher, src.kind AS source_kind,
			src.published_at AS source_published_at, src.accessed_at AS source_accessed_at,
			src.archive_url AS source_archive_url, src.notes AS source_notes, src.created_by AS source_created_by,
			src.created_at AS source_created_at, src.updated_at AS source_updated_at`).
		Joins("JOIN sources AS src ON src.id = e.source_id").
		Joins("LEFT JOIN users AS u ON u.id = e.added_by").
		Where("e."+where, arg).Order("e.claim_id, e.id").Scan(&ev).Error
	if err != nil {
		return fmt.Errorf("store: export evidence: %w", err)
	}
	d.Evidence = make(map[int64][]models.EvidenceDetail)
	for _, r := range ev {
		d.Evidence[r.ClaimID] = append(d.Evidence[r.ClaimID], models.EvidenceDetail{
			Evidence: models.Evidence{ID: r.ID, ClaimID: r.ClaimID, SourceID: r.SourceID, Stance: r.Stance,
				Passage: r.Passage, Note: r.Note, AddedBy: r.AddedBy, CreatedAt: r.CreatedAt},
			Source: models.Source{ID: r.SourceID, URL: r.SourceURL, Title: r.SourceTitle, Publisher: r.SourcePublisher,
				Kind: r.SourceKind, PublishedAt: r.SourcePublishedAt, AccessedAt: r.SourceAccessedAt,
				ArchiveURL: r.SourceArchiveURL, Notes: r.SourceNotes, CreatedBy: r.SourceCreatedBy,
				CreatedAt: r.SourceCreatedAt, UpdatedAt: r.SourceUpdatedAt},
			AddedByName: r.AddedByName,
		})
	}

	var apps []models.Appearance
	if err := s.conn(ctx).Select("id, claim_id, url, first").Where(where, arg).
		Order("claim_id, first DESC, id").Find(&apps).Error; err != nil {
		return fmt.Errorf("store: export appearances: %w", err)
	}
	d.Appearances = make(map[int64][]models.Appearance)
	for _, ap := range apps {
		d.Appearances[ap.ClaimID] = append(d.Appearances[ap.ClaimID], ap)
	}

	ids := map[int64]bool{}
	for _, c := range d.Claims {
		ids[c.CreatedBy] = true
		if c.ProposedBy != nil {
			ids[*c.ProposedBy] = true
		}
	}
	d.Creators = make(map[int64]string, len(ids))
	if len(ids) > 0 {
		list := make([]int64, 0, len(ids))
		for id := range ids {
			list = append(list, id)
		}
		var users []models.User
		if err := s.conn(ctx).Select("id, name").Where("id IN ?", list).Find(&users).Error; err != nil {
			return fmt.Errorf("store: export creators: %w", err)
		}
		for _, u := range users {
			d.Creators[u.ID] = u.Name
		}
	}

	if d.Scale, err = s.Verdicts(ctx); err != nil {
		return fmt.Errorf("store: export scale: %w", err)
	}
	settings, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	d.Newsroom = Newsroom{Name: settings["newsroom_name"], URL: settings["newsroom_url"], LogoURL: settings["newsroom_logo_url"]}
	return nil
}

// ImportedClaim is a claim anchored from an imported annotation.
type ImportedClaim struct {
	NewClaim
	Annotation string // the annotation's id in the imported file, recorded in history
}

// ImportClaims creates the claims of one annotation import in a single
// transaction, against revision rev of the article (a conflict if the
// article was revised since the annotations were anchored). A claim whose
// span is already marked by a live claim, or by an earlier one of the same
// import, is skipped: its id in the result is 0.
func (s *Store) ImportClaims(ctx context.Context, actor Actor, articleID int64, rev int, in []ImportedClaim) ([]int64, error) {
	v := models.ValidationError{}
	for i, n := range in {
		if err := n.Input.Validate(); len(err) > 0 {
			for field, msg := range err {
				v.Add(fmt.Sprintf("annotation %d %s", i+1, field), msg)
			}
		}
	}
	if len(v) > 0 {
		return nil, v
	}
	ids := make([]int64, len(in))
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var a models.Article
		if err := tx.Select("id, revision").Where("deleted_at IS NULL").First(&a, articleID).Error; err != nil {
			return lookupErr(err, "article", articleID)
		}
		if a.Revision != rev {
			return &models.ConflictError{Message: fmt.Sprintf("The article was revised (now revision %d) during the import. Import the file again.", a.Revision)}
		}
		var spans []struct{ StartPos, EndPos int }
		if err := tx.Model(&models.Claim{}).Select("start_pos, end_pos").
			Where("article_id = ? AND deleted_at IS NULL", articleID).Find(&spans).Error; err != nil {
			return err
		}
		taken := make(map[[2]int]bool, len(spans)+len(in))
		for _, sp := range spans {
			taken[[2]int{sp.StartPos, sp.EndPos}] = true
		}
		for i, n := range in {
			key := [2]int{n.Start, n.End}
			if taken[key] {
				continue
			}
			taken[key] = true
			c := models.Claim{
				ArticleID: articleID, Start: n.Start, End: n.End, Quote: n.Quote, Prefix: n.Prefix, Suffix: n.Suffix,
				Type: models.TypeStatement, State: models.StateNew, AnchorState: models.AnchorAnchored,
				AnchorRevision: rev, Version: 1, CreatedBy: actor.ID,
			}
			applyContent(&c, n.Input)
			number, err := takeClaimNumbers(tx, articleID, 1)
			if err != nil {
				return err
			}
			c.Number = number
			if err := tx.Create(&c).Error; err != nil {
				return writeErr(err, "claim")
			}
			ch := Changes{"start": {nil, c.Start}, "end": {nil, c.End}, "quote": {nil, c.Quote}, "state": {nil, c.State}}
			if n.Annotation != "" {
				ch["annotation"] = Change{nil, n.Annotation}
			}
			if err := s.appendHistory(tx, actor, claimEntry(c, "imported"), ch); err != nil {
				return err
			}
			ids[i] = c.ID
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

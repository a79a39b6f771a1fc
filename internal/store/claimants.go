package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Limits on claimants.
const (
	MaxClaimantNameRunes = 200
	MaxClaimantTextRunes = 200 // title and affiliation
	MaxSameAs            = 20
)

// ClaimantInput is a claimant's editable content. Nil pointers mean "not given".
type ClaimantInput struct {
	Name        *string
	Kind        *string // person or organization
	Title       *string // role or title, e.g. "President of Russia"
	Affiliation *string
	SameAs      *[]string // links that identify them: Wikidata, Wikipedia, official site
}

// apply validates the given fields and copies them into cl.
func (in ClaimantInput) apply(cl *models.Claimant) models.ValidationError {
	v := models.ValidationError{}
	if in.Name != nil {
		n := oneLine(*in.Name)
		switch {
		case n == "":
			v.Add("name", "Enter the claimant's name.")
		case len([]rune(n)) > MaxClaimantNameRunes:
			v.Add("name", "Keep the claimant's name under 200 characters.")
		}
		cl.Name = n
	}
	if in.Kind != nil {
		k := strings.ToLower(strings.TrimSpace(*in.Kind))
		if k == "organisation" {
			k = models.KindOrganization
		}
		if k == "" {
			k = models.KindPerson
		}
		if k != models.KindPerson && k != models.KindOrganization {
			v.Add("kind", fmt.Sprintf("Unknown kind %q: choose person or organization.", *in.Kind))
		}
		cl.Kind = k
	}
	if in.Title != nil {
		cl.Title = oneLine(*in.Title)
		if len([]rune(cl.Title)) > MaxClaimantTextRunes {
			v.Add("title", "Keep the title under 200 characters.")
		}
	}
	if in.Affiliation != nil {
		cl.Affiliation = oneLine(*in.Affiliation)
		if len([]rune(cl.Affiliation)) > MaxClaimantTextRunes {
			v.Add("affiliation", "Keep the affiliation under 200 characters.")
		}
	}
	if in.SameAs != nil {
		links := []string{}
		for _, raw := range *in.SameAs {
			if strings.TrimSpace(raw) == "" {
				continue
			}
			u, err := NormalizeURL(raw)
			if err != nil {
				v.Add("same_as", fmt.Sprintf("%q: %s", clip(raw, 80), err.Error()))
				continue
			}
			if !slices.Contains(links, u) {
				links = append(links, u)
			}
		}
		if len(links) > MaxSameAs {
			v.Add("same_as", fmt.Sprintf("Give at most %d links.", MaxSameAs))
		}
		cl.SameAs = links
	}
	return v
}

// Claimant returns one claimant.
func (s *Store) Claimant(ctx context.Context, id int64) (models.Claimant, error) {
	var cl models.Claimant
	if err := s.conn(ctx).First(&cl, id).Error; err != nil {
		return models.Claimant{}, lookupErr(err, "claimant", id)
	}
	if cl.SameAs == nil {
		cl.SameAs = []string{}
	}
	return cl, nil
}

// nameTaken returns the claimant other than id with name (any case), if any.
func nameTaken(tx *gorm.DB, name string, id int64) (*models.Claimant, error) {
	var other models.Claimant
	res := tx.Where("name_key = ? AND id <> ?", nameKey(name), id).Limit(1).Find(&other)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, nil
	}
	return &other, nil
}

// CreateClaimant adds a claimant. A name already used (in any case) is a
// *models.ConflictError carrying that claimant.
func (s *Store) CreateClaimant(ctx context.Context, actor Actor, in ClaimantInput) (models.Claimant, error) {
	cl := models.Claimant{Kind: models.KindPerson, SameAs: []string{}, Version: 1}
	if in.Name == nil {
		in.Name = new(string)
	}
	if v := in.apply(&cl); len(v) > 0 {
		return models.Claimant{}, v
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		other, err := nameTaken(tx, cl.Name, 0)
		if err != nil {
			return err
		}
		if other != nil {
			return &models.ConflictError{Message: fmt.Sprintf("There is already a claimant named “%s” (claimant %d).", other.Name, other.ID), Current: *other}
		}
		cl.NameKey, cl.SearchKey = nameKey(cl.Name), ClaimantSearchKey(cl)
		if err := tx.Create(&cl).Error; err != nil {
			return writeErr(err, "claimant")
		}
		return s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "claimant", EntityID: cl.ID, Action: "created"}, Changes{
			"name": {nil, cl.Name}, "kind": {nil, cl.Kind}, "title": {nil, cl.Title}, "affiliation": {nil, cl.Affiliation}, "same_as": {nil, cl.SameAs},
		})
	})
	if err != nil {
		return models.Claimant{}, err
	}
	return cl, nil
}

// UpdateClaimant applies in if the claimant is still at version; otherwise
// it returns a *models.ConflictError carrying the current claimant.
// Renaming to another claimant's name is a conflict too: merge them instead.
func (s *Store) UpdateClaimant(ctx context.Context, actor Actor, id int64, version int, in ClaimantInput) (models.Claimant, error) {
	if version <= 0 {
		return models.Claimant{}, models.ValidationError{"version": "Send the version of the claimant your change is based on."}
	}
	var cl models.Claimant
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.First(&cl, id).Error; err != nil {
			return lookupErr(err, "claimant", id)
		}
		if cl.SameAs == nil {
			cl.SameAs = []string{}
		}
		if cl.Version != version {
			return staleClaimant(cl)
		}
		old := cl
		old.SameAs = slices.Clone(cl.SameAs)
		if v := in.apply(&cl); len(v) > 0 {
			return v
		}
		if !strings.EqualFold(cl.Name, old.Name) {
			other, err := nameTaken(tx, cl.Name, id)
			if err != nil {
				return err
			}
			if other != nil {
				return &models.ConflictError{Message: fmt.Sprintf("There is already a claimant named “%s” (claimant %d). If they are the same, merge them instead.", other.Name, other.ID)}
			}
		}
		ch := claimantChanges(old, cl)
		if len(ch) == 0 {
			return nil
		}
		cl.Version++
		cl.UpdatedAt = s.nowUTC()
		res := tx.Model(&models.Claimant{}).Where("id = ? AND version = ?", id, version).Updates(claimantColumns(cl))
		if res.Error != nil {
			return writeErr(res.Error, "claimant")
		}
		if res.RowsAffected == 0 {
			var cur models.Claimant
			if err := tx.First(&cur, id).Error; err != nil {
				return lookupErr(err, "claimant", id)
			}
			return staleClaimant(cur)
		}
		return s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "claimant", EntityID: id, Action: "updated"}, ch)
	})
	if err != nil {
		return models.Claimant{}, err
	}
	return cl, nil
}

func claimantChanges(old, cl models.Claimant) Changes {
	ch := Changes{}
	ch.diff("name", old.Name, cl.Name)
	ch.diff("kind", old.Kind, cl.Kind)
	ch.diff("title", old.Title, cl.Title)
	ch.diff("affiliation", old.Affiliation, cl.Affiliation)
	ch.diff("same_as", old.SameAs, cl.SameAs)
	return ch
}

func claimantColumns(cl models.Claimant) map[string]any {
	sameAs, _ := jsonString(cl.SameAs)
	return map[string]any{"name": cl.Name, "name_key": nameKey(cl.Name), "search_key": ClaimantSearchKey(cl), "kind": cl.Kind, "title": cl.Title, "affiliation": cl.Affiliation,
		"same_as": sameAs, "version": cl.Version, "updated_at": cl.UpdatedAt}
}

func staleClaimant(cur models.Claimant) error {
	return &models.ConflictError{
		Message: fmt.Sprintf("Someone else changed this claimant (now version %d). Your change was not saved: review theirs and apply yours again.", cur.Version),
		Current: cur,
	}
}

// ClaimantQuery searches and pages claimants.
type ClaimantQuery struct {
	Q       string // part of the name, title or affiliation
	Page    int
	PerPage int
}

// ClaimantPage is one page of claimants, by name, with each one's number of live claims.
type ClaimantPage struct {
	Items   []models.Claimant
	Claims  map[int64]int
	Page    int
	PerPage int
	HasNext bool
}

// ClaimantList searches claimants by name, title or affiliation.
func (s *Store) ClaimantList(ctx context.Context, q ClaimantQuery) (ClaimantPage, error) {
	q.Page = max(q.Page, 1)
	if q.PerPage <= 0 || q.PerPage > 100 {
		q.PerPage = 25
	}
	p := ClaimantPage{Page: q.Page, PerPage: q.PerPage, Claims: map[int64]int{}}
	db := s.conn(ctx).Model(&models.Claimant{})
	if text := strings.TrimSpace(q.Q); text != "" {
		db = db.Where(`search_key LIKE ? ESCAPE '\'`, likeKey(text))
	}
	var rows []models.Claimant
	if err := db.Order("name_key, id").Offset((q.Page - 1) * q.PerPage).Limit(q.PerPage + 1).Find(&rows).Error; err != nil {
		return ClaimantPage{}, fmt.Errorf("store: claimants: %w", err)
	}
	if len(rows) > q.PerPage {
		rows, p.HasNext = rows[:q.PerPage], true
	}
	p.Items = rows
	if len(rows) == 0 {
		return p, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
		if rows[i].SameAs == nil {
			rows[i].SameAs = []string{}
		}
	}
	var counts []struct {
		ClaimantID int64
		N          int
	}
	if err := s.conn(ctx).Model(&models.Claim{}).Select("claimant_id, count(*) AS n").
		Where("claimant_id IN ? AND deleted_at IS NULL", ids).Group("claimant_id").Find(&counts).Error; err != nil {
		return ClaimantPage{}, fmt.Errorf("store: claimant claim counts: %w", err)
	}
	for _, c := range counts {
		p.Claims[c.ClaimantID] = c.N
	}
	return p, nil
}

// ClaimantClaims returns a claimant's live claims across articles, newest first.
func (s *Store) ClaimantClaims(ctx context.Context, claimantID int64, page, perPage int) ([]models.ClaimDetail, bool, error) {
	page = max(page, 1)
	if perPage <= 0 || perPage > 100 {
		perPage = 50
	}
	var cs []models.Claim
	if err := s.conn(ctx).Where("claimant_id = ? AND deleted_at IS NULL", claimantID).
		Order("id DESC").Offset((page - 1) * perPage).Limit(perPage + 1).Find(&cs).Error; err != nil {
		return nil, false, fmt.Errorf("store: claims of claimant %d: %w", claimantID, err)
	}
	more := len(cs) > perPage
	if more {
		cs = cs[:perPage]
	}
	ds, err := s.details(ctx, cs)
	return ds, more, err
}

// MergeClaimants folds claimant fromID into intoID: every claim of fromID
// (live or deleted) moves to intoID, intoID keeps its own name, kind, title
// and affiliation (filling only the ones it lacks) and gains fromID's
// links, and fromID is removed. intoVersion and fromVersion, when not 0,
// must be the versions the merge was decided on. Merging a person with an
// organization is a conflict: change one's kind first.
func (s *Store) MergeClaimants(ctx context.Context, actor Actor, intoID, fromID int64, intoVersion, fromVersion int) (models.Claimant, error) {
	if intoID == fromID {
		return models.Claimant{}, models.ValidationError{"from": "A claimant cannot be merged into itself: choose another claimant."}
	}
	var into models.Claimant
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var from models.Claimant
		if err := tx.First(&into, intoID).Error; err != nil {
			return lookupErr(err, "claimant", intoID)
		}
		res := tx.Limit(1).Find(&from, fromID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return models.ValidationError{"from": fmt.Sprintf("There is no claimant %d (it may have been merged already).", fromID)}
		}
		switch {
		case intoVersion != 0 && into.Version != intoVersion:
			return staleClaimant(into)
		case fromVersion != 0 && from.Version != fromVersion:
			return staleClaimant(from)
		case into.Kind != from.Kind:
			return &models.ConflictError{Message: fmt.Sprintf("“%s” is a %s and “%s” a %s: if they are the same, correct the kind of one of them before merging.", into.Name, into.Kind, from.Name, from.Kind)}
		}
		old := into
		old.SameAs = slices.Clone(into.SameAs)
		if into.Title == "" {
			into.Title = from.Title
		}
		if into.Affiliation == "" {
			into.Affiliation = from.Affiliation
		}
		links := slices.Clone(into.SameAs)
		for _, l := range from.SameAs {
			if !slices.Contains(links, l) {
				links = append(links, l)
			}
		}
		if len(links) > MaxSameAs {
			return &models.ConflictError{Message: fmt.Sprintf("Together the two claimants have %d links, more than the %d allowed: remove some before merging.", len(links), MaxSameAs)}
		}
		into.SameAs = links
		var moved []models.Claim
		if err := tx.Select("id, article_id, version").Where("claimant_id = ?", fromID).Order("id").Find(&moved).Error; err != nil {
			return fmt.Errorf("store: claims to move: %w", err)
		}
		now := s.nowUTC()
		if err := tx.Model(&models.Claim{}).Where("claimant_id = ?", fromID).
			Updates(map[string]any{"claimant_id": intoID, "version": gorm.Expr("version + 1"), "updated_at": now}).Error; err != nil {
			return fmt.Errorf("store: move claims: %w", err)
		}
		for _, c := range moved {
			c.Version++
			if err := s.appendHistory(tx, actor, claimEntry(c, "updated"), Changes{
				"claimant_id": {fromID, intoID}, "reason": {nil, fmt.Sprintf("claimant “%s” merged into “%s”", from.Name, into.Name)},
			}); err != nil {
				return err
			}
		}
		into.Version++
		into.UpdatedAt = now
		// Both writes are conditional on the versions read above, so an edit
		// committed meanwhile (PostgreSQL reads committed data) is a conflict,
		// not silently overwritten or deleted.
		res = tx.Model(&models.Claimant{}).Where("id = ? AND version = ?", intoID, old.Version).Updates(claimantColumns(into))
		if res.Error != nil {
			return writeErr(res.Error, "claimant")
		}
		if res.RowsAffected == 0 {
			return staleMerged(tx, intoID)
		}
		res = tx.Where("id = ? AND version = ?", fromID, from.Version).Delete(&models.Claimant{})
		if res.Error != nil {
			return writeErr(res.Error, "claimant")
		}
		if res.RowsAffected == 0 {
			return staleMerged(tx, fromID)
		}
		ch := claimantChanges(old, into)
		ch["merged_from"] = Change{nil, map[string]any{"id": from.ID, "name": from.Name, "kind": from.Kind, "title": from.Title, "affiliation": from.Affiliation, "same_as": from.SameAs}}
		ch["claims_moved"] = Change{nil, len(moved)}
		if err := s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "claimant", EntityID: intoID, Action: "merged"}, ch); err != nil {
			return err
		}
		return s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "claimant", EntityID: fromID, Action: "deleted"}, Changes{
			"name": {from.Name, nil}, "merged_into": {nil, intoID},
		})
	})
	if err != nil {
		return models.Claimant{}, err
	}
	return into, nil
}

// staleMerged is the conflict of a merge whose claimant id changed after it was read.
func staleMerged(tx *gorm.DB, id int64) error {
	var cur models.Claimant
	if err := tx.First(&cur, id).Error; err != nil {
		return lookupErr(err, "claimant", id)
	}
	return staleClaimant(cur)
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// ClaimantByRef finds a claimant by id or by name (any case).
func (s *Store) ClaimantByRef(ctx context.Context, ref string) (models.Claimant, error) {
	ref = strings.TrimSpace(ref)
	var cl models.Claimant
	q := s.conn(ctx).Where("name_key = ?", nameKey(ref))
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		q = s.conn(ctx).Where("id = ?", id)
	}
	if err := q.First(&cl).Error; err != nil {
		return models.Claimant{}, lookupErr(err, "claimant", ref)
	}
	return cl, nil
}

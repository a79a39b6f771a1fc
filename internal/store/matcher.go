package store

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/claimdesk/claimdesk/internal/match"
	"github.com/claimdesk/claimdesk/internal/models"
)

// Kinds of match.
const (
	MatchFactCheck = "factcheck" // a fact-check of the library
	MatchClaim     = "claim"     // one of our claims with a verdict (approved or published)
)

// MatchItem is one match with what pages and the API show of it.
type MatchItem struct {
	Kind        string
	ID          int64
	Score       float64 // 0–1, comparable between queries; match.Threshold separates suggestions
	Text        string  // a fact-check's claimReviewed; our claim's summary, else its quote
	Rating      string  // a fact-check's rating ("no rating" when it gives none); our claim's verdict label
	URL         string  // a fact-check's address; "" for our claims (their page is /claims/{id})
	Publisher   string  // a fact-check's publisher; "" for our claims (the newsroom)
	Date        *time.Time
	State       models.State // our claims only
	Headline    string       // a fact-check's headline
	Explanation string       // a fact-check's excerpt; our claim's explanation
	ArticleID   int64        // our claims only
}

// Matcher ranks the library's fact-checks and our checked claims against a
// text (package match) from an in-memory index. The index is built from
// the database on first use, in batches, and kept current by replaying
// match_changes (filled by triggers, migration 0025) before every match:
// one indexed query when nothing changed. Several processes sharing one
// PostgreSQL database each keep their own index and stay correct, because
// a change committed anywhere is in the log the next match reads; change
// ids taken by a transaction that had not committed when the log was read
// are watched until they appear or pendingTTL passes.
type Matcher struct {
	st *Store
	ix *match.Index

	mu      sync.Mutex // serialises building and replaying
	built   bool
	last    int64               // highest change id applied
	pending map[int64]time.Time // ids below last not yet seen, since when
}

// pendingTTL is how long an id skipped in match_changes is watched: a
// transaction still open that long is not a writer of this application
// (imports write in batches of at most a few thousand rows), or it rolled
// back and the id will never appear.
const pendingTTL = 5 * time.Minute

// NewMatcher returns a matcher over the store's library and claims. Its
// index is built by the first Sync (or Match).
func (s *Store) NewMatcher() *Matcher {
	return &Matcher{st: s, ix: match.NewIndex(), pending: map[int64]time.Time{}}
}

// Size is how many documents the index holds.
func (m *Matcher) Size() int { return m.ix.Len() }

// Sync brings the index up to date with the database: built in full the
// first time, then by replaying the changes since.
func (m *Matcher) Sync(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.built {
		return m.build(ctx)
	}
	return m.replay(ctx)
}

// build reads the whole library and every checked claim in batches. The
// change log's position is read first: anything written during the build
// is replayed after it (applying a change twice does no harm).
func (m *Matcher) build(ctx context.Context) error {
	var last int64
	if err := m.st.conn(ctx).Raw(`SELECT COALESCE(MAX(id), 0) FROM match_changes`).Scan(&last).Error; err != nil {
		return fmt.Errorf("store: matching index: %w", err)
	}
	const batch = 2000
	for after := int64(0); ; {
		fcs, err := m.st.FactChecksAfter(ctx, after, batch)
		if err != nil {
			return err
		}
		for _, fc := range fcs {
			m.ix.Add(factCheckDoc(fc))
		}
		if len(fcs) < batch {
			break
		}
		after = fcs[len(fcs)-1].ID
	}
	for _, state := range []models.State{models.StateApproved, models.StatePublished} {
		for after := int64(0); ; {
			var cs []matchClaimRow
			err := m.st.conn(ctx).Table("claims").Select(matchClaimColumns).
				Where("state = ? AND id > ? AND deleted_at IS NULL", state, after).Order("id").Limit(batch).Find(&cs).Error
			if err != nil {
				return fmt.Errorf("store: matching index: %w", err)
			}
			for _, c := range cs {
				m.ix.Add(c.doc())
			}
			if len(cs) < batch {
				break
			}
			after = cs[len(cs)-1].ID
		}
	}
	m.last, m.built = last, true
	return m.replay(ctx)
}

type matchChange struct {
	ID     int64
	Kind   string
	ItemID int64
}

// replay applies the changes logged since the last one applied.
func (m *Matcher) replay(ctx context.Context) error {
	now := time.Now()
	for id, since := range m.pending {
		if now.Sub(since) > pendingTTL {
			delete(m.pending, id)
		}
	}
	var changes []matchChange
	if len(m.pending) > 0 {
		ids := make([]int64, 0, len(m.pending))
		for id := range m.pending {
			ids = append(ids, id)
		}
		if err := m.st.conn(ctx).Table("match_changes").Where("id IN ?", ids).Find(&changes).Error; err != nil {
			return fmt.Errorf("store: match changes: %w", err)
		}
		for _, c := range changes {
			delete(m.pending, c.ID)
		}
	}
	const page = 5000
	for {
		var rows []matchChange
		if err := m.st.conn(ctx).Table("match_changes").Where("id > ?", m.last).Order("id").Limit(page).Find(&rows).Error; err != nil {
			return fmt.Errorf("store: match changes: %w", err)
		}
		for _, r := range rows {
			// Ids skipped over may belong to transactions not yet committed.
			for gap := m.last + 1; gap < r.ID && len(m.pending) < 10000; gap++ {
				m.pending[gap] = now
			}
			m.last = r.ID
		}
		changes = append(changes, rows...)
		if len(rows) < page {
			break
		}
	}
	if len(changes) == 0 {
		return nil
	}
	return m.apply(ctx, changes)
}

// apply re-reads every changed item and puts it in the index, or takes it
// out when it is gone or no longer checked.
func (m *Matcher) apply(ctx context.Context, changes []matchChange) error {
	fcIDs, claimIDs := map[int64]bool{}, map[int64]bool{}
	for _, c := range changes {
		switch c.Kind {
		case MatchFactCheck:
			fcIDs[c.ItemID] = true
		case MatchClaim:
			claimIDs[c.ItemID] = true
		}
	}
	if len(fcIDs) > 0 {
		fcs, err := m.st.FactChecksByID(ctx, keys(fcIDs))
		if err != nil {
			return err
		}
		for _, fc := range fcs {
			m.ix.Add(factCheckDoc(fc))
			delete(fcIDs, fc.ID)
		}
		for id := range fcIDs {
			m.ix.Remove(matchKey(MatchFactCheck, id))
		}
	}
	if len(claimIDs) > 0 {
		ids := keys(claimIDs)
		for start := 0; start < len(ids); start += upsertChunk {
			var cs []matchClaimRow
			err := m.st.conn(ctx).Table("claims").Select(matchClaimColumns).
				Where("id IN ? AND state IN ? AND deleted_at IS NULL", ids[start:min(start+upsertChunk, len(ids))], checkedStates).Find(&cs).Error
			if err != nil {
				return fmt.Errorf("store: matching index: %w", err)
			}
			for _, c := range cs {
				m.ix.Add(c.doc())
				delete(claimIDs, c.ID)
			}
		}
		for id := range claimIDs {
			m.ix.Remove(matchKey(MatchClaim, id))
		}
	}
	return nil
}

// checkedStates are the states of our claims that take part in matching:
// a verdict has been signed off.
var checkedStates = []models.State{models.StateApproved, models.StatePublished}

func keys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func matchKey(kind string, id int64) string {
	if kind == MatchFactCheck {
		return "f:" + strconv.FormatInt(id, 10)
	}
	return "c:" + strconv.FormatInt(id, 10)
}

func parseMatchKey(k string) (string, int64) {
	kind := MatchClaim
	if strings.HasPrefix(k, "f:") {
		kind = MatchFactCheck
	}
	id, _ := strconv.ParseInt(k[2:], 10, 64)
	return kind, id
}

func factCheckDoc(fc models.FactCheck) match.Doc {
	d := match.Doc{Key: matchKey(MatchFactCheck, fc.ID), Claim: fc.ClaimReviewed, Title: fc.Headline, Description: fc.Excerpt}
	if fc.DatePublished != nil {
		d.Date = *fc.DatePublished
	}
	return d
}

// matchClaimRow is what the index reads of a claim.
type matchClaimRow struct {
	ID          int64
	Summary     string
	Quote       string
	Explanation string
	ClaimedAt   *time.Time
	UpdatedAt   time.Time
}

const matchClaimColumns = "id, summary, quote, explanation, claimed_at, updated_at"

// doc is the claim as the index sees it: its summary (else its quote) as
// the claim, its quote as the title when it has a summary, its explanation
// as the description; dated when it was made, else when last changed.
func (c matchClaimRow) doc() match.Doc {
	d := match.Doc{Key: matchKey(MatchClaim, c.ID), Claim: c.Summary, Title: c.Quote, Description: c.Explanation, Date: c.UpdatedAt}
	if strings.TrimSpace(c.Summary) == "" {
		d.Claim, d.Title = c.Quote, ""
	}
	if c.ClaimedAt != nil {
		d.Date = *c.ClaimedAt
	}
	return d
}

// Match syncs the index and returns the best limit matches for q, best
// first, with what pages show of each.
func (m *Matcher) Match(ctx context.Context, q match.Query, limit int) ([]MatchItem, error) {
	out, err := m.MatchAll(ctx, []match.Query{q}, limit, 0)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// MatchAll matches several queries after one sync (the article scan),
// keeping for each the best limit results scoring at least minScore, and
// reads the details of every result in two queries.
func (m *Matcher) MatchAll(ctx context.Context, qs []match.Query, limit int, minScore float64) ([][]MatchItem, error) {
	if err := m.Sync(ctx); err != nil {
		return nil, err
	}
	results := make([][]match.Result, len(qs))
	// Queries are ranked in parallel (the index takes concurrent readers).
	workers := min(runtime.GOMAXPROCS(0), len(qs))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(qs); i += workers {
				results[i] = m.ix.Match(qs[i], limit)
			}
		}(w)
	}
	wg.Wait()
	fcIDs, claimIDs := map[int64]bool{}, map[int64]bool{}
	for i, rs := range results {
		kept := rs[:0]
		for _, r := range rs {
			if r.Score < minScore {
				break
			}
			kept = append(kept, r)
			switch kind, id := parseMatchKey(r.Key); kind {
			case MatchFactCheck:
				fcIDs[id] = true
			default:
				claimIDs[id] = true
			}
		}
		results[i] = kept
	}
	details, err := m.details(ctx, keys(fcIDs), keys(claimIDs))
	if err != nil {
		return nil, err
	}
	out := make([][]MatchItem, len(qs))
	for i, rs := range results {
		out[i] = []MatchItem{}
		for _, r := range rs {
			it, ok := details[r.Key]
			if !ok {
				continue // deleted since the index last synced
			}
			it.Score = r.Score
			out[i] = append(out[i], it)
		}
	}
	return out, nil
}

// details reads what is shown of matched fact-checks and claims, by key.
func (m *Matcher) details(ctx context.Context, fcIDs, claimIDs []int64) (map[string]MatchItem, error) {
	out := map[string]MatchItem{}
	if len(fcIDs) > 0 {
		fcs, err := m.st.FactChecksByID(ctx, fcIDs)
		if err != nil {
			return nil, err
		}
		for _, fc := range fcs {
			out[matchKey(MatchFactCheck, fc.ID)] = MatchItem{Kind: MatchFactCheck, ID: fc.ID, Text: fc.ClaimReviewed, Rating: fc.Rating(),
				URL: fc.URL, Publisher: fc.PublisherName, Date: fc.DatePublished, Headline: fc.Headline, Explanation: fc.Excerpt}
		}
	}
	if len(claimIDs) > 0 {
		var rows []matchedClaimRow
		for start := 0; start < len(claimIDs); start += upsertChunk {
			var part []matchedClaimRow
			err := m.st.conn(ctx).Table("claims").
				Select("claims.id, claims.article_id, claims.summary, claims.quote, claims.explanation, claims.state, claims.claimed_at, claims.updated_at, verdicts.label").
				Joins("LEFT JOIN verdicts ON verdicts.id = claims.verdict_id").
				Where("claims.id IN ? AND claims.deleted_at IS NULL", claimIDs[start:min(start+upsertChunk, len(claimIDs))]).Find(&part).Error
			if err != nil {
				return nil, fmt.Errorf("store: matched claims: %w", err)
			}
			rows = append(rows, part...)
		}
		for _, r := range rows {
			it := MatchItem{Kind: MatchClaim, ID: r.ID, ArticleID: r.ArticleID, Text: r.Summary, State: r.State, Explanation: r.Explanation, Date: &r.UpdatedAt}
			if strings.TrimSpace(it.Text) == "" {
				it.Text = r.Quote
			}
			if r.ClaimedAt != nil {
				it.Date = r.ClaimedAt
			}
			if r.Label != nil {
				it.Rating = *r.Label
			}
			out[matchKey(MatchClaim, r.ID)] = it
		}
	}
	return out, nil
}

// matchedClaimRow is what is shown of a matched claim.
type matchedClaimRow struct {
	ID          int64
	ArticleID   int64
	Summary     string
	Quote       string
	Explanation string
	State       models.State
	ClaimedAt   *time.Time
	UpdatedAt   time.Time
	Label       *string
}

package store

import (
	"context"
	"fmt"

	"github.com/claimdesk/claimdesk/internal/models"
	"gorm.io/gorm"
)

// CountCap is where the counts that have no tally stop: a filtered board or
// a queue counts at most CountCap claims of each kind and says "1,000+"
// beyond, so a filter that matches half a million claims costs no more than
// one that matches a thousand.
const CountCap = 1000

// tallyCompactAt is how many change rows of claim_tallies a reader sums
// before it folds them back into one row per (state, verdict).
const tallyCompactAt = 256

// tally is the number of live claims in one state with one verdict (0: none).
type tally struct {
	State     models.State
	VerdictID int64
	N         int
}

// claimTallies reads the live-claim counts kept by the claim_tallies
// triggers (migration 0007): one grouped read of a table that holds a few
// rows per (state, verdict), whatever the number of claims.
func (s *Store) claimTallies(ctx context.Context) ([]tally, error) {
	var rows []struct {
		State     models.State
		VerdictID int64
		N         int
		Changes   int
	}
	if err := s.conn(ctx).Raw("SELECT state, verdict_id, sum(n) AS n, count(*) AS changes FROM claim_tallies GROUP BY state, verdict_id").
		Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: claim tallies: %w", err)
	}
	out := make([]tally, 0, len(rows))
	changes := 0
	for _, r := range rows {
		changes += r.Changes
		if r.N != 0 {
			out = append(out, tally{State: r.State, VerdictID: r.VerdictID, N: r.N})
		}
	}
	if changes > tallyCompactAt+len(rows) {
		// The counts above are right either way; a compaction that fails
		// (a writer holding the database past the busy timeout) is tried
		// again by the next reader.
		if err := s.CompactTallies(ctx); err != nil {
			s.log.Warn("claim tallies not compacted", "err", err)
		}
	}
	return out, nil
}

// CompactTallies folds the change rows of claim_tallies into one row per
// (state, verdict). Readers call it when the rows pile up; bulk loads (seed,
// restore) call it at the end.
func (s *Store) CompactTallies(ctx context.Context) error {
	if err := s.tx(ctx, func(tx *gorm.DB) error { return s.dialect.compactTallies(tx) }); err != nil {
		return fmt.Errorf("store: compact tallies: %w", err)
	}
	return nil
}

// cappedCount counts the rows of q (on db's connection), stopping at
// CountCap+1: it returns min(n, CountCap) and whether there were more.
func cappedCount(db, q *gorm.DB) (int, bool, error) {
	var n int64
	if err := db.Table("(?) AS capped", q.Select("1").Limit(CountCap+1)).Count(&n).Error; err != nil {
		return 0, false, err
	}
	if n > CountCap {
		return CountCap, true, nil
	}
	return int(n), false, nil
}

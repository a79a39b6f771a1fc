package store

import (
	"context"
	"fmt"

	"github.com/claimdesk/claimdesk/internal/models"
)

// TalliesForTest returns the live claims by "state/verdict id" as the
// tallies hold them and as counted from the claims table, and the number of
// change rows in claim_tallies before the read (which may compact them).
func TalliesForTest(s *Store, ctx context.Context) (tallied, counted map[string]int, rows int, err error) {
	var n int64
	if err := s.conn(ctx).Table("claim_tallies").Count(&n).Error; err != nil {
		return nil, nil, 0, err
	}
	ts, err := s.claimTallies(ctx)
	if err != nil {
		return nil, nil, 0, err
	}
	tallied, counted = map[string]int{}, map[string]int{}
	for _, t := range ts {
		tallied[fmt.Sprintf("%s/%d", t.State, t.VerdictID)] = t.N
	}
	var exact []tally
	if err := s.conn(ctx).Raw(`SELECT state, coalesce(verdict_id, 0) AS verdict_id, count(*) AS n FROM claims WHERE deleted_at IS NULL GROUP BY state, coalesce(verdict_id, 0)`).Scan(&exact).Error; err != nil {
		return nil, nil, 0, err
	}
	for _, t := range exact {
		counted[fmt.Sprintf("%s/%d", t.State, t.VerdictID)] = t.N
	}
	return tallied, counted, int(n), nil
}

// BoardCountsExactForTest counts, without a cap or the tallies, the live
// claims by state that match f's filters other than the state.
func BoardCountsExactForTest(s *Store, ctx context.Context, f BoardFilter) (map[models.State]int, error) {
	w, err := s.resolveBoard(ctx, f)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		State models.State
		N     int
	}
	if err := boardQuery(s.conn(ctx), w, false).Select("claims.state AS state, count(*) AS n").Group("claims.state").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := map[models.State]int{}
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out, nil
}

// FillNameKeysForTest runs the Go steps of migrations 0011 and 0013 again.
func FillNameKeysForTest(s *Store, ctx context.Context) error {
	if err := fillNameKeys(s.conn(ctx)); err != nil {
		return err
	}
	return fillClaimantSearchKeys(s.conn(ctx))
}

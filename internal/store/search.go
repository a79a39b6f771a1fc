package store

import (
	"context"
	"fmt"

	"github.com/claimdesk/claimdesk/internal/models"
)

// MaxSearchRunes is the longest search the board and the library take.
const MaxSearchRunes = 200

// searchBoard is the board with a search: the claims matching the words
// and every filter, best match first (ties newest first), ranked among the
// newest searchCandidates matches. Counts by state come from the same
// search without the state filter, capped at CountCap in all.
func (s *Store) searchBoard(ctx context.Context, w boardWhere, p BoardPage) (BoardPage, error) {
	cand, _ := s.dialect.claimSearch(boardQuery(s.conn(ctx), w, true), w.q, searchCandidates)
	var ranked []struct {
		ID    int64
		Score float64
	}
	if err := s.conn(ctx).Table("(?) AS m", cand).Select("m.id, m.score").Order("m.score DESC, m.id DESC").
		Offset((p.Page - 1) * p.PerPage).Limit(p.PerPage + 1).Scan(&ranked).Error; err != nil {
		return p, fmt.Errorf("store: search claims: %w", err)
	}
	if len(ranked) > p.PerPage {
		p.HasNext, ranked = true, ranked[:p.PerPage]
	}
	ids := make([]int64, len(ranked))
	for i, r := range ranked {
		ids[i] = r.ID
	}
	var cs []models.Claim
	if len(ids) > 0 {
		if err := s.conn(ctx).Where("id IN ?", ids).Find(&cs).Error; err != nil {
			return p, fmt.Errorf("store: search claims: %w", err)
		}
	}
	byID := make(map[int64]models.Claim, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
	}
	inOrder := make([]models.Claim, 0, len(ids))
	for _, id := range ids {
		if c, ok := byID[id]; ok {
			inOrder = append(inOrder, c)
		}
	}
	var err error
	if p.Items, err = s.details(ctx, inOrder); err != nil {
		return p, err
	}
	// Counts by state: the first CountCap+1 matches of every filter but the state.
	counted, _ := s.dialect.claimSearch(boardQuery(s.conn(ctx), w, false), w.q, CountCap+1)
	var states []struct {
		State models.State
		N     int
	}
	if err := s.conn(ctx).Table("(?) AS m", counted).Select("claims.state, count(*) AS n").
		Joins("JOIN claims ON claims.id = m.id").Group("claims.state").Scan(&states).Error; err != nil {
		return p, fmt.Errorf("store: search counts: %w", err)
	}
	total := 0
	for _, st := range states {
		p.Counts[st.State] = st.N
		total += st.N
	}
	capped := total > CountCap
	p.AtLeast = map[models.State]bool{}
	for _, st := range states {
		p.AtLeast[st.State] = capped
	}
	for st, n := range p.Counts {
		if w.state == "" || w.state == st {
			p.Total += n
			p.TotalAtLeast = p.TotalAtLeast || capped
		}
	}
	return p, nil
}

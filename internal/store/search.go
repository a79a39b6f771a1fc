package store

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

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
	var ids []int64
	if err := cand.Scan(&ids).Error; err != nil {
		return p, fmt.Errorf("store: search claims: %w", err)
	}
	var cs []models.Claim
	if len(ids) > 0 {
		if err := s.conn(ctx).Where("id IN ?", ids).Find(&cs).Error; err != nil {
			return p, fmt.Errorf("store: search claims: %w", err)
		}
	}
	names, err := s.claimantNames(ctx, cs)
	if err != nil {
		return p, err
	}
	cs = rankClaims(searchWords(w.q), cs, names)
	from := min((p.Page-1)*p.PerPage, len(cs))
	to := min(from+p.PerPage, len(cs))
	p.HasNext = to < len(cs)
	if p.Items, err = s.details(ctx, cs[from:to]); err != nil {
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

// claimantNames maps the claimant ids of cs to their names.
func (s *Store) claimantNames(ctx context.Context, cs []models.Claim) (map[int64]string, error) {
	var ids []int64
	for _, c := range cs {
		if c.ClaimantID != nil {
			ids = append(ids, *c.ClaimantID)
		}
	}
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []models.Claimant
	if err := s.conn(ctx).Select("id, name").Where("id IN ?", uniqueIDs(ids)).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: claimant names: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

// rankClaims orders search results best first, the same on both
// databases: for each query word, the fields holding a word it matches
// (models.SearchTerms), weighted (quote and summary 3, claimant 2,
// explanation, rationale and notes 1) with saturating counts, times the
// word's rarity among the results (a BM25-like idf over the candidates);
// ties newest first.
func rankClaims(words []string, cs []models.Claim, names map[int64]string) []models.Claim {
	type field struct {
		weight float64
		words  []string
	}
	terms := make([][]models.SearchTerm, len(words))
	for i, w := range words {
		terms[i] = models.SearchTerms(w)
	}
	split := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !models.IsWordRune(r) })
	}
	hits := make([][]float64, len(cs)) // per claim, per word: weighted saturated hits
	df := make([]int, len(words))
	for i, c := range cs {
		claimant := ""
		if c.ClaimantID != nil {
			claimant = names[*c.ClaimantID]
		}
		fields := []field{{3, split(c.Quote)}, {3, split(c.Summary)}, {2, split(claimant)},
			{1, split(c.Explanation)}, {1, split(c.Rationale)}, {1, split(c.Notes)}}
		hits[i] = make([]float64, len(words))
		for wi := range words {
			for _, f := range fields {
				n := 0
				for _, tok := range f.words {
					for _, t := range terms[wi] {
						if t.Matches(tok) {
							n++
							break
						}
					}
				}
				if n > 0 {
					hits[i][wi] += f.weight * float64(n) / (float64(n) + 1.2)
				}
			}
			if hits[i][wi] > 0 {
				df[wi]++
			}
		}
	}
	score := make(map[int64]float64, len(cs))
	for i, c := range cs {
		sc := 0.0
		for wi := range words {
			idf := math.Log(1 + (float64(len(cs)-df[wi])+0.5)/(float64(df[wi])+0.5))
			sc += idf * hits[i][wi]
		}
		score[c.ID] = sc
	}
	out := slices.Clone(cs)
	slices.SortFunc(out, func(a, b models.Claim) int {
		if sa, sb := score[a.ID], score[b.ID]; sa != sb {
			if sa > sb {
				return -1
			}
			return 1
		}
		if a.ID > b.ID {
			return -1
		}
		if a.ID < b.ID {
			return 1
		}
		return 0
	})
	return out
}

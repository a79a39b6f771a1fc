package match

// Scores are the ranking measures of the CLEF CheckThat! 2022 task 2A
// benchmark over a set of queries.
type Scores struct {
	Queries int
	MAP5    float64 // mean average precision over the first five
	MRR     float64 // mean reciprocal rank of the first relevant (over the whole list)
	P1      float64 // share of queries whose first result is relevant
}

// Measure scores ranked lists against the relevant keys of each query:
// ranked[i] is the system's list for query i, relevant[i] its judged keys.
func Measure(ranked, relevant [][]string) Scores {
	s := Scores{Queries: len(ranked)}
	if s.Queries == 0 {
		return s
	}
	for i, list := range ranked {
		rel := map[string]bool{}
		for _, k := range relevant[i] {
			rel[k] = true
		}
		first, hits, ap := -1, 0, 0.0
		for r, k := range list {
			if !rel[k] {
				continue
			}
			if first < 0 {
				first = r
			}
			if r < 5 {
				hits++
				ap += float64(hits) / float64(r+1)
			}
		}
		if first >= 0 {
			s.MRR += 1 / float64(first+1)
		}
		if first == 0 {
			s.P1++
		}
		if n := min(len(rel), 5); n > 0 {
			s.MAP5 += ap / float64(n)
		}
	}
	n := float64(s.Queries)
	s.MAP5 /= n
	s.MRR /= n
	s.P1 /= n
	return s
}

package match

import (
	"math"
	"sort"
	"strings"
	"unicode"
)

// Plain is the reference ranking of the claimmatch benchmark's README:
// Okapi BM25 (k1 = 1.2, b = 0.75) over claimReviewed + headline +
// description as one text, lower-cased ASCII word tokens and a short stop
// list, nothing else. The quality report prints it next to Index so that
// both are measured in the same run.
type Plain struct {
	keys     []string
	lens     []int
	postings map[string][]plainPosting
	total    int
}

type plainPosting struct {
	doc int
	tf  int
}

// NewPlain returns an empty plain BM25 ranking.
func NewPlain() *Plain { return &Plain{postings: map[string][]plainPosting{}} }

var plainStop = map[string]bool{}

func init() {
	for _, w := range strings.Fields("a an and are as at be by for from has have in is it its of on or that the this to was were will with") {
		plainStop[w] = true
	}
}

func plainTokens(s string) []string {
	fs := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r > unicode.MaxASCII || !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	out := fs[:0]
	for _, f := range fs {
		if !plainStop[f] {
			out = append(out, f)
		}
	}
	return out
}

// Add indexes one document.
func (p *Plain) Add(d Doc) {
	toks := plainTokens(d.Claim + " " + d.Title + " " + d.Description)
	id := len(p.keys)
	p.keys = append(p.keys, d.Key)
	p.lens = append(p.lens, len(toks))
	p.total += len(toks)
	tf := map[string]int{}
	for _, t := range toks {
		tf[t]++
	}
	for t, n := range tf {
		p.postings[t] = append(p.postings[t], plainPosting{id, n})
	}
}

// Match returns the keys of the best limit documents.
func (p *Plain) Match(text string, limit int) []string {
	n := len(p.keys)
	if n == 0 {
		return nil
	}
	avg := float64(p.total) / float64(n)
	score := map[int]float64{}
	seen := map[string]bool{}
	for _, t := range plainTokens(text) {
		if seen[t] {
			continue
		}
		seen[t] = true
		ps := p.postings[t]
		w := math.Log(1 + (float64(n)-float64(len(ps))+0.5)/(float64(len(ps))+0.5))
		for _, q := range ps {
			tf := float64(q.tf)
			score[q.doc] += w * tf * (k1 + 1) / (tf + k1*(1-b+b*float64(p.lens[q.doc])/avg))
		}
	}
	ids := make([]int, 0, len(score))
	for id := range score {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if score[ids[i]] != score[ids[j]] {
			return score[ids[i]] > score[ids[j]]
		}
		return p.keys[ids[i]] < p.keys[ids[j]]
	})
	if len(ids) > limit {
		ids = ids[:limit]
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = p.keys[id]
	}
	return out
}

package match

import (
	"math"
	"slices"
	"sort"
	"time"
)

// Result is one ranked document: its key and a score in 0–1, the
// re-ranker's estimate that the document checks the claim the text makes.
// Scores are comparable between queries: Threshold separates "suggest"
// from "show nothing".
type Result struct {
	Key   string
	Score float64
}

// Threshold is the score at and above which a match is suggested to a
// person (the mark dialog, the article scan). Chosen on dev: see
// docs/matching.md.
const Threshold = 0.5

// depth is how many BM25 candidates the re-ranker sees.
const depth = 100

// MaxQueryRunes bounds the text one query may carry; the API refuses more.
const MaxQueryRunes = 10000

// Query is what to match: a text and, when known, the date it was said or
// posted (an article's publication date). A text that ends with a
// social-media signature line ("— Name (@handle) January 14, 2020") gives
// its own date when Date is zero.
type Query struct {
	Text string
	Date time.Time
}

// Match ranks the index's documents against the query and returns the best
// limit, best first, each with its score. Ties break on the key, so the
// order is the same on every instance and database.
func (ix *Index) Match(q Query, limit int) []Result {
	if limit <= 0 {
		return nil
	}
	text, date := SplitPostDate(truncateRunes(q.Text, MaxQueryRunes))
	if !q.Date.IsZero() {
		date = q.Date
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	cs := ix.rerank(text, days(date))
	if len(cs) > limit {
		cs = cs[:limit]
	}
	out := make([]Result, len(cs))
	for i, c := range cs {
		out[i] = Result{Key: ix.docs[c.doc].key, Score: c.prob}
	}
	return out
}

type ranked struct {
	doc  int32
	x    features
	prob float64
}

// rerank retrieves candidates for the query terms and orders them by the
// logistic model's probability.
func (ix *Index) rerank(text string, date int32) []ranked {
	qts, seq, unknown := ix.lookup(Terms(text))
	cands := ix.retrieve(qts, depth)
	if len(cands) == 0 {
		return nil
	}
	fs := ix.features(qts, seq, unknown, grams(text), date, cands)
	out := make([]ranked, len(cands))
	for i, c := range cands {
		out[i] = ranked{doc: c.doc, x: fs[i], prob: sigmoid(dot(weights, fs[i]))}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].prob != out[j].prob {
			return out[i].prob > out[j].prob
		}
		return ix.docs[out[i].doc].key < ix.docs[out[j].doc].key
	})
	return out
}

// features describe how well one candidate matches the query, each
// normalised so that it means the same for a short query and a long one.
type features [nFeatures]float64

const (
	featBias      = iota
	featClaimBM25 // claim field BM25 / the query's ideal score
	featTitleBM25
	featDescBM25
	featQueryCover  // share of the query's idf mass found in claim or title
	featClaimCover  // share of the claim's idf mass found in the query
	featTitleCover  // share of the title's idf mass found in the query
	featBigrams     // share of the claim's and title's term bigrams found in the query
	featQueryLength // log of distinct query terms
	featDateKnown   // both the query's and the document's dates are known
	featDateNear    // the document is dated from a day before to a week after the query
	featDateSoon    // … one week to two months after
	featDateBefore  // … log of the days before, when more than one
	featDateLater   // … log of the days after, when more than two months
	featGramsDoc    // share of the claim's and title's character 4-grams found in the query
	featGramsQuery  // share of the query's character 4-grams found in the claim and title
	featBothCover   // the lesser of the query's cover and the claim's (or title's): both say the same
	nFeatures
)

// weights of the logistic re-ranker, fitted on train (see fit_test.go and
// docs/matching.md). Order as the feat constants.
var weights = features{-8.8588, 1.1953, -0.1864, 2.1294, 3.6659, 4.4265, 4.9731, -2.7469, 0.0241, -0.5751, 3.4147, 1.0965, -3.3304, -0.9623, 1.2001, 3.0376, 4.3186}

func (ix *Index) features(qts []queryTerm, seq []uint32, unknown int, qgrams []uint32, date int32, cands []candidate) []features {
	N := ix.live
	qidf := map[uint32]float64{}
	var qmass float64
	for _, q := range qts {
		w := idf(N, int(ix.dfAny[q.id]))
		qidf[q.id] = w
		qmass += w
	}
	// Words the index has never seen are in no document: they count fully
	// against every candidate.
	qmass += float64(unknown) * idf(N, 0)
	ideal := qmass * (k1 + 1) / (1 + k1)
	if ideal == 0 {
		ideal = 1
	}
	qbigrams := map[[2]uint32]bool{}
	for i := 1; i < len(seq); i++ {
		if seq[i-1] != unknownTerm && seq[i] != unknownTerm {
			qbigrams[[2]uint32{seq[i-1], seq[i]}] = true
		}
	}
	// Each query term's idf is counted once per candidate (counted holds
	// the candidate's number); documents' terms' idf is cached per query.
	counted := make(map[uint32]int, len(qts))
	idfs := map[uint32]float64{}
	termIDF := func(t uint32) float64 {
		w, ok := idfs[t]
		if !ok {
			w = idf(N, int(ix.dfAny[t]))
			idfs[t] = w
		}
		return w
	}
	out := make([]features, len(cands))
	for i, c := range cands {
		d := &ix.docs[c.doc]
		var x features
		x[featBias] = 1
		x[featClaimBM25] = c.bm25[fieldClaim] / ideal
		x[featTitleBM25] = c.bm25[fieldTitle] / ideal
		x[featDescBM25] = c.bm25[fieldDesc] / ideal
		var found float64
		for _, f := range []int{fieldClaim, fieldTitle} {
			for _, t := range d.terms[f] {
				if w, ok := qidf[t]; ok && counted[t] != i+1 {
					counted[t] = i + 1
					found += w
				}
			}
		}
		if qmass > 0 {
			x[featQueryCover] = found / qmass
		}
		x[featClaimCover] = cover(d.terms[fieldClaim], qidf, termIDF)
		x[featTitleCover] = cover(d.terms[fieldTitle], qidf, termIDF)
		x[featBigrams] = bigramShare(d, qbigrams)
		x[featBothCover] = math.Min(x[featQueryCover], math.Max(x[featClaimCover], x[featTitleCover]))
		x[featQueryLength] = math.Log(1 + float64(len(qts)+unknown))
		if n := overlap(qgrams, d.grams); n > 0 {
			x[featGramsDoc] = float64(n) / float64(len(d.grams))
			x[featGramsQuery] = float64(n) / float64(len(qgrams))
		}
		if date != 0 && d.date != 0 {
			x[featDateKnown] = 1
			switch delta := d.date - date; {
			case delta >= -1 && delta <= 7:
				x[featDateNear] = 1
			case delta > 7 && delta <= 60:
				x[featDateSoon] = 1
			case delta < -1:
				x[featDateBefore] = math.Log(float64(-delta)) / 8
			default:
				x[featDateLater] = math.Log(float64(delta)) / 8
			}
		}
		out[i] = x
	}
	return out
}

// cover is the share of a field's distinct idf mass whose terms are in the
// query.
func cover(terms []uint32, qidf map[uint32]float64, termIDF func(uint32) float64) float64 {
	var all, found float64
	for i, t := range terms {
		if slices.Contains(terms[:i], t) {
			continue
		}
		w := termIDF(t)
		all += w
		if _, ok := qidf[t]; ok {
			found += w
		}
	}
	if all == 0 {
		return 0
	}
	return found / all
}

func bigramShare(d *doc, q map[[2]uint32]bool) float64 {
	if len(q) == 0 {
		return 0
	}
	var n, hit int
	for _, f := range []int{fieldClaim, fieldTitle} {
		ts := d.terms[f]
		for i := 1; i < len(ts); i++ {
			n++
			if q[[2]uint32{ts[i-1], ts[i]}] {
				hit++
			}
		}
	}
	if n == 0 {
		return 0
	}
	return float64(hit) / float64(n)
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

func dot(w, x features) float64 {
	var s float64
	for i := range w {
		s += w[i] * x[i]
	}
	return s
}

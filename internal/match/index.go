package match

import (
	"math"
	"sort"
	"sync"
	"time"
)

// Doc is one matchable item: a fact-check from the library or one of our
// own claims. Key is the caller's identity for it ("f:12", "c:7").
type Doc struct {
	Key         string
	Claim       string    // a fact-check's claimReviewed; our claim's summary or quote
	Title       string    // a fact-check's headline; our claim's quote when it has a summary
	Description string    // a fact-check's description; our claim's explanation
	Date        time.Time // a fact-check's datePublished; our claim's publication (zero when unknown)
}

// The fields of a document, each with its own BM25 statistics.
const (
	fieldClaim = iota
	fieldTitle
	fieldDesc
	nFields
)

// Index is an in-memory inverted index over documents. It is safe for
// concurrent use: Match takes a read lock, Add and Remove a write lock.
type Index struct {
	mu       sync.RWMutex
	vocab    map[string]uint32
	postings [][]posting // by term id
	df       [][nFields]int32
	dfAny    []int32 // documents with the term in any field
	docs     []doc   // by slot; removed docs stay as tombstones until compaction
	slot     map[string]int32
	live     int
	dead     int
	totalLen [nFields]int64
	scratch  sync.Pool
}

type posting struct {
	doc int32
	tf  [nFields]uint16
}

type doc struct {
	key   string
	alive bool
	date  int32 // days since 1970; 0 unknown
	len   [nFields]int32
	terms [nFields][]uint32 // term ids in order, for phrase and coverage features
	grams []uint32          // character 4-grams of claim and title
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{vocab: map[string]uint32{}, slot: map[string]int32{}}
}

// Len is the number of documents in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.live
}

// Add puts d in the index, replacing any document with the same key.
func (ix *Index) Add(d Doc) {
	fields := [nFields][]string{Terms(d.Claim), Terms(d.Title), Terms(d.Description)}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.removeLocked(d.Key)
	id := int32(len(ix.docs))
	nd := doc{key: d.Key, alive: true, date: days(d.Date), grams: grams(d.Claim + " " + d.Title)}
	tf := map[uint32]*[nFields]uint16{}
	var order []uint32
	for f, terms := range fields {
		nd.len[f] = int32(len(terms))
		ix.totalLen[f] += int64(len(terms))
		ids := make([]uint32, len(terms))
		for i, t := range terms {
			tid, ok := ix.vocab[t]
			if !ok {
				tid = uint32(len(ix.postings))
				ix.vocab[t] = tid
				ix.postings = append(ix.postings, nil)
				ix.df = append(ix.df, [nFields]int32{})
				ix.dfAny = append(ix.dfAny, 0)
			}
			ids[i] = tid
			c := tf[tid]
			if c == nil {
				c = &[nFields]uint16{}
				tf[tid] = c
				order = append(order, tid)
			}
			if c[f] < math.MaxUint16 {
				c[f]++
			}
		}
		nd.terms[f] = ids
	}
	for _, tid := range order {
		c := tf[tid]
		ix.postings[tid] = append(ix.postings[tid], posting{doc: id, tf: *c})
		ix.dfAny[tid]++
		for f := 0; f < nFields; f++ {
			if c[f] > 0 {
				ix.df[tid][f]++
			}
		}
	}
	ix.docs = append(ix.docs, nd)
	ix.slot[d.Key] = id
	ix.live++
}

// Remove takes the document with this key out of the index, if present.
func (ix *Index) Remove(key string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.removeLocked(key)
	if ix.dead > 1024 && ix.dead > ix.live {
		ix.compactLocked()
	}
}

func (ix *Index) removeLocked(key string) {
	id, ok := ix.slot[key]
	if !ok {
		return
	}
	d := &ix.docs[id]
	seen := map[uint32][nFields]bool{}
	for f := 0; f < nFields; f++ {
		ix.totalLen[f] -= int64(d.len[f])
		for _, t := range d.terms[f] {
			s := seen[t]
			if !s[f] {
				s[f] = true
				seen[t] = s
				ix.df[t][f]--
			}
		}
	}
	for t := range seen {
		ix.dfAny[t]--
	}
	d.alive = false
	d.terms = [nFields][]uint32{}
	d.grams = nil
	delete(ix.slot, key)
	ix.live--
	ix.dead++
}

// compactLocked drops tombstones from the postings and renumbers slots.
func (ix *Index) compactLocked() {
	remap := make([]int32, len(ix.docs))
	var docs []doc
	for i, d := range ix.docs {
		if !d.alive {
			remap[i] = -1
			continue
		}
		remap[i] = int32(len(docs))
		ix.slot[d.key] = int32(len(docs))
		docs = append(docs, d)
	}
	for t, ps := range ix.postings {
		kept := ps[:0]
		for _, p := range ps {
			if n := remap[p.doc]; n >= 0 {
				p.doc = n
				kept = append(kept, p)
			}
		}
		ix.postings[t] = kept
	}
	ix.docs = docs
	ix.dead = 0
}

// BM25 parameters and the weights that combine the fields' scores into the
// retrieval score; fitted on train and dev (docs/matching.md).
const (
	k1 = 1.2
	b  = 0.75
)

var fieldWeight = [nFields]float64{1.0, 0.5, 0.35}

// candidate is a document retrieved for a query, with its features.
type candidate struct {
	doc   int32
	bm25  [nFields]float64
	score float64 // combined retrieval score
}

// idf is BM25's inverse document frequency, never negative.
func idf(n, df int) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// queryTerm is a distinct query term known to the index.
type queryTerm struct {
	id  uint32
	qtf int
}

// unknownTerm stands for a query term the index does not know, in the
// ordered sequence used for bigrams.
const unknownTerm = math.MaxUint32

// lookup maps query terms to the index's term ids, merging repeats, and
// returns the query's term ids in order (unknownTerm where unknown) and the
// number of distinct terms the index does not know.
func (ix *Index) lookup(terms []string) ([]queryTerm, []uint32, int) {
	var out []queryTerm
	seq := make([]uint32, len(terms))
	pos := map[uint32]int{}
	unknown := map[string]bool{}
	for i, t := range terms {
		id, ok := ix.vocab[t]
		if !ok || ix.dfAny[id] == 0 {
			seq[i] = unknownTerm
			unknown[t] = true
			continue
		}
		seq[i] = id
		if i, ok := pos[id]; ok {
			out[i].qtf++
			continue
		}
		pos[id] = len(out)
		out = append(out, queryTerm{id: id, qtf: 1})
	}
	return out, seq, len(unknown)
}

// accumulators are retrieve's per-document scratch space, reused between
// queries: a dense array over the index's slots and the slots touched.
type accumulators struct {
	bm25    [][nFields]float64
	touched []int32
}

// retrieve scores every document sharing a term with the query and returns
// the best n by combined BM25, ties broken by key.
func (ix *Index) retrieve(qts []queryTerm, n int) []candidate {
	N := ix.live
	if N == 0 || len(qts) == 0 {
		return nil
	}
	var avg [nFields]float64
	for f := 0; f < nFields; f++ {
		avg[f] = math.Max(1, float64(ix.totalLen[f])/float64(N))
	}
	acc, _ := ix.scratch.Get().(*accumulators)
	if acc == nil || len(acc.bm25) < len(ix.docs) {
		acc = &accumulators{bm25: make([][nFields]float64, len(ix.docs)+len(ix.docs)/4)}
	}
	defer func() {
		for _, d := range acc.touched {
			acc.bm25[d] = [nFields]float64{}
		}
		acc.touched = acc.touched[:0]
		ix.scratch.Put(acc)
	}()
	for _, q := range qts {
		var fidf [nFields]float64
		for f := 0; f < nFields; f++ {
			fidf[f] = idf(N, int(ix.df[q.id][f]))
		}
		for _, p := range ix.postings[q.id] {
			d := &ix.docs[p.doc]
			if !d.alive {
				continue
			}
			a := &acc.bm25[p.doc]
			if *a == ([nFields]float64{}) {
				acc.touched = append(acc.touched, p.doc)
			}
			for f := 0; f < nFields; f++ {
				if p.tf[f] == 0 {
					continue
				}
				tf := float64(p.tf[f])
				norm := k1 * (1 - b + b*float64(d.len[f])/avg[f])
				a[f] += fidf[f] * tf * (k1 + 1) / (tf + norm)
			}
		}
	}
	// Keep the best n in a min-heap: the worst kept is at the root.
	better := func(x, y *candidate) bool {
		if x.score != y.score {
			return x.score > y.score
		}
		return ix.docs[x.doc].key < ix.docs[y.doc].key
	}
	heap := make([]candidate, 0, n)
	for _, d := range acc.touched {
		c := candidate{doc: d, bm25: acc.bm25[d]}
		for f := 0; f < nFields; f++ {
			c.score += fieldWeight[f] * c.bm25[f]
		}
		if c.score == 0 {
			continue
		}
		if len(heap) < n {
			heap = append(heap, c)
			for i := len(heap) - 1; i > 0; {
				parent := (i - 1) / 2
				if !better(&heap[parent], &heap[i]) {
					break
				}
				heap[parent], heap[i] = heap[i], heap[parent]
				i = parent
			}
			continue
		}
		if !better(&c, &heap[0]) {
			continue
		}
		heap[0] = c
		for i := 0; ; {
			l, r, worst := 2*i+1, 2*i+2, i
			if l < len(heap) && better(&heap[worst], &heap[l]) {
				worst = l
			}
			if r < len(heap) && better(&heap[worst], &heap[r]) {
				worst = r
			}
			if worst == i {
				break
			}
			heap[i], heap[worst] = heap[worst], heap[i]
			i = worst
		}
	}
	sort.Slice(heap, func(i, j int) bool { return better(&heap[i], &heap[j]) })
	return heap
}

package match

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The development harness: it loads ../shared/claimmatch directly (the
// product's quality report, which goes through the real import, is
// BenchmarkMatchQuality in internal/handlers), compares the rankings on
// train and dev, and with MATCH_FIT=1 fits the re-ranker's weights on train
// and prints them. devtest is never used here.

type post struct {
	ID       string   `json:"id"`
	Text     string   `json:"text"`
	Relevant []string `json:"relevant"`
}

func claimmatchDir(tb testing.TB) string {
	tb.Helper()
	if d := os.Getenv("CLAIMDESK_CLAIMMATCH"); d != "" {
		return d
	}
	d, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "claimmatch"))
	if _, err := os.Stat(filepath.Join(d, "factchecks.jsonl")); err != nil {
		tb.Skipf("claimmatch data absent (%s): skipping", d)
	}
	return d
}

func readLines[T any](tb testing.TB, path string) []T {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			tb.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

type rawFactcheck struct {
	URL         string `json:"url"`
	Claim       string `json:"claimReviewed"`
	Headline    string `json:"headline"`
	Description string `json:"description"`
	Date        string `json:"datePublished"`
}

var library = map[string]Doc{}

func loadLibrary(tb testing.TB) (*Index, *Plain) {
	dir := claimmatchDir(tb)
	ix, pl := NewIndex(), NewPlain()
	for _, f := range readLines[rawFactcheck](tb, filepath.Join(dir, "factchecks.jsonl")) {
		d := Doc{Key: f.URL, Claim: f.Claim, Title: f.Headline, Description: f.Description}
		if len(f.Date) >= 10 {
			d.Date, _ = time.Parse("2006-01-02", f.Date[:10])
		}
		ix.Add(d)
		pl.Add(d)
		library[d.Key] = d
	}
	return ix, pl
}

func evaluate(ix *Index, posts []post, rank func(ix *Index, text string) []string) Scores {
	var ranked, rel [][]string
	for _, p := range posts {
		ranked = append(ranked, rank(ix, p.Text))
		rel = append(rel, p.Relevant)
	}
	return Measure(ranked, rel)
}

func rankBM25(ix *Index, text string) []string {
	body, _ := SplitPostDate(text)
	qts, _, _ := ix.lookup(Terms(body))
	var out []string
	for _, c := range ix.retrieve(qts, 20) {
		out = append(out, ix.docs[c.doc].key)
	}
	return out
}

func rankFull(ix *Index, text string) []string {
	var out []string
	for _, r := range ix.Match(Query{Text: text}, 20) {
		out = append(out, r.Key)
	}
	return out
}

func TestDevelopQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("quality harness: not in -short")
	}
	dir := claimmatchDir(t)
	ix, pl := loadLibrary(t)
	splits := map[string][]post{}
	for _, s := range []string{"train", "dev"} {
		splits[s] = readLines[post](t, filepath.Join(dir, s+".jsonl"))
	}
	if os.Getenv("MATCH_FIT") != "" {
		w := fit(ix, splits["train"])
		weights = w
		fmt.Printf("var weights = features{")
		for i, v := range w {
			if i > 0 {
				fmt.Printf(", ")
			}
			fmt.Printf("%.4f", v)
		}
		fmt.Printf("}\n")
	}
	for _, s := range []string{"train", "dev"} {
		ps := splits[s]
		plain := evaluate(ix, ps, func(_ *Index, text string) []string { return pl.Match(text, 20) })
		bm := evaluate(ix, ps, rankBM25)
		full := evaluate(ix, ps, rankFull)
		nodate := evaluate(ix, ps, func(ix *Index, text string) []string {
			body, _ := SplitPostDate(text)
			var out []string
			ix.mu.RLock()
			defer ix.mu.RUnlock()
			for _, r := range ix.rerank(body, 0) {
				out = append(out, ix.docs[r.doc].key)
			}
			return out
		})
		fmt.Printf("%-6s without the post's date: MAP@5 %.3f P@1 %.3f\n", s, nodate.MAP5, nodate.P1)
		fmt.Printf("%-6s plain MAP@5 %.3f P@1 %.3f | bm25f MAP@5 %.3f P@1 %.3f | rerank MAP@5 %.3f MRR %.3f P@1 %.3f\n",
			s, plain.MAP5, plain.P1, bm.MAP5, bm.P1, full.MAP5, full.MRR, full.P1)
	}
	if os.Getenv("MATCH_THRESH") != "" {
		thresholds(ix, splits["dev"])
		newsSentences(t, ix)
	}
}

// thresholds prints, for candidate thresholds, how often the top result
// above it is relevant (precision of a suggestion) and how many posts get
// a suggestion whose match is right (recall).
func thresholds(ix *Index, posts []post) {
	type top struct {
		score float64
		right bool
	}
	var tops []top
	for _, p := range posts {
		rs := ix.Match(Query{Text: p.Text}, 1)
		if len(rs) == 0 {
			continue
		}
		right := false
		for _, k := range p.Relevant {
			right = right || k == rs[0].Key
		}
		tops = append(tops, top{rs[0].Score, right})
	}
	// The same posts with their fact-checks taken out of the library: every
	// suggestion is then wrong (what the scan meets in most sentences).
	var unanswered []float64
	for _, p := range posts {
		for _, k := range p.Relevant {
			ix.Remove(k)
		}
		if rs := ix.Match(Query{Text: p.Text}, 1); len(rs) > 0 {
			unanswered = append(unanswered, rs[0].Score)
		}
		for _, k := range p.Relevant {
			if d, ok := library[k]; ok {
				ix.Add(d)
			}
		}
	}
	for _, th := range []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9} {
		var shown, right, wrong int
		for _, tp := range tops {
			if tp.score >= th {
				shown++
				if tp.right {
					right++
				}
			}
		}
		for _, s := range unanswered {
			if s >= th {
				wrong++
			}
		}
		fmt.Printf("threshold %.1f: suggested %d/%d, right %d (precision %.3f, recall %.3f); without their fact-checks %d/%d suggested\n",
			th, shown, len(posts), right, float64(right)/math.Max(1, float64(shown)), float64(right)/float64(len(posts)), wrong, len(posts))
	}
}

// fit trains the logistic re-ranker on the candidates of posts: one example
// per (post, candidate), label 1 when the candidate is relevant. Plain
// batch gradient descent with a little L2, on features already in 0–1.
func fit(ix *Index, posts []post) features {
	type ex struct {
		x features
		y float64
	}
	var exs []ex
	for _, p := range posts {
		rel := map[string]bool{}
		for _, k := range p.Relevant {
			rel[k] = true
		}
		ix.mu.RLock()
		body, date := SplitPostDate(p.Text)
		qts, seq, unknown := ix.lookup(Terms(body))
		cands := ix.retrieve(qts, depth)
		var fs []features
		if len(cands) > 0 {
			if os.Getenv("MATCH_NODATE") != "" {
				date = time.Time{}
			}
			fs = ix.features(qts, seq, unknown, grams(body), days(date), cands)
		}
		for i, c := range cands {
			y := 0.0
			if rel[ix.docs[c.doc].key] {
				y = 1
			}
			exs = append(exs, ex{fs[i], y})
		}
		ix.mu.RUnlock()
	}
	// Newton's method (iteratively reweighted least squares) with a small
	// ridge, which converges in a few steps on a problem this size.
	var w features
	const l2 = 1e-5
	for it := 0; it < 25; it++ {
		var g features
		var h [nFeatures][nFeatures]float64
		for _, e := range exs {
			p := sigmoid(dot(w, e.x))
			for a := range g {
				g[a] += (p - e.y) * e.x[a]
				for c := range g {
					h[a][c] += p * (1 - p) * e.x[a] * e.x[c]
				}
			}
		}
		for a := range g {
			g[a] += l2 * float64(len(exs)) * w[a]
			h[a][a] += l2 * float64(len(exs))
		}
		step := solve(h, g)
		for a := range w {
			w[a] -= step[a]
		}
	}
	return w
}

// solve returns x with h·x = g by Gaussian elimination with pivoting.
func solve(h [nFeatures][nFeatures]float64, g features) features {
	n := nFeatures
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(h[r][c]) > math.Abs(h[p][c]) {
				p = r
			}
		}
		h[c], h[p] = h[p], h[c]
		g[c], g[p] = g[p], g[c]
		for r := c + 1; r < n; r++ {
			f := h[r][c] / h[c][c]
			for k := c; k < n; k++ {
				h[r][k] -= f * h[c][k]
			}
			g[r] -= f * g[c]
		}
	}
	var x features
	for r := n - 1; r >= 0; r-- {
		s := g[r]
		for k := r + 1; k < n; k++ {
			s -= h[r][k] * x[k]
		}
		x[r] = s / h[r][r]
	}
	return x
}

// newsSentences matches every sentence of the shared news corpus (real
// reporting, mostly not claims Snopes checked) and prints how many would be
// suggested at each threshold: the article scan's false alarms.
func newsSentences(t *testing.T, ix *Index) {
	dir := filepath.Join(claimmatchDir(t), "..", "corpus")
	var texts []string
	if b, err := os.ReadFile(filepath.Join(dir, "helsinki-summit.txt")); err == nil {
		texts = append(texts, string(b))
	}
	files, _ := filepath.Glob(filepath.Join(dir, "news-text", "*_txt.txt"))
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil {
			texts = append(texts, strings.ReplaceAll(string(b), "\n", " "))
		}
	}
	last := map[int]string{}
	for _, r := range readLines[struct {
		Story int    `json:"story"`
		HTML  string `json:"html"`
	}](t, filepath.Join(dir, "news-revisions.jsonl")) {
		last[r.Story] = regexp.MustCompile(`<[^>]*>`).ReplaceAllString(r.HTML, "\n")
	}
	for _, txt := range last {
		texts = append(texts, txt)
	}
	var scores []float64
	var top []string
	for _, txt := range texts {
		rs := []rune(txt)
		for _, sp := range Sentences(txt) {
			sent := string(rs[sp.Start:sp.End])
			if len(Terms(sent)) < 3 {
				continue
			}
			m := ix.Match(Query{Text: sent}, 1)
			if len(m) == 0 {
				scores = append(scores, 0)
				continue
			}
			scores = append(scores, m[0].Score)
			if m[0].Score >= 0.3 {
				top = append(top, fmt.Sprintf("%.2f %s => %s", m[0].Score, sent, library[m[0].Key].Claim))
			}
		}
	}
	for _, th := range []float64{0.2, 0.3, 0.4, 0.5, 0.6} {
		n := 0
		for _, s := range scores {
			if s >= th {
				n++
			}
		}
		fmt.Printf("news sentences at threshold %.1f: %d of %d suggested\n", th, n, len(scores))
	}
	for _, l := range top {
		fmt.Println("  ", l)
	}
}

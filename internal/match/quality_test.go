package match_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/claimdesk/claimdesk/internal/factcheck"
	"github.com/claimdesk/claimdesk/internal/match"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// BenchmarkMatchQuality is the matching quality report of make bench: the
// claimmatch library (../shared/claimmatch) is imported through the real
// import (package factcheck, in batches as the command line does) into a
// fresh database (PostgreSQL with TEST_DATABASE_URL), the store's Matcher
// ranks every dev and devtest post, and MAP@5, MRR and P@1 are printed next
// to plain BM25 (the data set's reference ranking) computed over the same
// imported fact-checks in the same run. One iteration ranks both splits.
func BenchmarkMatchQuality(b *testing.B) {
	dir := claimmatchData(b)
	qb := loadQualityBench(b, dir)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range qb.splits {
			for _, p := range s.posts {
				if _, err := qb.m.Match(context.Background(), match.Query{Text: p.Text}, 5); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.StopTimer()
	qb.report.Do(func() { qb.print(b) })
	for _, s := range qb.splits {
		sc := qb.measure(b, s, false)
		b.ReportMetric(sc.MAP5, "MAP@5-"+s.name)
	}
}

type post struct {
	ID       string   `json:"id"`
	Text     string   `json:"text"`
	Relevant []string `json:"relevant"`
}

type split struct {
	name  string
	posts []post
}

type qualityBench struct {
	st     *store.Store
	m      *store.Matcher
	plain  *match.Plain
	splits []split
	report sync.Once
}

var (
	qbOnce sync.Once
	qbKept *qualityBench
)

func claimmatchData(tb testing.TB) string {
	tb.Helper()
	if d := os.Getenv("CLAIMDESK_CLAIMMATCH"); d != "" {
		return d
	}
	d, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "claimmatch"))
	if _, err := os.Stat(filepath.Join(d, "factchecks.jsonl")); err != nil {
		tb.Skipf("claimmatch data absent (%s): skipping the matching quality report; set CLAIMDESK_CLAIMMATCH to run it", d)
	}
	return d
}

func loadQualityBench(b *testing.B, dir string) *qualityBench {
	b.Helper()
	// The benchmark function runs several times (b.N rising); the library
	// is imported once, into a database that lives for the whole run.
	qbOnce.Do(func() {
		qbKept = &qualityBench{}
		st := storetest.New(&onceTB{b})
		f, err := os.Open(filepath.Join(dir, "factchecks.jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		rep, err := factcheck.Import(context.Background(), st, store.Actor{Name: "bench"}, factcheck.NewReader(f, false), factcheck.Options{Batch: 2000, CountsOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		if rep.NFailed != 0 {
			b.Fatalf("import: %d failed: %+v", rep.NFailed, rep.Failed)
		}
		qbKept.st, qbKept.m, qbKept.plain = st, st.NewMatcher(), match.NewPlain()
		if err := qbKept.m.Sync(context.Background()); err != nil {
			b.Fatal(err)
		}
		for after := int64(0); ; {
			fcs, err := st.FactChecksAfter(context.Background(), after, 2000)
			if err != nil {
				b.Fatal(err)
			}
			for _, fc := range fcs {
				qbKept.plain.Add(match.Doc{Key: fc.URL, Claim: fc.ClaimReviewed, Title: fc.Headline, Description: fc.Excerpt})
			}
			if len(fcs) < 2000 {
				break
			}
			after = fcs[len(fcs)-1].ID
		}
		for _, name := range []string{"dev", "devtest"} {
			qbKept.splits = append(qbKept.splits, split{name, readPosts(b, filepath.Join(dir, name+".jsonl"))})
		}
	})
	if qbKept.m == nil {
		b.Fatal("the quality bench could not be set up")
	}
	return qbKept
}

// onceTB keeps the database of the first benchmark run open for the later
// runs: its cleanups run when the process ends, not between runs.
type onceTB struct{ *testing.B }

func (o *onceTB) Cleanup(func()) {}

func readPosts(tb testing.TB, path string) []post {
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []post
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var p post
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			tb.Fatal(err)
		}
		for i, u := range p.Relevant {
			if n, err := store.NormalizeURL(u); err == nil {
				p.Relevant[i] = n
			}
		}
		out = append(out, p)
	}
	return out
}

// measure ranks a split with the product's matcher (or, with noDate, with
// the post's trailing date taken out of its text) and scores it.
func (qb *qualityBench) measure(tb testing.TB, s split, noDate bool) match.Scores {
	var ranked, rel [][]string
	for _, p := range s.posts {
		text := p.Text
		if noDate {
			text, _ = match.SplitPostDate(text)
		}
		items, err := qb.m.Match(context.Background(), match.Query{Text: text}, 20)
		if err != nil {
			tb.Fatal(err)
		}
		var keys []string
		for _, it := range items {
			keys = append(keys, it.URL)
		}
		ranked, rel = append(ranked, keys), append(rel, p.Relevant)
	}
	return match.Measure(ranked, rel)
}

func (qb *qualityBench) print(tb testing.TB) {
	fmt.Printf("\nMatching quality: %d fact-checks imported through package factcheck into %s; Matcher.Match (store) against plain BM25\n", qb.m.Size(), qb.st.Dialect())
	fmt.Printf("%-8s %-7s %-34s %7s %7s %7s\n", "split", "posts", "ranking", "MAP@5", "MRR", "P@1")
	for _, s := range qb.splits {
		var ranked, rel [][]string
		for _, p := range s.posts {
			ranked, rel = append(ranked, qb.plain.Match(p.Text, 20)), append(rel, p.Relevant)
		}
		rows := []struct {
			name string
			sc   match.Scores
		}{
			{"plain BM25 (README reference)", match.Measure(ranked, rel)},
			{"claimdesk", qb.measure(tb, s, false)},
			{"claimdesk, post date ignored", qb.measure(tb, s, true)},
		}
		for _, r := range rows {
			fmt.Printf("%-8s %-7d %-34s %7.3f %7.3f %7.3f\n", s.name, r.sc.Queries, r.name, r.sc.MAP5, r.sc.MRR, r.sc.P1)
		}
	}
	fmt.Printf("suggestion threshold %.2f\n\n", match.Threshold)
}

// BenchmarkMatchLatency is one match through the store's Matcher (what
// POST /api/v1/match runs: the change-log check, the ranking, the details
// of the results) against the imported claimmatch library, the dev and
// devtest posts in turn; it reports the 50th and 99th percentiles.
func BenchmarkMatchLatency(b *testing.B) {
	qb := loadQualityBench(b, claimmatchData(b))
	var posts []post
	for _, s := range qb.splits {
		posts = append(posts, s.posts...)
	}
	lat := make([]time.Duration, 0, b.N)
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := qb.m.Match(context.Background(), match.Query{Text: posts[i%len(posts)].Text}, 10); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	reportPercentiles(b, lat, cpuTime()-cpu0)
}

// BenchmarkScanArticle is the article scan's work for a 5,000-word article
// made of real news text (../shared/corpus): cut into sentences, every
// sentence of five words or more matched in one MatchAll, details read.
func BenchmarkScanArticle(b *testing.B) {
	qb := loadQualityBench(b, claimmatchData(b))
	text := fiveThousandWords(b)
	date := time.Date(2018, 7, 16, 0, 0, 0, 0, time.UTC)
	rs := []rune(text)
	lat := make([]time.Duration, 0, b.N)
	var n int
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		var qs []match.Query
		for _, sp := range match.Sentences(text) {
			s := string(rs[sp.Start:sp.End])
			if len(match.Terms(s)) >= 5 {
				qs = append(qs, match.Query{Text: s, Date: date})
			}
		}
		if _, err := qb.m.MatchAll(context.Background(), qs, 1, match.Threshold); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		n = len(qs)
	}
	b.StopTimer()
	b.ReportMetric(float64(n), "sentences")
	reportPercentiles(b, lat, cpuTime()-cpu0)
}

// cpuTime is the process's user and system CPU time so far: on a shared
// machine wall-clock percentiles include waiting for a core, CPU time per
// operation does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportPercentiles(b *testing.B, lat []time.Duration, cpu time.Duration) {
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(len(lat)), "cpu-ms/op")
	slices.Sort(lat)
	at := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(lat)))) - 1
		return float64(lat[max(0, min(i, len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// fiveThousandWords joins the corpus's news texts until 5,000 words.
func fiveThousandWords(b *testing.B) string {
	dir := filepath.Join(claimmatchData(b), "..", "corpus")
	files, _ := filepath.Glob(filepath.Join(dir, "news-text", "*_txt.txt"))
	files = append([]string{filepath.Join(dir, "helsinki-summit.txt")}, files...)
	var words []string
	for len(words) < 5000 {
		before := len(words)
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			for _, para := range strings.Split(string(raw), "\n\n") {
				words = append(words, strings.Fields(para)...)
				words = append(words, "\n\n")
			}
		}
		if len(words) == before {
			b.Skip("no corpus text to make an article of")
		}
	}
	var sb strings.Builder
	n := 0
	for _, w := range words {
		if w == "\n\n" {
			sb.WriteString("\n\n")
			continue
		}
		if n == 5000 {
			break
		}
		if sb.Len() > 0 && !strings.HasSuffix(sb.String(), "\n") {
			sb.WriteByte(' ')
		}
		sb.WriteString(w)
		n++
	}
	return sb.String()
}

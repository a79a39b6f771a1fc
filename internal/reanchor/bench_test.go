package reanchor

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
)

// benchArticle generates a deterministic article of about n code points:
// wire-style sentences over a large generated vocabulary, so that the text
// is not artificially repetitive, in paragraphs of two to five sentences.
func benchArticle(r *rand.Rand, n int) string {
	syll := []string{"ba", "ri", "ton", "mel", "sa", "gor", "ve", "lin", "do", "cra", "po", "sten", "qui", "ar", "fe", "mo", "lu", "dre", "ka", "ith"}
	vocab := make([]string, 4000)
	for i := range vocab {
		var b strings.Builder
		for range 1 + r.IntN(3) {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		vocab[i] = b.String()
	}
	common := strings.Fields("the a of to in and said on for that was with by at from has is were would after")
	var b strings.Builder
	for b.Len() < n {
		for s := range 2 + r.IntN(4) {
			if s > 0 {
				b.WriteByte(' ')
			}
			words := 8 + r.IntN(20)
			for w := range words {
				var word string
				switch {
				case r.IntN(3) == 0:
					word = common[r.IntN(len(common))]
				case r.IntN(12) == 0:
					word = fmt.Sprintf("%d.%d%%", r.IntN(20), r.IntN(10))
				default:
					word = vocab[r.IntN(len(vocab))]
				}
				if w == 0 {
					word = strings.ToUpper(word[:1]) + word[1:]
				} else {
					b.WriteByte(' ')
				}
				b.WriteString(word)
				if w > 2 && w < words-2 && r.IntN(10) == 0 {
					b.WriteByte(',')
				}
			}
			b.WriteByte('.')
		}
		b.WriteString("\n\n")
	}
	return strings.TrimSpace(b.String())
}

// benchRevision picks claims in an article and revises it: a new lede, a
// deleted paragraph, a moved paragraph, and a word changed inside the
// given share of the claims (those need the candidate search).
func benchRevision(size, nClaims int, fuzzyShare float64) (old, nw string, claims []Claim) {
	r := rand.New(rand.NewPCG(uint64(size), uint64(nClaims)))
	old = benchArticle(r, size)
	or := []rune(old)
	// Claims: word-aligned spans of 20–120 code points, spread evenly.
	step := max(1, len(or)/nClaims)
	for i := 0; i < nClaims; i++ {
		s := i*step + r.IntN(max(1, step/2))
		for s < len(or) && s > 0 && or[s-1] != ' ' {
			s++
		}
		e := min(len(or), s+20+r.IntN(100))
		for e < len(or) && or[e] != ' ' && or[e] != '\n' {
			e++
		}
		for e > s && strings.ContainsRune(" \n.,", or[e-1]) {
			e--
		}
		if e <= s {
			continue
		}
		claims = append(claims, claimAt(or, int64(i+1), s, e))
	}
	// Edit a word inside the chosen share of claims, from the end so
	// that offsets stay valid.
	nr := slices.Clone(or)
	for i := len(claims) - 1; i >= 0; i-- {
		if float64(i%100) >= fuzzyShare*100 {
			continue
		}
		c := claims[i]
		mid := (c.Start + c.End) / 2
		for mid < c.End && nr[mid] != ' ' {
			mid++
		}
		if mid < c.End-1 {
			nr = slices.Insert(nr, mid+1, []rune("revised ")...)
		}
	}
	ps := strings.Split(string(nr), "\n\n")
	moved := ps[len(ps)/3]
	ps = slices.Delete(ps, len(ps)/3, len(ps)/3+1)
	ps = slices.Insert(ps, 2*len(ps)/3, moved)
	ps = slices.Delete(ps, len(ps)/2, len(ps)/2+1)
	nw = "Updated at 10:00 with new figures from the ministry.\n\n" + strings.Join(ps, "\n\n")
	return old, nw, claims
}

// BenchmarkReanchor measures one Reanchor call on articles of 10k, 100k
// and 1M code points with 1, 100 and 1,000 claims, a tenth of which need
// the candidate search (plus those in the moved and deleted paragraphs).
//
//	go test -tags sqlite_fts5 -run '^$' -bench BenchmarkReanchor -benchmem ./internal/reanchor/
func BenchmarkReanchor(b *testing.B) {
	for _, size := range []int{10_000, 100_000, 1_000_000} {
		for _, n := range []int{1, 100, 1000} {
			for _, fuzzy := range []float64{0.1, 1} {
				if fuzzy == 1 && n != 1000 {
					continue
				}
				old, nw, claims := benchRevision(size, n, fuzzy)
				b.Run(fmt.Sprintf("chars=%d/claims=%d/fuzzy=%d%%", size, n, int(fuzzy*100)), func(b *testing.B) {
					b.SetBytes(int64(len(old) + len(nw)))
					var res []Result
					for b.Loop() {
						res = Reanchor(old, nw, claims)
					}
					counts := map[models.AnchorState]int{}
					for _, r := range res {
						counts[r.State]++
					}
					b.ReportMetric(float64(counts[models.AnchorChanged]), "changed")
					b.ReportMetric(float64(counts[models.AnchorOrphaned]), "orphaned")
				})
			}
		}
	}
}

// BenchmarkDiff measures the diff alone on a 100k revision.
func BenchmarkDiff(b *testing.B) {
	old, nw, _ := benchRevision(100_000, 1000, 0.1)
	or, nr := []rune(old), []rune(nw)
	for b.Loop() {
		computeDiff(or, nr)
	}
}

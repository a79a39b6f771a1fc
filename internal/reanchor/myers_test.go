package reanchor

import (
	"math/rand/v2"
	"testing"
)

// naiveDistance is the textbook dynamic programme: global, or, with
// search, the best end of a in b (row 0 all zeros) for each prefix of b.
func naiveDistance(a, b []rune, search bool) []int {
	prev := make([]int, len(a)+1)
	for i := range prev {
		prev[i] = i
	}
	last := make([]int, len(b)+1)
	last[0] = len(a)
	for j := 1; j <= len(b); j++ {
		cur := make([]int, len(a)+1)
		if !search {
			cur[0] = j
		}
		for i := 1; i <= len(a); i++ {
			sub := prev[i-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[i] = min(sub, prev[i]+1, cur[i-1]+1)
		}
		last[j] = cur[len(a)]
		prev = cur
	}
	return last
}

func randomRunes(r *rand.Rand, n int, alphabet []rune) []rune {
	out := make([]rune, n)
	for i := range out {
		out[i] = alphabet[r.IntN(len(alphabet))]
	}
	return out
}

func TestEditDistanceMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	alphabets := [][]rune{[]rune("ab"), []rune("abcd é🎉"), []rune("abcdefghijklmnopqrstuvwxyz ")}
	for _, n := range []int{1, 2, 31, 63, 64, 65, 127, 128, 129, 200} {
		for trial := range 20 {
			alpha := alphabets[trial%len(alphabets)]
			a := randomRunes(r, n, alpha)
			b := randomRunes(r, r.IntN(2*n+1), alpha)
			want := naiveDistance(a, b, false)[len(b)]
			if got := newPattern(a).distance(b); got != want {
				t.Fatalf("pattern.distance(len %d, len %d) = %d, want %d", len(a), len(b), got, want)
			}
			if got := editDistance(a, b); got != want {
				t.Fatalf("editDistance(len %d, len %d) = %d, want %d", len(a), len(b), got, want)
			}
		}
	}
}

func TestSearchMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, n := range []int{1, 5, 64, 65, 130} {
		for range 20 {
			a := randomRunes(r, n, []rune("abc"))
			b := randomRunes(r, 3*n+5, []rune("abc"))
			want := naiveDistance(a, b, true)
			pt := newPattern(a)
			pt.reset()
			for j := range b {
				if got := pt.step(b[j], true); got != want[j+1] {
					t.Fatalf("search len %d at %d: got %d, want %d", n, j, got, want[j+1])
				}
			}
		}
	}
}

func TestBestEndAndStart(t *testing.T) {
	tests := []struct {
		text, quote      string
		wantStart, wantE int
		wantErrs         int
	}{
		{"the cat sat on the mat", "sat on", 8, 14, 0},
		{"police said twelve were hurt", "said twelv", 7, 17, 0},
		{"police sad twelve were hurt", "said twelve", 7, 17, 1},
		{"naïve café 🎉 opened", "café 🎉", 6, 12, 0},
	}
	for _, tt := range tests {
		text, q := []rune(tt.text), []rune(tt.quote)
		end, errs := newPattern(q).bestEnd(text, 0, len(text), len(text))
		rq := append([]rune(nil), q...)
		for i, j := 0, len(rq)-1; i < j; i, j = i+1, j-1 {
			rq[i], rq[j] = rq[j], rq[i]
		}
		start, _ := newPattern(rq).bestStart(text, 0, end)
		if start != tt.wantStart || end != tt.wantE || errs != tt.wantErrs {
			t.Errorf("match %q in %q = [%d,%d) %d errors, want [%d,%d) %d", tt.quote, tt.text, start, end, errs, tt.wantStart, tt.wantE, tt.wantErrs)
		}
	}
}

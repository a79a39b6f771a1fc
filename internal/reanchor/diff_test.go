package reanchor

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// checkBlocks verifies that the blocks are sorted, disjoint and really
// equal text.
func checkBlocks(t *testing.T, d *diffResult, old, nw []rune) {
	t.Helper()
	for i := 1; i < len(d.blocks); i++ {
		p, b := d.blocks[i-1], d.blocks[i]
		if b.o < p.o+p.l || b.n < p.n+p.l {
			t.Fatalf("blocks %d and %d overlap or are unsorted: %+v %+v", i-1, i, p, b)
		}
	}
	for _, b := range d.blocks {
		if !slices.Equal(old[b.o:b.o+b.l], nw[b.n:b.n+b.l]) {
			t.Fatalf("block %+v is not equal text: %q vs %q", b, string(old[b.o:b.o+b.l]), string(nw[b.n:b.n+b.l]))
		}
	}
}

func TestDiffMapping(t *testing.T) {
	tests := []struct {
		name       string
		old, new   string
		quote      string // first occurrence in old
		want       string // text of the mapped span in new
		wantOffset int    // -1: don't check
	}{
		{"identity", "Police said twelve people were hurt.", "Police said twelve people were hurt.", "twelve people", "twelve people", 12},
		{"insert before", "Police said twelve people were hurt.", "On Monday police said twelve people were hurt.", "twelve people", "twelve people", 22},
		{"insert at start of span", "Police said twelve people were hurt.", "Police said that twelve people were hurt.", "twelve people", "twelve people", 17},
		{"insert at end of span", "Police said twelve people were hurt.", "Police said twelve people, mostly tourists, were hurt.", "twelve people", "twelve people", 12},
		{"insert inside", "Police said twelve people were hurt.", "Police said twelve young people were hurt.", "twelve people", "twelve young people", 12},
		{"number edit", "Unemployment fell to 4.2% in March.", "Unemployment fell to 4.3% in March.", "fell to 4.2%", "fell to 4.3%", 13},
		{"word typo", "They met John Smith on Monday.", "They met John Smyth on Monday.", "John Smith", "John Smyth", 9},
		{"delete inside", "Police said twelve young people were hurt.", "Police said twelve people were hurt.", "twelve young people", "twelve people", 12},
		{"emoji before", "Fans cheered. Police said twelve people were hurt.", "Fans cheered 🎉👨‍👩‍👧. Police said twelve people were hurt.", "twelve people", "twelve people", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, nw := []rune(tt.old), []rune(tt.new)
			d := computeDiff(old, nw)
			checkBlocks(t, d, old, nw)
			s := len([]rune(tt.old[:strings.Index(tt.old, tt.quote)]))
			e := s + len([]rune(tt.quote))
			ms, me := d.mapStart(s), d.mapEnd(e)
			if got := string(nw[ms:me]); got != tt.want {
				t.Errorf("mapped %q = %q, want %q", tt.quote, got, tt.want)
			}
			if tt.wantOffset >= 0 && ms != tt.wantOffset {
				t.Errorf("mapped start = %d, want %d", ms, tt.wantOffset)
			}
		})
	}
}

// TestDiffSlidesToSentences: deleting one of two sentences that share
// their first words removes the whole sentence, not its tail plus the
// next one's head.
func TestDiffSlidesToSentences(t *testing.T) {
	old := []rune("Talks ended. The minister said the plan would cost £2bn. The minister said the plan would start in May. Critics objected.")
	nw := []rune("Talks ended. The minister said the plan would start in May. Critics objected.")
	d := computeDiff(old, nw)
	checkBlocks(t, d, old, nw)
	s := strings.Index(string(old), "The minister said the plan would start")
	s = len([]rune(string(old)[:s]))
	e := s + len([]rune("The minister said the plan would start in May."))
	if got := d.survival(s, e); got != 1 {
		t.Errorf("survival of the kept sentence = %.2f, want 1", got)
	}
	if got := d.survival(13, 13+len([]rune("The minister said the plan would cost £2bn."))); got != 0 {
		t.Errorf("survival of the deleted sentence = %.2f, want 0", got)
	}
}

// TestDiffRefinesOnlySimilarWords: a one-word substitution is refined to
// code points only when the words are similar; the letters that
// unrelated words share are not kept text.
func TestDiffRefinesOnlySimilarWords(t *testing.T) {
	tests := []struct {
		old, new, word string
		want           float64 // survival of word
	}{
		{"They met John Smith on Monday.", "They met John Smyth on Monday.", "Smith", 0.8},
		{"Police said twelve people were hurt.", "Police said eleven people were hurt.", "twelve", 4.0 / 6},
		{"Officials said prices rose.", "Traders said prices rose.", "Officials", 0},
		{"Police said prices rose.", "Police said costs rose.", "prices", 0},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			old, nw := []rune(tt.old), []rune(tt.new)
			d := computeDiff(old, nw)
			checkBlocks(t, d, old, nw)
			s := len([]rune(tt.old[:strings.Index(tt.old, tt.word)]))
			if got := d.survival(s, s+len([]rune(tt.word))); got != tt.want {
				t.Errorf("survival of %q = %.2f, want %.2f", tt.word, got, tt.want)
			}
		})
	}
}

func TestDiffRandomEditsKeepBlocksValid(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	words := strings.Fields("the police said twelve people were hurt in the attack on monday officials critics plan cost")
	gen := func(n int) []rune {
		var b strings.Builder
		for i := range n {
			b.WriteString(words[r.IntN(len(words))])
			switch {
			case i%17 == 16:
				b.WriteString(".\n\n")
			case i%7 == 6:
				b.WriteString(". ")
			default:
				b.WriteByte(' ')
			}
		}
		return []rune(b.String())
	}
	for trial := range 30 {
		old := gen(200 + trial*50)
		nw := slices.Clone(old)
		for range 1 + trial%10 {
			p := r.IntN(len(nw))
			switch r.IntN(3) {
			case 0:
				nw = slices.Insert(nw, p, []rune(" inserted words ")...)
			case 1:
				nw = slices.Delete(nw, p, min(len(nw), p+r.IntN(40)))
			default:
				nw[p] = 'X'
			}
		}
		d := computeDiff(old, nw)
		checkBlocks(t, d, old, nw)
		for p := 0; p <= len(old); p += 7 {
			if s := d.mapStart(p); s < 0 || s > len(nw) {
				t.Fatalf("mapStart(%d) = %d out of range", p, s)
			}
			if e := d.mapEnd(p); e < 0 || e > len(nw) {
				t.Fatalf("mapEnd(%d) = %d out of range", p, e)
			}
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"“Hello”  — it’s\u00a0done…", `"hello" - it's done...`},
		{"Cafe\u0301 CAFÉ", "cafe cafe"},
		{"one\n\ntwo \n three", "one\ntwo\nthree"},
		{"soft\u00adhyphen zero\u200bwidth", "softhyphen zerowidth"},
	}
	for _, tt := range tests {
		fc := foldCache{}
		f := fc.foldText([]rune(tt.in))
		if got := string(f.r); got != tt.want {
			t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(f.orig) != len(f.r) || len(f.at) != len([]rune(tt.in))+1 {
			t.Errorf("fold(%q): map lengths %d/%d", tt.in, len(f.orig), len(f.at))
		}
	}
}

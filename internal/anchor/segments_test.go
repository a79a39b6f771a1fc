package anchor

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestParagraphs(t *testing.T) {
	// "Alpha beta." is [0,11), the separator [11,13), "Gamma delta." [13,25).
	const two = "Alpha beta.\n\nGamma delta."
	plain := func(s string, start int) Segment {
		return Segment{Text: s, Start: start, End: start + len([]rune(s))}
	}
	claimed := func(s string, start int, ids ...int64) Segment {
		seg := plain(s, start)
		seg.ClaimIDs = ids
		return seg
	}
	tests := []struct {
		name  string
		s     string
		spans []Span
		want  []Paragraph
	}{
		{"empty text", "", []Span{{1, 0, 3}}, nil},
		{"no spans", two, nil, []Paragraph{
			{Start: 0, End: 11, Start16: 0, Segments: []Segment{plain("Alpha beta.", 0)}},
			{Start: 13, End: 25, Start16: 13, Segments: []Segment{plain("Gamma delta.", 13)}},
		}},
		{"nested", two, []Span{{1, 0, 11}, {2, 6, 10}}, []Paragraph{
			{Start: 0, End: 11, Start16: 0, Segments: []Segment{
				claimed("Alpha ", 0, 1), claimed("beta", 6, 1, 2), claimed(".", 10, 1),
			}},
			{Start: 13, End: 25, Start16: 13, Segments: []Segment{plain("Gamma delta.", 13)}},
		}},
		{"nested, inner given first", two, []Span{{2, 6, 10}, {1, 0, 11}}, []Paragraph{
			{Start: 0, End: 11, Start16: 0, Segments: []Segment{
				claimed("Alpha ", 0, 1), claimed("beta", 6, 2, 1), claimed(".", 10, 1),
			}},
			{Start: 13, End: 25, Start16: 13, Segments: []Segment{plain("Gamma delta.", 13)}},
		}},
		{"overlapping", two, []Span{{1, 0, 8}, {2, 6, 11}}, []Paragraph{
			{Start: 0, End: 11, Start16: 0, Segments: []Segment{
				claimed("Alpha ", 0, 1), claimed("be", 6, 1, 2), claimed("ta.", 8, 2),
			}},
			{Start: 13, End: 25, Start16: 13, Segments: []Segment{plain("Gamma delta.", 13)}},
		}},
		{"identical", two, []Span{{7, 0, 5}, {3, 0, 5}}, []Paragraph{
			{Start: 0, End: 11, Start16: 0, Segments: []Segment{
				claimed("Alpha", 0, 7, 3), plain(" beta.", 5),
			}},
			{Start: 13, End: 25, Start16: 13, Segments: []Segment{plain("Gamma delta.", 13)}},
		}},
		{"touching", two, []Span{{2, 5, 11}, {1, 0, 5}}, []Paragraph{
			{Start: 0, End: 11, Start16: 0, Segments: []Segment{
				claimed("Alpha", 0, 1), claimed(" beta.", 5, 2),
			}},
			{Start: 13, End: 25, Start16: 13, Segments: []Segment{plain("Gamma delta.", 13)}},
		}},
		{"across a paragraph break", two, []Span{{1, 6, 18}}, []Paragraph{
			{Start: 0, End: 11, Start16: 0, Segments: []Segment{plain("Alpha ", 0), claimed("beta.", 6, 1)}},
			{Start: 13, End: 25, Start16: 13, Segments: []Segment{claimed("Gamma", 13, 1), plain(" delta.", 18)}},
		}},
		{"at text end", two, []Span{{1, 19, 25}}, []Paragraph{
			{Start: 0, End: 11, Start16: 0, Segments: []Segment{plain("Alpha beta.", 0)}},
			{Start: 13, End: 25, Start16: 13, Segments: []Segment{plain("Gamma ", 13), claimed("delta.", 19, 1)}},
		}},
		{"clipped and empty spans", two, []Span{{1, -5, 3}, {2, 20, 99}, {3, 4, 4}, {4, 30, 40}}, []Paragraph{
			{Start: 0, End: 11, Start16: 0, Segments: []Segment{claimed("Alp", 0, 1), plain("ha beta.", 3)}},
			{Start: 13, End: 25, Start16: 13, Segments: []Segment{plain("Gamma d", 13), claimed("elta.", 20, 2)}},
		}},
		{"same claim twice, touching", two, []Span{{5, 0, 3}, {5, 3, 5}}, []Paragraph{
			{Start: 0, End: 11, Start16: 0, Segments: []Segment{claimed("Alp", 0, 5), claimed("ha", 3, 5), plain(" beta.", 5)}},
			{Start: 13, End: 25, Start16: 13, Segments: []Segment{plain("Gamma delta.", 13)}},
		}},
		{"emoji and UTF-16 starts", thumbsMedium + " ok\n\n" + family + " yes\n\nend", []Span{{1, 3, 12}}, []Paragraph{
			{Start: 0, End: 5, Start16: 0, Segments: []Segment{plain(thumbsMedium+" ", 0), claimed("ok", 3, 1)}},
			{Start: 7, End: 16, Start16: 9, Segments: []Segment{claimed(family, 7, 1), plain(" yes", 12)}},
			{Start: 18, End: 21, Start16: 23, Segments: []Segment{plain("end", 18)}},
		}},
		{"empty paragraphs left out", "a\n\n\n\nb\n\n", nil, []Paragraph{
			{Start: 0, End: 1, Start16: 0, Segments: []Segment{plain("a", 0)}},
			{Start: 5, End: 6, Start16: 5, Segments: []Segment{plain("b", 5)}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Paragraphs(NewText(tt.s), tt.spans)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Paragraphs(%+v) =\n%+v\nwant\n%+v", tt.spans, got, tt.want)
			}
		})
	}
}

// benchArticle is a 100 kB article of 200 paragraphs, with some accents
// and emoji so that the text is not ASCII, and 500 claims: most are a
// sentence or two, some nest inside others, some cross a paragraph break.
func benchArticle(b *testing.B) (*Text, []Span) {
	b.Helper()
	const sentence = "The minister said unemployment fell by 3.2% in the last quarter — a claim critics dispute. "
	var sb strings.Builder
	for i := 0; sb.Len() < 100_000; i++ {
		if i > 0 {
			sb.WriteString("\n\n")
		}
		for range 5 {
			sb.WriteString(sentence)
		}
		sb.WriteString("Café owners 👍🏽 agreed.")
	}
	txt := NewText(sb.String())
	rng := rand.New(rand.NewPCG(1, 2))
	spans := make([]Span, 500)
	for i := range spans {
		start := rng.IntN(txt.Len() - 400)
		spans[i] = Span{ID: int64(i + 1), Start: start, End: start + 20 + rng.IntN(380)}
	}
	return txt, spans
}

func BenchmarkParagraphs(b *testing.B) {
	txt, spans := benchArticle(b)
	b.ReportAllocs()
	for b.Loop() {
		Paragraphs(txt, spans)
	}
}

func BenchmarkNewText(b *testing.B) {
	txt, _ := benchArticle(b)
	s := txt.String()
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		NewText(s)
	}
}

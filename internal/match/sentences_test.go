package match

import (
	"slices"
	"testing"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"One. Two! Three? Four", []string{"One.", "Two!", "Three?", "Four"}},
		{"Mr. Putin met Dr. Smith in the U.S. He said “No.” Then left.", []string{"Mr. Putin met Dr. Smith in the U.S.", "He said “No.”", "Then left."}},
		{"It rose 3.5 percent. J. R. R. Tolkien wrote it.", []string{"It rose 3.5 percent.", "J. R. R. Tolkien wrote it."}},
		{"A headline\n\nThe first paragraph. The second sentence.\nA line", []string{"A headline", "The first paragraph.", "The second sentence.", "A line"}},
		{"He said so. and went on.", []string{"He said so. and went on."}},
		{"Déjà vu. Ça va?", []string{"Déjà vu.", "Ça va?"}},
		{"  \n ", nil},
	}
	for _, tt := range tests {
		rs := []rune(tt.in)
		var got []string
		for _, sp := range Sentences(tt.in) {
			got = append(got, string(rs[sp.Start:sp.End]))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Sentences(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

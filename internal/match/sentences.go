package match

import (
	"strings"
	"unicode"
)

// Span is a range of a text in code points, end exclusive.
type Span struct {
	Start, End int
}

// Sentences cuts text into sentences, as spans of code points with the
// surrounding white space left out. A sentence ends at a line break, or at
// ".", "!" or "?" (with any closing quotes or brackets after it) followed
// by white space and a capital letter, digit, quote or bracket; a period
// after a common abbreviation ("Mr.", "U.S.") or a single initial ("J.")
// does not end one.
func Sentences(text string) []Span {
	rs := []rune(text)
	var out []Span
	start := 0
	emit := func(end int) {
		s, e := start, end
		for s < e && unicode.IsSpace(rs[s]) {
			s++
		}
		for e > s && unicode.IsSpace(rs[e-1]) {
			e--
		}
		if e > s {
			out = append(out, Span{s, e})
		}
		start = end
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '\n' {
			emit(i)
			continue
		}
		if r != '.' && r != '!' && r != '?' && r != '…' {
			continue
		}
		j := i + 1
		for j < len(rs) && strings.ContainsRune(`"'”’»)]`, rs[j]) {
			j++
		}
		if j < len(rs) && !unicode.IsSpace(rs[j]) {
			continue // "3.5", "e.g.x", "U.S.-led"
		}
		k := j
		for k < len(rs) && rs[k] != '\n' && unicode.IsSpace(rs[k]) {
			k++
		}
		if k < len(rs) && rs[k] != '\n' && !startsSentence(rs[k]) {
			continue
		}
		if r == '.' && abbreviation(rs[start:i]) && !sentenceOpener(rs[k:]) {
			continue
		}
		emit(j)
		i = j - 1
	}
	emit(len(rs))
	return out
}

func startsSentence(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune(`"'“‘«([—–-`, r)
}

// abbreviations that end with a period inside a sentence (lower case,
// without the final period).
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true, "jr": true, "sr": true, "gen": true,
	"gov": true, "sen": true, "rep": true, "rev": true, "lt": true, "col": true, "sgt": true, "capt": true, "mt": true,
	"u.s": true, "u.k": true, "u.n": true, "e.u": true, "no": true, "vs": true, "etc": true, "e.g": true, "i.e": true,
	"inc": true, "ltd": true, "co": true, "corp": true, "jan": true, "feb": true, "aug": true, "sept": true, "oct": true,
	"nov": true, "dec": true, "a.m": true, "p.m": true,
}

// abbreviation reports whether the word before a period (the end of
// before) is an abbreviation or a single initial.
func abbreviation(before []rune) bool {
	i := len(before)
	for i > 0 && !unicode.IsSpace(before[i-1]) && before[i-1] != '(' && before[i-1] != '"' {
		i--
	}
	w := strings.ToLower(string(before[i:]))
	if w == "" {
		return false
	}
	if n := []rune(w); len(n) == 1 && unicode.IsLetter(n[0]) {
		return true
	}
	return abbreviations[w]
}

// openers are words that start a sentence far more often than they follow
// an abbreviation: "… in the U.S. He said".
var openers = map[string]bool{"He": true, "She": true, "It": true, "They": true, "We": true, "I": true, "The": true,
	"This": true, "That": true, "But": true, "And": true, "In": true, "A": true, "An": true, "There": true}

func sentenceOpener(rest []rune) bool {
	i := 0
	for i < len(rest) && unicode.IsLetter(rest[i]) {
		i++
	}
	return openers[string(rest[:i])]
}

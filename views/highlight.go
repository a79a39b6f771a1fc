package views

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Piece is a run of text, marked when it is a word the search matched.
type Piece struct {
	Text  string
	Match bool
}

// Highlight splits text into pieces, marking the words that a search for
// q matched: words starting with a query word (as the databases match
// prefixes), or sharing its stem (a light English suffix stripping that
// stands in for the databases' stemmers; the marks are a reading aid, the
// databases decide what matches). With no query word it is one piece.
func Highlight(text, q string) []Piece {
	words := queryWords(q)
	if len(words) == 0 || text == "" {
		return []Piece{{Text: text}}
	}
	var out []Piece
	add := func(s string, match bool) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Match == match {
			out[n-1].Text += s
			return
		}
		out = append(out, Piece{Text: s, Match: match})
	}
	start := -1
	for i, r := range text + " " {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			add(text[start:i], matchesAny(strings.ToLower(text[start:i]), words))
			start = -1
		}
		if i < len(text) {
			_, size := utf8.DecodeRuneInString(text[i:])
			add(text[i:i+size], false)
		}
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// queryWords are the lower-case words of a query, as the store takes them.
func queryWords(q string) []string {
	w := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !isWordRune(r) })
	if len(w) > 8 {
		w = w[:8]
	}
	return w
}

func matchesAny(token string, words []string) bool {
	for _, w := range words {
		if strings.HasPrefix(token, w) {
			return true
		}
		if s := lightStem(w); utf8.RuneCountInString(s) >= 3 && strings.HasPrefix(lightStem(token), s) {
			return true
		}
	}
	return false
}

// lightStem strips one common English inflection.
func lightStem(w string) string {
	for _, suf := range []string{"ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "ly", "s"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 {
			w = w[:len(w)-len(suf)]
			// running → runn → run
			if n := len(w); n >= 2 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouls", rune(w[n-1])) {
				w = w[:n-1]
			}
			return w
		}
	}
	return w
}

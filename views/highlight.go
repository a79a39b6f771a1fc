package views

import (
	"strings"
	"unicode/utf8"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Piece is a run of text, marked when it is a word the search matched.
type Piece struct {
	Text  string
	Match bool
}

// Highlight splits text into pieces, marking the words that a search for
// q matched: words starting with a query word or one of its forms
// (models.SearchForms), as the databases match. Accents count here, as on
// PostgreSQL (SQLite also folds them). With no query word it is one piece.
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

func isWordRune(r rune) bool { return models.IsWordRune(r) }

// queryWords are the lower-case words of a query, as the store takes them.
func queryWords(q string) []string { return models.SearchWords(q) }

// matchesAny reports whether a word of the text starts with a form of a
// query word, as the databases match.
func matchesAny(token string, words []string) bool {
	for _, w := range words {
		for _, f := range models.SearchForms(w) {
			if strings.HasPrefix(token, f) {
				return true
			}
		}
	}
	return false
}

// MatchSnippet is where a claim matched a search when its quote shows no
// match: the first of summary, explanation, rationale and notes holding a
// matched word, around that word (label "" when none does, or q is empty).
func MatchSnippet(d models.ClaimDetail, q string) (label, text string) {
	if q == "" || hasMatch(Highlight(short(d.Quote, 120), q)) {
		return "", ""
	}
	for _, f := range []struct{ label, text string }{{"Summary", d.Summary}, {"Explanation", d.Explanation}, {"Rationale", d.Rationale}, {"Notes", d.Notes}} {
		pieces := Highlight(f.text, q)
		if !hasMatch(pieces) {
			continue
		}
		return f.label, around(pieces, 140)
	}
	return "", ""
}

func hasMatch(ps []Piece) bool {
	for _, p := range ps {
		if p.Match {
			return true
		}
	}
	return false
}

// around is the text of pieces, about n characters around the first match.
func around(ps []Piece, n int) string {
	var b strings.Builder
	at := -1
	for _, p := range ps {
		if p.Match && at < 0 {
			at = utf8.RuneCountInString(b.String())
		}
		b.WriteString(p.Text)
	}
	r := []rune(strings.Join(strings.Fields(b.String()), " "))
	start := max(0, at-n/3)
	end := min(len(r), start+n)
	out := string(r[start:end])
	if start > 0 {
		out = "…" + out
	}
	if end < len(r) {
		out += "…"
	}
	return out
}

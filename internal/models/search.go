package models

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxSearchWords is how many words of a search count; the rest are ignored.
const MaxSearchWords = 8

// SearchWords splits a search into lower-case words of letters and digits
// (so no query syntax of either database can be injected), at most
// MaxSearchWords of them.
func SearchWords(q string) []string {
	w := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !IsWordRune(r) })
	if len(w) > MaxSearchWords {
		w = w[:MaxSearchWords]
	}
	return w
}

// IsWordRune reports whether r is part of a word for search.
func IsWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// SearchForms are the prefixes a search word matches: the word itself
// and, for a word with a common English ending, its stem ("running" →
// run, "damaged" → damag, "studies" → study and studi, "elections" →
// election). Both databases index words as written and match these as word
// prefixes, so a search finds the same claims on SQLite and PostgreSQL,
// and the highlighter marks what was found.
func SearchForms(w string) []string {
	forms := []string{w}
	add := func(s string) {
		if utf8.RuneCountInString(s) >= 3 && !strings.HasPrefix(s, w) {
			for _, f := range forms {
				if strings.HasPrefix(s, f) {
					return // already covered by a shorter prefix
				}
			}
			forms = append(forms, s)
		}
	}
	undouble := func(s string) string {
		if n := len(s); n >= 2 && s[n-1] == s[n-2] && strings.IndexByte("bdgmnprt", s[n-1]) >= 0 {
			return s[:n-1]
		}
		return s
	}
	switch {
	case strings.HasSuffix(w, "ies") || strings.HasSuffix(w, "ied"):
		add(w[:len(w)-3] + "y")
		add(w[:len(w)-3] + "i")
	case strings.HasSuffix(w, "ing"):
		add(undouble(w[:len(w)-3]))
	case strings.HasSuffix(w, "ed"):
		add(undouble(w[:len(w)-2]))
	case strings.HasSuffix(w, "ment"), strings.HasSuffix(w, "ness"):
		add(w[:len(w)-4])
	case strings.HasSuffix(w, "ations"):
		add(w[:len(w)-6])
	case strings.HasSuffix(w, "ation"):
		add(w[:len(w)-5])
	case strings.HasSuffix(w, "ly"):
		add(w[:len(w)-2])
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "zes"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"):
		add(w[:len(w)-2])
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		add(w[:len(w)-1])
	}
	return forms
}

// Package match ranks earlier fact-checks and claims against a piece of
// text: "has this been checked before?". It is pure Go (no framework or
// database): text normalisation, an in-memory inverted index with BM25 over
// each field, and a small logistic re-ranker whose weights, fitted on the
// CheckThat! 2022 task 2A training posts, live in this package. docs/matching.md
// describes the method and its figures.
package match

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"
)

// Terms turns text into the index's terms: lower-cased, accents folded,
// links dropped, hashtags and handles split at case changes (#AustralianFires
// → australian fires), stop words removed, each word stemmed with the
// Snowball English stemmer. The same function serves documents and queries.
func Terms(text string) []string {
	words := words(text)
	out := make([]string, 0, len(words))
	for _, w := range words {
		if t, ok := term(w); ok {
			out = append(out, t)
		}
	}
	return out
}

// term maps one lower-case word to its stem, or reports a stop word.
func term(w string) (string, bool) {
	if stopWords[w] {
		return "", false
	}
	if len(w) == 1 && !isDigit(w[0]) {
		return "", false
	}
	return english.Stem(w, true), true
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// words splits text into lower-case words (letters and digits), after
// dropping links and splitting hashtags and handles.
func words(text string) []string {
	text = norm.NFKD.String(text)
	var out []string
	for _, field := range strings.FieldsFunc(text, unicode.IsSpace) {
		if isLink(field) {
			continue
		}
		out = appendWords(out, field)
	}
	return out
}

// isLink reports whether a whitespace-separated field is a web address
// (http://…, www.…, pic.twitter.com/…, t.co/…, bit.ly/…): their letters are
// noise to matching.
func isLink(f string) bool {
	l := strings.ToLower(strings.TrimLeft(f, "([\"'<"))
	if strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "www.") {
		return true
	}
	if i := strings.IndexByte(l, '/'); i > 0 {
		host := l[:i]
		if strings.Contains(host, ".") && !strings.ContainsAny(host, " ") {
			for _, tld := range []string{".com", ".co", ".ly", ".org", ".net", ".gl", ".me", ".be", ".news", ".us", ".uk"} {
				if strings.HasSuffix(host, tld) {
					return true
				}
			}
		}
	}
	// A link glued to the previous word: "HIVhttps://t.co/…".
	return strings.Contains(l, "https://") || strings.Contains(l, "http://")
}

// appendWords splits one field into words. A change from lower to upper
// case starts a new word, which splits hashtags and handles
// ("#AustralianFires", "@BernieSanders") and words glued by a missing space
// ("easy!Nd", "Hanukkahpic"); so does a change between letters and digits
// ("@Millennials4Bernie"). Documents are split the same way, so "McDonald"
// is "mc donald" on both sides. Apostrophes join ("don't" → "dont"; a
// trailing "'s" is dropped).
func appendWords(out []string, field string) []string {
	var b strings.Builder
	var prev rune
	flush := func() {
		if b.Len() == 0 {
			return
		}
		w := b.String()
		b.Reset()
		w = strings.TrimSuffix(w, "'s")
		w = strings.ReplaceAll(w, "'", "")
		if w != "" {
			out = append(out, w)
		}
	}
	for _, r := range field {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // combining accent left by NFKD
		case r == '\'' || r == '’' || r == 'ʼ':
			if b.Len() > 0 && unicode.IsLetter(prev) {
				b.WriteByte('\'')
			}
			prev = '\''
			continue
		case unicode.IsLetter(r):
			if b.Len() > 0 && (unicode.IsDigit(prev) || (unicode.IsUpper(r) && unicode.IsLower(prev))) {
				flush()
			}
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsDigit(r):
			if b.Len() > 0 && unicode.IsLetter(prev) {
				flush()
			}
			b.WriteRune(r)
		case r == ',' || r == '.':
			// "1,000" and "3.5" stay one number.
			if unicode.IsDigit(prev) {
				prev = r
				continue
			}
			flush()
		default:
			flush()
		}
		prev = r
	}
	flush()
	return out
}

// stopWords are dropped from queries and documents: English function words,
// and the furniture of social-media posts (pic, twitter, via, rt, amp) and
// of fact-checks' headlines.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all am an and any are arent as at be
because been before being below between both but by can cant could couldnt did didnt do does doesnt
doing dont down during each few for from further had hadnt has hasnt have havent having he hed hell
hes her here heres hers herself him himself his how hows i id ill im ive if in into is isnt it its
itself lets me more most mustnt my myself no nor not of off on once only or other ought our ours
ourselves out over own same shant she shed shell shes should shouldnt so some such than that thats
the their theirs them themselves then there theres these they theyd theyll theyre theyve this those
through to too under until up very was wasnt we wed well were weve werent what whats when whens
where wheres which while who whos whom why whys with wont would wouldnt you youd youll youre youve
your yours yourself yourselves just also will s t u ur
rt via amp pic twitter com http https www`) {
		m[w] = true
	}
	return m
}()

// truncateRunes cuts s to at most n code points.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// grams returns the distinct character 4-grams (hashed) of the text's
// words, stop words left out and each word padded with a space on either
// side, sorted. They catch what stems miss: names written together
// ("pnbrock" and "PnB Rock"), misspellings, plurals the stemmer keeps.
func grams(text string) []uint32 {
	set := map[uint32]struct{}{}
	for _, w := range words(text) {
		if stopWords[w] {
			continue
		}
		r := []rune(" " + w + " ")
		for i := 0; i+4 <= len(r); i++ {
			set[hashGram(r[i:i+4])] = struct{}{}
		}
	}
	out := make([]uint32, 0, len(set))
	for g := range set {
		out = append(out, g)
	}
	slices.Sort(out)
	return out
}

func hashGram(r []rune) uint32 {
	h := uint32(2166136261)
	for _, c := range r {
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}

// overlap counts the values two sorted slices share.
func overlap(a, b []uint32) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}

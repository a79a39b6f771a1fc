package anchor

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Locate finds quote in the text and returns its span. The quote is trimmed
// of surrounding whitespace and must start and end on grapheme-cluster
// boundaries. An exact match wins; when there is none, the quote is looked
// for again with whitespace and typography folded (see fold.go), and its
// context is compared folded too. When it occurs more than once, prefix and
// suffix (the text the caller saw before and after it) pick the occurrence
// whose surroundings share the most code points (whitespace aside) with
// them: the end of prefix against the text before, the start of suffix
// against the text after. Whitespace trimmed off the quote is matched as
// part of prefix and suffix. If that leaves a tie, the error is a *models.AmbiguousError listing
// every occurrence. A quote that is blank or not in the text is a
// models.ValidationError on "quote".
func (t *Text) Locate(quote, prefix, suffix string) (start, end int, err error) {
	q := strings.TrimFunc(quote, unicode.IsSpace)
	if q == "" {
		return 0, 0, models.Invalid("quote", "Enter the words of the claim as they appear in the article.")
	}
	// Whitespace trimmed off the quote belongs to its surroundings.
	lead := quote[:len(quote)-len(strings.TrimLeftFunc(quote, unicode.IsSpace))]
	trail := quote[len(lead)+len(q):]
	prefix, suffix = prefix+lead, trail+suffix

	found, folded := t.find(q), false
	if len(found) == 0 {
		found, folded = t.findFolded(q), true
	}
	switch len(found) {
	case 0:
		return 0, 0, models.Invalid("quote", "That text is not in the article. Copy it exactly as it appears, or select it on the page.")
	case 1:
		return found[0].start, found[0].end, nil
	}
	best, bestScore, ties := -1, 0, 0
	for i, f := range found {
		var score int
		if folded {
			score = t.foldedContextScore(f, prefix, suffix)
		} else {
			score = t.matchBefore(f.start, prefix) + t.matchAfter(f.end, suffix)
		}
		switch {
		case score > bestScore:
			best, bestScore, ties = i, score, 1
		case score == bestScore:
			ties++
		}
	}
	if bestScore > 0 && ties == 1 {
		return found[best].start, found[best].end, nil
	}
	return 0, 0, &models.AmbiguousError{Quote: q, Occurrences: t.occurrences(found)}
}

// Occurrences lists where quote (trimmed and, failing an exact match,
// folded, as Locate does) occurs, in text
// order, with up to models.ContextRunes code points of context either side.
// It returns at most limit occurrences; limit <= 0 means all.
func (t *Text) Occurrences(quote string, limit int) []models.Occurrence {
	q := strings.TrimFunc(quote, unicode.IsSpace)
	found := t.find(q)
	if len(found) == 0 {
		found = t.findFolded(q)
	}
	if limit > 0 && len(found) > limit {
		found = found[:limit]
	}
	return t.occurrences(found)
}

// occurrences adds context to spans in ascending order.
func (t *Text) occurrences(found []bounds) []models.Occurrence {
	if len(found) == 0 {
		return nil
	}
	occ := make([]models.Occurrence, len(found))
	pw, sw := newBoundaryWalker(t), newBoundaryWalker(t)
	for i, f := range found {
		occ[i] = models.Occurrence{
			Start:  f.start,
			End:    f.end,
			Prefix: t.prefix(pw, f.start),
			Suffix: t.suffix(sw, f.end),
		}
	}
	return occ
}

// find returns every occurrence of q, overlapping ones included, that
// starts and ends on a grapheme-cluster boundary. It is linear in the text
// plus the matches (strings.Index's own worst case aside).
func (t *Text) find(q string) []bounds {
	if q == "" {
		return nil
	}
	var found []bounds
	qLen := utf8.RuneCountInString(q)
	sw, ew := newBoundaryWalker(t), newBoundaryWalker(t)
	cp, b := 0, 0 // a code-point offset and its byte offset, advanced lazily
	for from := 0; ; {
		i := indexFrom(t.s, q, from)
		if i < 0 {
			break
		}
		if t.off == nil {
			cp = i
		} else {
			cp += utf8.RuneCountInString(t.s[b:i])
		}
		b = i
		if sw.at(cp) && ew.at(cp+qLen) {
			found = append(found, bounds{cp, cp + qLen})
		}
		_, w := utf8.DecodeRuneInString(t.s[i:])
		from = i + w
	}
	return found
}

// matchBefore counts the code points that the end of prefix shares with the
// text ending at offset at. Whitespace is matched but not counted: it is
// too common to tell occurrences apart.
func (t *Text) matchBefore(at int, prefix string) int {
	n := 0
	for at > 0 && prefix != "" {
		r, w := utf8.DecodeLastRuneInString(prefix)
		if r != t.runeAt(at-1) {
			break
		}
		prefix = prefix[:len(prefix)-w]
		at--
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// matchAfter counts the code points that the start of suffix shares with
// the text starting at offset at, whitespace matched but not counted.
func (t *Text) matchAfter(at int, suffix string) int {
	n := 0
	for at < t.n && suffix != "" {
		r, w := utf8.DecodeRuneInString(suffix)
		if r != t.runeAt(at) {
			break
		}
		suffix = suffix[w:]
		at++
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

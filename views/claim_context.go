package views

import (
	"strings"
	"unicode"

	"github.com/claimdesk/claimdesk/internal/models"
)

// ClaimContext is a claim's quote with the words around it, for the claim
// page: Before and After are the near context, cut only between words;
// MoreBefore and MoreAfter extend them, exactly as the text reads, to the
// whole paragraph and the paragraphs on either side (the "More context"
// disclosure). CutBefore and CutAfter say that text was left
// out at that end.
type ClaimContext struct {
	Before, Quote, After  string
	MoreBefore, MoreAfter string // the text before Before and after After, "" when there is none
	CutBefore, CutAfter   bool
}

// contextRunes is how much near context the page shows on each side at most.
const contextRunes = 240

// NewClaimContext cuts the context of the claim at [start, end) (code points)
// out of the article text. When the claim's offsets cannot be trusted
// against text (orphaned, or recorded on another revision), it falls back
// on the claim's stored prefix and suffix, trimmed to whole words.
func NewClaimContext(text string, c models.Claim, current bool) ClaimContext {
	r := []rune(text)
	if !current || c.Start < 0 || c.End > len(r) || c.Start >= c.End || string(r[c.Start:c.End]) != c.Quote {
		pre, suf := []rune(c.Prefix), []rune(c.Suffix)
		cc := ClaimContext{Quote: c.Quote}
		cc.Before, cc.CutBefore = wordsFromEnd(pre, len(pre), len(pre) >= models.ContextRunes)
		cc.After, cc.CutAfter = wordsFromStart(suf, len(suf), len(suf) >= models.ContextRunes)
		return cc
	}
	cc := ClaimContext{Quote: c.Quote}
	// The near context stays inside the claim's paragraph.
	pStart := lastIndex(r[:c.Start], "\n\n")
	pEnd := c.End + index(r[c.End:], "\n\n")
	before := r[pStart:c.Start]
	after := r[c.End:pEnd]
	var cut bool
	cc.Before, cut = wordsFromEnd(before, contextRunes, false)
	cc.CutBefore = cut || pStart > 0
	cc.After, cut = wordsFromStart(after, contextRunes, false)
	cc.CutAfter = cut || pEnd < len(r)
	// More context: the rest of this paragraph and the paragraphs on either side.
	moreStart := lastIndex(r[:max(pStart-2, 0)], "\n\n")
	moreEnd := len(r)
	if pEnd < len(r) {
		moreEnd = pEnd + 2 + index(r[pEnd+2:], "\n\n")
	}
	cc.MoreBefore = strings.TrimLeftFunc(string(r[moreStart:c.Start-len([]rune(cc.Before))]), unicode.IsSpace)
	cc.MoreAfter = strings.TrimRightFunc(string(r[c.End+len([]rune(cc.After)):moreEnd]), unicode.IsSpace)
	return cc
}

// wordsFromEnd is the end of s, at most n runes, starting at a word; cut
// says something was left out. partial says s itself was cut from a longer
// text, so its first word may be a fragment.
func wordsFromEnd(s []rune, n int, partial bool) (string, bool) {
	from := max(len(s)-n, 0)
	cut := from > 0 || partial
	if cut {
		for from < len(s) && (from == 0 || !unicode.IsSpace(s[from-1])) {
			from++ // skip the fragment of a word
		}
		return strings.TrimLeftFunc(string(s[from:]), unicode.IsSpace), true
	}
	return string(s), false
}

// wordsFromStart is the start of s, at most n runes, ending at a word.
func wordsFromStart(s []rune, n int, partial bool) (string, bool) {
	to := min(n, len(s))
	cut := to < len(s) || partial
	if cut {
		for to > 0 && (to == len(s) || !unicode.IsSpace(s[to])) {
			to-- // drop the fragment of a word
		}
		return strings.TrimRightFunc(string(s[:to]), unicode.IsSpace), true
	}
	return string(s), false
}

func index(r []rune, sep string) int {
	if i := strings.Index(string(r), sep); i >= 0 {
		return len([]rune(string(r)[:i]))
	}
	return len(r)
}

func lastIndex(r []rune, sep string) int {
	if i := strings.LastIndex(string(r), sep); i >= 0 {
		return len([]rune(string(r)[:i])) + len(sep)
	}
	return 0
}

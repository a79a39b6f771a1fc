package reanchor

import (
	"slices"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
)

// hypothesisAnchor is the baseline: Hypothesis's published re-anchoring
// as annotation.md §1.2 describes it, written from that description (no
// Hypothesis code is copied). It works in code points where Hypothesis
// counts UTF-16 units, which can only help it.
//
//  1. TextPositionSelector: if the old offsets select the quote in the new
//     text, use them.
//  2. Otherwise matchQuote with the old start as position hint: if the
//     quote occurs exactly anywhere, the candidates are all exact
//     occurrences (no fuzzy search); else the approximate matches with the
//     globally fewest errors, at most min(256, m/2). Each candidate scores
//     (50·quote + 20·prefix + 20·suffix + 2·position)/92 and the highest
//     wins, the first in text order on ties. There is no minimum score
//     and no margin.
//
// It has no diff, so it cannot tell "unchanged" from "moved"; the state is
// anchored when the found text equals the quote, changed when it differs
// and orphaned only when no candidate exists.
func hypothesisAnchor(oldText, newText string, c Claim) Result {
	nw := []rune(newText)
	q := []rune(c.Quote)
	res := func(s, e int, score float64, reason string) Result {
		st := models.AnchorChanged
		if slices.Equal(nw[s:e], q) {
			st = models.AnchorAnchored
		}
		return Result{ID: c.ID, State: st, Start: s, End: e, Quote: string(nw[s:e]), Score: score, Reason: reason}
	}
	if len(q) == 0 {
		return Result{ID: c.ID, State: models.AnchorOrphaned, Reason: "empty quote"}
	}
	if c.Start >= 0 && c.End <= len(nw) && c.Start <= c.End && slices.Equal(nw[c.Start:c.End], q) {
		return res(c.Start, c.End, 1, "position selector")
	}
	s, e, score, ok := matchQuote(nw, q, []rune(c.Prefix), []rune(c.Suffix), c.Start)
	if !ok {
		return Result{ID: c.ID, State: models.AnchorOrphaned, Reason: "quote not found"}
	}
	return res(s, e, score, "matchQuote")
}

type hypCandidate struct{ start, end, errors int }

func matchQuote(text, quote, prefix, suffix []rune, hint int) (int, int, float64, bool) {
	maxErrors := min(256, len(quote)/2)
	cands := hypSearch(text, quote, maxErrors)
	if len(cands) == 0 {
		return 0, 0, 0, false
	}
	bestI, bestScore := -1, -1.0
	for i, c := range cands {
		qs := 1 - float64(c.errors)/float64(len(quote))
		ps, ss := 1.0, 1.0
		if len(prefix) > 0 {
			ps = textMatchScore(text[max(0, c.start-len(prefix)):c.start], prefix)
		}
		if len(suffix) > 0 {
			ss = textMatchScore(text[c.end:min(len(text), c.end+len(suffix))], suffix)
		}
		pos := 1 - float64(absInt(c.start-hint))/float64(len(text))
		score := (50*qs + 20*ps + 20*ss + 2*pos) / 92
		if score > bestScore {
			bestI, bestScore = i, score
		}
	}
	c := cands[bestI]
	return c.start, c.end, bestScore, true
}

// hypSearch returns every exact occurrence if there is one, otherwise the
// approximate matches with the globally fewest errors (at most maxErrors).
func hypSearch(text, quote []rune, maxErrors int) []hypCandidate {
	var out []hypCandidate
	for i := 0; i+len(quote) <= len(text); i++ {
		if text[i] == quote[0] && slices.Equal(text[i:i+len(quote)], quote) {
			out = append(out, hypCandidate{i, i + len(quote), 0})
		}
	}
	if len(out) > 0 {
		return out
	}
	return hypApprox(text, quote, maxErrors)
}

func hypApprox(text, quote []rune, maxErrors int) []hypCandidate {
	pt := newPattern(quote)
	pt.reset()
	best := maxErrors
	var ends []int
	for j := range text {
		d := pt.step(text[j], true)
		switch {
		case d < best:
			best = d
			ends = append(ends[:0], j+1)
		case d == best:
			ends = append(ends, j+1)
		}
	}
	if len(ends) == 0 {
		return nil
	}
	rq := slices.Clone(quote)
	slices.Reverse(rq)
	rev := newPattern(rq)
	out := make([]hypCandidate, 0, len(ends))
	for _, e := range ends {
		s, _ := rev.bestStart(text, max(0, e-len(quote)-best), e)
		out = append(out, hypCandidate{s, e, best})
	}
	return out
}

// textMatchScore is 1 - (fewest errors of str anywhere in window)/len(str).
func textMatchScore(window, str []rune) float64 {
	if len(str) == 0 || len(window) == 0 {
		return 0
	}
	if strings.Contains(string(window), string(str)) {
		return 1
	}
	_, errs := newPattern(str).bestEnd(window, 0, len(window), len(window))
	return 1 - float64(min(errs, len(str)))/float64(len(str))
}

// TestHypothesisBaseline checks that the baseline reproduces the
// behaviour annotation.md §1.7 reports for Hypothesis, so that comparing
// against it is fair.
func TestHypothesisBaseline(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     models.AnchorState
		wantText string // the text it anchors to
	}{
		{"insertion before span: correct",
			"Police said ⟦twelve people were hurt⟧ on Monday.",
			"On Monday, police said twelve people were hurt on Monday.",
			models.AnchorAnchored, "twelve people were hurt"},
		{"#7571: original edited, exact copy elsewhere wins",
			"Police said ⟦twelve officers were indicted⟧ on Friday. Later: twelve officers were indicted by the jury.",
			"Police said eleven officers were indicted on Friday. Later: twelve officers were indicted by the jury.",
			models.AnchorAnchored, "twelve officers were indicted"},
		{"John Smith deleted: false positive on Jon Smythe",
			"Asked at the rally, ⟦John Smith⟧ declined to comment. Others spoke.",
			"Asked at the rally, a voter declined to comment. Jon Smythe spoke.",
			models.AnchorChanged, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldText, c := claimFrom(t, tt.old)
			got := hypothesisAnchor(oldText, tt.new, c)
			if got.State != tt.want {
				t.Fatalf("state = %s (%q), want %s", got.State, got.Quote, tt.want)
			}
			if tt.wantText != "" && got.Quote != tt.wantText {
				t.Errorf("quote = %q, want %q", got.Quote, tt.wantText)
			}
			if tt.name == "#7571: original edited, exact copy elsewhere wins" && got.Start < 60 {
				t.Errorf("anchored at %d, want the copy (after 60)", got.Start)
			}
		})
	}
}

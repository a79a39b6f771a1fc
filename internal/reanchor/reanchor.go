// Package reanchor keeps claims anchored when an article's canonical text
// is revised.
//
// A claim is a span of the old text (code-point offsets plus the quoted
// text and 32 code points of context on each side). Reanchor finds where
// each claim is in the new text, or says that it cannot be found with
// confidence. It never moves a claim silently to a look-alike: a claim is
// orphaned rather than anchored where it does not belong.
//
// The method, in order (docs/reanchoring.md has the full account):
//
//  1. Map the claim's start and end through a diff of the old and new text
//     (code points; paragraphs first, then words; see diff.go). If the
//     mapped span holds the quote and the claim's context survived around
//     it (the rest of the claim's sentence still in the same sentence),
//     the claim is anchored there. If the diff split the claim's sentence
//     to align the claim with another one, the mapped position counts
//     for nothing.
//  2. Otherwise collect candidates: the mapped span, every occurrence of
//     the quote (after folding case, whitespace, quote marks, dashes and
//     accents), and approximate matches found through an n-gram index of
//     the new text and checked with bit-parallel edit distance. An exact
//     match elsewhere never ends the search.
//  3. Drop candidates that are unchanged text from elsewhere in the old
//     article: a sentence that was already there is not where the claim
//     went.
//  4. Score the rest on quote similarity and identity evidence: context
//     similarity (stricter away from the mapped position, where a phrase
//     must keep the rest of its sentence), closeness to the mapped
//     position, the diff's own alignment, and for a long exact quote in
//     new text, evidence of a move. Some candidates may compete but not
//     win (moved and reworded; anything elsewhere when the claim's place
//     is pinned by unchanged context). Accept the best only at MinScore
//     or above and a Margin ahead of the next distinct candidate (stricter
//     for short quotes).
package reanchor

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Claim is a claim as it was anchored in the old text: Start and End are
// code-point offsets, Quote is the text between them and Prefix and Suffix
// are up to models.ContextRunes code points on either side. When Start and
// End do not select Quote in the old text, the occurrence of Quote nearest
// to Start is used, and failing that Quote, Prefix and Suffix alone.
type Claim struct {
	ID             int64
	Start, End     int
	Quote          string
	Prefix, Suffix string
}

// Result is where a claim is in the new text.
type Result struct {
	ID     int64
	State  models.AnchorState // anchored: quote unchanged (wherever it moved); changed: found with confidence but text differs; orphaned: not found with confidence
	Start  int                // code points in the new text; 0 when orphaned
	End    int
	Quote  string  // the new text at Start:End (for changed, the new quote)
	Prefix string  // new context, models.ContextRunes code points
	Suffix string  //
	Score  float64 // confidence of the chosen candidate, 0..1
	Reason string  // short human explanation
}

// Decision thresholds. They were calibrated on the quality benchmark
// (quality_test.go; results in docs/reanchoring.md).
const (
	// MinScore is the lowest score at which a candidate is accepted; below
	// it the claim is orphaned. A candidate's score is
	// QuoteWeight·quote similarity + (1-QuoteWeight)·identity evidence, so
	// a candidate needs at least 0.6 quote similarity with perfect identity
	// evidence, or a perfect quote with identity evidence of 0.6.
	MinScore = 0.80
	// MinScoreShort replaces MinScore for quotes shorter than
	// ShortQuoteRunes: a short quote matches by chance more often, so away
	// from its mapped position it needs nearly intact context.
	MinScoreShort = 0.90
	// Margin is how far the best candidate must lead the best candidate
	// that does not overlap it; otherwise the claim is orphaned as
	// ambiguous rather than guessed.
	Margin = 0.10
	// MarginShort replaces Margin for quotes shorter than ShortQuoteRunes.
	MarginShort = 0.15
	// ShortQuoteRunes is the length below which a quote counts as short.
	ShortQuoteRunes = 20

	// DirectKept is the share of the claim's context (on each side) that
	// the diff must have kept for a mapped span holding the exact quote to
	// be accepted without a search. Below it the diff may have aligned the
	// quote with a look-alike (the claim's paragraph moved away, a similar
	// sentence took its place), and the mapped span competes with the
	// other candidates.
	DirectKept = 0.5
	// OwnEvidence is the identity evidence of a candidate that is exactly
	// the quote and, by the diff, entirely the claim's own old text: it is
	// accepted unless another candidate comes within the margin.
	OwnEvidence = 0.9
	// QuoteWeight is the weight of quote similarity in a score; identity
	// evidence (context, position, move) has the rest.
	QuoteWeight = 0.5
	// ContextFloor is the context similarity that counts as no evidence
	// (unrelated English text of 32 code points is typically 0.3–0.45
	// similar); ContextFull is the similarity that counts as full
	// evidence. Evidence rises linearly between them.
	ContextFloor = 0.45
	ContextFull  = 0.90
	// MovedContextFloor replaces ContextFloor away from the mapped
	// position: a phrase recurs in look-alike sentences ("Police said
	// eleven people were hurt when a crowd gathered outside the tax
	// office") whose context differs from the claim's by a word or two on
	// each side, so there the context must be nearly verbatim.
	MovedContextFloor = 0.75
	// MovedChangedQuote is the quote similarity below which a candidate
	// that is neither at the mapped position nor exact may not be chosen
	// (it still competes for the margin): moved and reworded at once is
	// what a look-alike sentence looks like, so only a near-verbatim
	// version of a moved claim is taken for it.
	MovedChangedQuote = 0.90
	// PinnedQuote is the quote similarity from which a mapped span whose
	// context is unchanged on both sides (pinned) counts as the claim's
	// place: then a candidate elsewhere may compete but not win.
	PinnedQuote = 0.5
	// ContextMinRunes is the context length that counts as full evidence.
	// Context stops at a paragraph break, so a claim that starts a
	// paragraph has a prefix of one "\n"; such a short side counts in
	// proportion at the mapped position. Away from the mapped position a
	// candidate must match the context on every side that has at least
	// ContextMinRunes (the weaker side counts, from MovedContextFloor),
	// and a short side must match exactly; so a look-alike sentence
	// elsewhere that shares one side of the context is not taken for the
	// claim, moved.
	ContextMinRunes = 16
	// NearRunes is the distance from the diff-mapped span at which
	// position evidence falls to zero; a candidate overlapping the mapped
	// span has at most NearEvidence, scaled by the share of the claim's
	// context that the diff kept: the mapped position is only as good as
	// the alignment around it. It is below 1 so that a candidate near the
	// mapped position but with unrelated context (a sentence inserted
	// where the claim was deleted) still needs a similar quote.
	NearRunes    = 64
	NearEvidence = 0.8
	// MinMoveRunes and FullMoveRunes bound the move evidence given to an
	// exact match of a quote in text that this revision inserted: none
	// below MinMoveRunes code points, full from FullMoveRunes (a long
	// sentence). If the original is still in place too, the two compete
	// and the margin decides.
	MinMoveRunes  = 24
	FullMoveRunes = 64
	// MaxForeign is the share of a candidate that may be unchanged text
	// from elsewhere in the old article before the candidate is dropped
	// (when none of it is the claim's own old text).
	MaxForeign = 0.5
	// MaxErrorRate bounds the errors of an approximate match during
	// candidate search, as a share of the quote (as Hypothesis: m/2,
	// capped at maxSearchErrors).
	MaxErrorRate    = 0.5
	maxSearchErrors = 256
	// refineRunes is how far refine may move an end of a candidate, and
	// refineTop how many of the best candidates it is applied to.
	refineRunes = 24
	refineTop   = 3
	// refineClassRunes is the extra reach for moving an end to a sentence
	// or paragraph boundary when the claim's end was one.
	refineClassRunes = 40
	// maxExactCandidates caps the exact occurrences scored per claim (the
	// nearest to the mapped position); a quote that occurs more often
	// cannot lead a margin anyway.
	maxExactCandidates = 64
)

// Reanchor maps every claim from oldText to newText. It is deterministic
// and pure: the result does not depend on time, claim order or earlier
// calls.
func Reanchor(oldText, newText string, claims []Claim) []Result {
	if len(claims) == 0 {
		return nil
	}
	e := newEngine(oldText, newText)
	out := make([]Result, len(claims))
	for i, c := range claims {
		out[i] = e.reanchor(c)
	}
	return out
}

type engine struct {
	old, nw []rune
	diff    *diffResult
	fc      foldCache
	fnew    *folded    // folded new text, built on first need
	index   *gramIndex // over fnew.r, built on first need
}

func newEngine(oldText, newText string) *engine {
	e := &engine{old: []rune(oldText), nw: []rune(newText), fc: foldCache{}}
	e.diff = computeDiff(e.old, e.nw)
	return e
}

func (e *engine) folded() *folded {
	if e.fnew == nil {
		f := e.fc.foldText(e.nw)
		e.fnew = &f
	}
	return e.fnew
}

func (e *engine) gramIndex() *gramIndex {
	if e.index == nil {
		e.index = newGramIndex(e.folded().r)
	}
	return e.index
}

// claimInfo is a claim prepared for search.
type claimInfo struct {
	Claim
	quote        []rune
	cs, ce       int     // old span
	located      bool    // cs:ce selects the quote in the old text
	ms, me       int     // diff-mapped span in the new text (if located)
	pinned       bool    // the claim's context is unchanged on both sides, so the diff fixes the mapped span's ends
	ctxKept      float64 // the smaller share of either side of the claim's context that the diff kept in place around the mapped span
	split        bool    // the diff split the claim's sentence to align the claim with another one, so the mapped span is no evidence
	midStart     bool    // the claim starts inside a sentence
	midEnd       bool    // the claim ends inside a sentence
	sentPre      []rune  // folded: the claim's sentence before it (if midStart)
	sentSuf      []rune  // folded: the claim's sentence after it (if midEnd)
	mappedQ      float64 // quote similarity of the mapped span
	fq, fp, fsuf []rune
}

type candidate struct {
	sentence           float64 // evidence from the rest of the claim's sentence (away from the mapped position)
	exact              bool    // equal to the quote after folding
	rival              bool    // may not be chosen, but competes for the margin
	s, e               int     // new text, code points
	q, ctx, near, move float64
	score              float64
	own, foreign       int // runes that are the claim's own old text, or other old text, by the diff
}

func (e *engine) reanchor(c Claim) Result {
	ci, direct, ok := e.setup(c)
	if !ok {
		return direct
	}
	cands := e.candidates(&ci)
	if len(cands) == 0 {
		return orphan(c.ID, 0, "orphaned: no candidate")
	}
	sortCandidates(cands)
	// Refine the boundaries of the best few inexact candidates and rescore.
	refined := false
	for i := 0; i < min(refineTop, len(cands)); i++ {
		cd := cands[i]
		if cd.exact || (ci.pinned && cd.s == ci.ms && cd.e == ci.me) {
			continue
		}
		s, t := e.refine(&ci, cd.s, cd.e)
		s, t = e.tidy(s, t)
		if (s != cd.s || t != cd.e) && t > s {
			if nc, ok := e.score(&ci, s, t); ok {
				cands[i] = nc
				refined = true
			}
		}
	}
	if refined {
		cands = dedupe(cands)
		sortCandidates(cands)
	}
	bi := slices.IndexFunc(cands, func(c candidate) bool { return !c.rival })
	if bi < 0 {
		return orphan(c.ID, cands[0].score, fmt.Sprintf("orphaned: only a look-alike (moved and reworded, similarity %.2f < %.2f)", cands[0].q, MovedChangedQuote))
	}
	best := cands[bi]
	short := len(ci.quote) < ShortQuoteRunes
	minScore, margin := MinScore, Margin
	if short {
		minScore, margin = MinScoreShort, MarginShort
	}
	if best.score < minScore {
		return orphan(c.ID, best.score, fmt.Sprintf("orphaned: best candidate %.2f < %.2f", best.score, minScore))
	}
	for i, o := range cands {
		if i != bi && (o.e <= best.s || o.s >= best.e) { // the strongest distinct candidate, rivals included
			if best.score-o.score < margin {
				return orphan(c.ID, best.score, fmt.Sprintf("orphaned: two candidates within margin (%.2f vs %.2f)", best.score, o.score))
			}
			break
		}
	}
	if slices.Equal(e.nw[best.s:best.e], ci.quote) {
		reason := "moved: exact match with matching context"
		switch {
		case best.s < ci.me && best.e > ci.ms:
			reason = "anchored: exact match at the mapped position"
		case best.ctx < 0.5 && best.move > best.ctx:
			reason = "moved: exact match of a long quote in new text"
		}
		return e.result(c.ID, models.AnchorAnchored, best.s, best.e, best.score, reason)
	}
	reason := "changed: quote edited"
	if !(best.s < max(ci.me, ci.ms+1) && best.e > ci.ms) {
		reason = "changed: quote edited and moved"
	}
	if best.exact {
		reason = "changed: only whitespace, case or typography differs"
	}
	return e.result(c.ID, models.AnchorChanged, best.s, best.e, best.score, fmt.Sprintf("%s (similarity %.2f)", reason, best.q))
}

// setup prepares a claim: it finds it in the old text, maps it through
// the diff and folds its quote and context. It returns a final result
// instead when there is nothing to search for (empty quote) or the mapped
// span holds the quote with the claim's context kept.
func (e *engine) setup(c Claim) (ci claimInfo, res Result, search bool) {
	ci = claimInfo{Claim: c, quote: []rune(c.Quote)}
	if len(ci.quote) == 0 {
		return ci, orphan(c.ID, 0, "orphaned: empty quote"), false
	}
	e.locate(&ci)
	if ci.located {
		ci.ms, ci.me = e.diff.mapStart(ci.cs), e.diff.mapEnd(ci.ce)
		if ci.me < ci.ms {
			ci.me = ci.ms
		}
		ci.ms, ci.me = e.tidy(e.snapWords(&ci, ci.ms, ci.me))
		var hasContext bool
		ci.ctxKept, ci.split, hasContext = e.contextKept(ci.cs, ci.ce, ci.ms, ci.me)
		if slices.Equal(e.nw[ci.ms:ci.me], ci.quote) && ci.ctxKept >= DirectKept && !ci.split {
			return ci, e.result(c.ID, models.AnchorAnchored, ci.ms, ci.me, 1, "mapped through diff"), false
		}
		ci.pinned = ci.me > ci.ms && ci.ctxKept == 1 && hasContext
		ci.midStart = startClass(e.old, ci.cs) == boundaryNone
		ci.midEnd = endClass(e.old, ci.ce) == boundaryNone && !endsSentence(e.old, ci.ce)
		if ci.midStart {
			ci.sentPre = e.fc.foldText(sentenceBefore(e.old, ci.cs)).r
		}
		if ci.midEnd {
			ci.sentSuf = e.fc.foldText(sentenceAfter(e.old, ci.ce)).r
		}
	}
	e.prepare(&ci)
	return ci, Result{}, true
}

// sortCandidates orders candidates best first, deterministically.
func sortCandidates(cands []candidate) {
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.score != b.score {
			return a.score > b.score
		}
		if a.near != b.near {
			return a.near > b.near
		}
		if a.s != b.s {
			return a.s < b.s
		}
		return a.e < b.e
	})
}

func dedupe(cands []candidate) []candidate {
	seen := map[[2]int]bool{}
	out := cands[:0]
	for _, c := range cands {
		if !seen[[2]int{c.s, c.e}] {
			seen[[2]int{c.s, c.e}] = true
			out = append(out, c)
		}
	}
	return out
}

// contextKept measures how much of the claim's context (old[cs:ce]'s
// prefix and suffix, up to models.ContextRunes code points or to the
// nearest line break) the diff kept in place around the mapped span
// new[ms:me]: kept is the smaller of the shares of either side that are
// unchanged text and, where they belong to the claim's sentence, are
// still in the sentence (or sentences) of the mapped span. hasText says
// whether either side has any text (a whole paragraph has only line
// breaks around it, which say nothing about where it went).
//
// split reports that the diff kept some of the rest of the claim's
// sentence on one side, but in another sentence, while the other side's
// context is not all kept in place. The diff has then split the claim's
// sentence and aligned the claim's words with a different one: the
// sentence was reworded and a new sentence repeats the words ("Officials
// said prices rose sharply in March" → "Traders said prices rose sharply
// on Tuesday. Officials said costs climbed in March"). When the other
// side is intact, the sentence was split next to the claim ("Officials
// said prices rose sharply. In March, …"), and that side pins it.
func (e *engine) contextKept(cs, ce, ms, me int) (kept float64, split, hasText bool) {
	ps := cs
	for ps > 0 && cs-ps < models.ContextRunes {
		ps--
		if e.old[ps] == '\n' {
			break
		}
	}
	pe := ce
	for pe < len(e.old) && pe-ce < models.ContextRunes {
		pe++
		if e.old[pe-1] == '\n' {
			break
		}
	}
	oss, ose := cs-len(sentenceBefore(e.old, cs)), ce+len(sentenceAfter(e.old, ce))
	nss, nse := ms-len(sentenceBefore(e.nw, ms)), me+len(sentenceAfter(e.nw, me))
	kp, dp, tp := e.keptText(ps, cs, oss, cs, nss, nse)
	ks, ds, ts := e.keptText(ce, pe, ce, ose, nss, nse)
	return min(kp, ks), (dp && ks < 1) || (ds && kp < 1), tp || ts
}

// keptText is the share of the non-space runes of old[s:t] that are
// unchanged text, 1 if there are none: the line break before a paragraph
// stays a paragraph start when the paragraph before it is deleted, though
// the diff may count that break as deleted. Runes in old[a:b], the rest
// of the claim's sentence, count only if they are kept within new[lo:hi],
// the mapped span's sentence; displaced says that some are kept
// elsewhere.
func (e *engine) keptText(s, t, a, b, lo, hi int) (kept float64, displaced, hasText bool) {
	for s < t && unicode.IsSpace(e.old[s]) {
		s++
	}
	for t > s && unicode.IsSpace(e.old[t-1]) {
		t--
	}
	if t <= s {
		return 1, false, false
	}
	_, all := e.diff.keptWhere(s, t, 0, 0)
	var away int
	if a, b = max(a, s), min(b, t); b > a {
		in, sent := e.diff.keptWhere(a, b, lo, hi)
		away = sent - in
	}
	return float64(all-away) / float64(t-s), away > 0, true
}

// snapWords adjusts the ends of a mapped span that fell into replaced
// text (where they are mapped proportionally): a claim that started a
// paragraph or sentence starts the nearest paragraph or sentence inside
// the replacement, likewise for its end, and otherwise a cut word is
// widened to whole words.
func (e *engine) snapWords(ci *claimInfo, s, t int) (int, int) {
	o, r := e.old, e.nw
	if b1, _, ok := e.diff.gapAt(ci.cs, false); ok {
		if class := startClass(o, ci.cs); class > 0 {
			for x := s; x >= b1; x-- {
				if startClass(r, x) >= class {
					s = x
					break
				}
			}
		}
	}
	if _, b2, ok := e.diff.gapAt(ci.ce, true); ok {
		if class := endClass(o, ci.ce); class > 0 {
			for x := t; x <= b2; x++ {
				if endClass(r, x) >= class {
					t = x
					break
				}
			}
		}
	}
	cutsWord := func(x []rune, i int) bool { return i > 0 && i < len(x) && isWordRune(x[i-1]) && isWordRune(x[i]) }
	if !cutsWord(o, ci.cs) {
		for cutsWord(r, s) && s > 0 {
			s--
		}
	}
	if !cutsWord(o, ci.ce) {
		for cutsWord(r, t) && t < len(r) {
			t++
		}
	}
	return s, t
}

// Boundary classes of a position in a text.
const (
	boundaryNone      = 0
	boundarySentence  = 1
	boundaryParagraph = 2
)

// startClass says whether position p starts a paragraph or a sentence.
func startClass(r []rune, p int) int {
	if p < 0 || p > len(r) || (p < len(r) && unicode.IsSpace(r[p])) {
		return boundaryNone
	}
	i := p - 1
	for i >= 0 && r[i] != '\n' && unicode.IsSpace(r[i]) {
		i--
	}
	switch {
	case i < 0 || r[i] == '\n':
		return boundaryParagraph
	case i < p-1 && endsSentence(r, i+1):
		return boundarySentence
	}
	return boundaryNone
}

// endClass says whether position p ends a paragraph or a sentence.
func endClass(r []rune, p int) int {
	if p <= 0 || p > len(r) || unicode.IsSpace(r[p-1]) {
		return boundaryNone
	}
	i := p
	for i < len(r) && r[i] != '\n' && unicode.IsSpace(r[i]) {
		i++
	}
	switch {
	case i == len(r) || r[i] == '\n':
		return boundaryParagraph
	case i > p && endsSentence(r, p):
		return boundarySentence
	}
	return boundaryNone
}

// sentenceEvidence compares the rest of the claim's sentence (before and
// after it, where the claim starts or ends inside the sentence) with the
// rest of the sentence around the folded candidate [fs, ft).
func (e *engine) sentenceEvidence(ci *claimInfo, fs, ft int) float64 {
	r := e.folded().r
	var old, nw []rune
	if ci.midStart {
		old = append(old, ci.sentPre...)
		nw = append(nw, sentenceBefore(r, fs)...)
	}
	old, nw = append(old, 0), append(nw, 0) // where the claim was
	if ci.midEnd {
		old = append(old, ci.sentSuf...)
		nw = append(nw, sentenceAfter(r, ft)...)
	}
	return strictEvidence(similarity(old, nw), len(old))
}

// maxSentenceRunes bounds how far sentenceBefore and sentenceAfter look.
const maxSentenceRunes = 300

// sentenceBefore returns r from the start of the sentence (or paragraph)
// that holds position p up to p.
func sentenceBefore(r []rune, p int) []rune {
	x := p
	for x > 0 && p-x < maxSentenceRunes && startClass(r, x) == boundaryNone {
		x--
	}
	return r[x:p]
}

// sentenceAfter returns r from p to the end of the sentence (or
// paragraph) that holds it.
func sentenceAfter(r []rune, p int) []rune {
	y := p
	for y < len(r) && y-p < maxSentenceRunes && endClass(r, y) == boundaryNone {
		y++
	}
	return r[p:y]
}

// endsSentence reports whether r[:p] ends with sentence punctuation,
// possibly followed by closing quotes or brackets.
func endsSentence(r []rune, p int) bool {
	for p > 0 && strings.ContainsRune("\"'”’)]»", r[p-1]) {
		p--
	}
	return p > 0 && strings.ContainsRune(".!?…", r[p-1])
}

// locate finds the claim's span in the old text.
func (e *engine) locate(ci *claimInfo) {
	if ci.Start >= 0 && ci.End <= len(e.old) && ci.Start <= ci.End && slices.Equal(e.old[ci.Start:ci.End], ci.quote) {
		ci.cs, ci.ce, ci.located = ci.Start, ci.End, true
		return
	}
	best := -1
	for i := 0; i+len(ci.quote) <= len(e.old); i++ {
		if e.old[i] == ci.quote[0] && slices.Equal(e.old[i:i+len(ci.quote)], ci.quote) {
			if best < 0 || absInt(i-ci.Start) < absInt(best-ci.Start) {
				best = i
			}
		}
	}
	if best >= 0 {
		ci.cs, ci.ce, ci.located = best, best+len(ci.quote), true
	}
}

// prepare folds the quote and its context. Context stops at a line break:
// what matters is the claim's place in its paragraph, which survives when
// the paragraph is moved. The text's start and end count as line breaks.
func (e *engine) prepare(ci *claimInfo) {
	prefix, suffix := []rune(ci.Prefix), []rune(ci.Suffix)
	atStart, atEnd := len(prefix) < models.ContextRunes, len(suffix) < models.ContextRunes
	if ci.located {
		ps := max(0, ci.cs-models.ContextRunes)
		prefix, atStart = e.old[ps:ci.cs], ps == 0
		pe := min(len(e.old), ci.ce+models.ContextRunes)
		suffix, atEnd = e.old[ci.ce:pe], pe == len(e.old)
	}
	ci.fq = e.fc.foldText(ci.quote).r
	ci.fp = e.fc.foldText(prefix).r
	if atStart {
		ci.fp = append([]rune{'\n'}, ci.fp...)
	}
	if i := lastIndex(ci.fp, '\n'); i > 0 {
		ci.fp = ci.fp[i:]
	}
	ci.fsuf = e.fc.foldText(suffix).r
	if atEnd {
		ci.fsuf = append(ci.fsuf, '\n')
	}
	if i := slices.Index(ci.fsuf, '\n'); i >= 0 {
		ci.fsuf = ci.fsuf[:i+1]
	}
}

func lastIndex(r []rune, x rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == x {
			return i
		}
	}
	return -1
}

// candidates gathers and scores every candidate span for the claim.
func (e *engine) candidates(ci *claimInfo) []candidate {
	f := e.folded()
	seen := map[[2]int]bool{}
	var out []candidate
	add := func(s, t int) {
		s, t = e.tidy(s, t)
		if t <= s || seen[[2]int{s, t}] {
			return
		}
		if ci.pinned && s < ci.me && t > ci.ms && (s != ci.ms || t != ci.me) {
			return // the mapped span's ends are fixed by unchanged text; a span overlapping it is a worse reading of the same place
		}
		seen[[2]int{s, t}] = true
		if c, ok := e.score(ci, s, t); ok {
			out = append(out, c)
		}
	}
	m := len(ci.fq)
	if m == 0 {
		return nil
	}
	k := min(maxSearchErrors, int(float64(m)*MaxErrorRate))
	if ci.located && ci.me > ci.ms {
		add(ci.ms, ci.me)
		if len(out) > 0 {
			ci.mappedQ = out[0].q
		}
	}
	// Every exact (folded) occurrence, the nearest first if there are many.
	var exact []int
	if m >= gramLen {
		exact = e.gramIndex().exact(ci.fq)
	} else {
		for i := 0; i+m <= len(f.r); i++ {
			if f.r[i] == ci.fq[0] && slices.Equal(f.r[i:i+m], ci.fq) {
				exact = append(exact, i)
			}
		}
	}
	if len(exact) > maxExactCandidates {
		hint := 0
		if ci.located {
			hint = int(f.at[ci.ms])
		}
		slices.SortStableFunc(exact, func(a, b int) int { return absInt(a-hint) - absInt(b-hint) })
		exact = exact[:maxExactCandidates]
	}
	for _, p := range exact {
		s, t := f.span(p, p+m)
		add(s, t)
	}
	// Approximate matches: around the mapped span, and where the quote's
	// n-grams cluster.
	var pat, rev *pattern
	search := func(lo, hi, want int) {
		lo, hi = max(0, lo), min(len(f.r), hi)
		if hi-lo < 1 {
			return
		}
		if pat == nil {
			pat = newPattern(ci.fq)
			r := slices.Clone(ci.fq)
			slices.Reverse(r)
			rev = newPattern(r)
		}
		end, errs := pat.bestEnd(f.r, lo, hi, want)
		if end < 0 || errs > k {
			return
		}
		start, _ := rev.bestStart(f.r, max(lo, end-m-k), end)
		s, t := f.span(start, end)
		add(s, t)
	}
	const pad = 8
	if ci.located {
		fs, fe := int(f.at[ci.ms]), int(f.at[ci.me])
		search(fs-k-pad, fe+k+pad, fe)
	}
	if m >= gramLen {
		for _, d := range e.gramIndex().windows(ci.fq, k) {
			search(d-k-pad, d+m+k+pad, d+m)
		}
	}
	return out
}

// refine moves the ends of an approximate candidate to the word
// boundaries (or, for a quote that starts or ends with punctuation, the
// same punctuation) within refineRunes that best match the quote and its
// context: edit distance alone would end "went on the" → "unspecified on
// the" at "unspecifie", and a start mapped into replaced text may fall
// mid-word.
func (e *engine) refine(ci *claimInfo, s, t int) (int, int) {
	f := e.folded()
	r := f.r
	fs, ft := int(f.at[s]), int(f.at[t])
	q := ci.fq
	if len(q) == 0 || ft <= fs {
		return s, t
	}
	reach := min(refineRunes, max(4, len(q)/2))
	startReach, endReach := reach, reach
	classS, classE := boundaryNone, boundaryNone
	if ci.located {
		// A claim that started (ended) a sentence or paragraph starts
		// (ends) one in the new text, if there is one within reach.
		if classS = startClass(e.old, ci.cs); classS > 0 && !hasBoundary(fs, startReach+refineClassRunes, func(p int) bool { return startClass(r, p) >= classS }) {
			classS = boundaryNone
		}
		if classE = endClass(e.old, ci.ce); classE > 0 && !hasBoundary(ft, endReach+refineClassRunes, func(p int) bool { return endClass(r, p) >= classE }) {
			classE = boundaryNone
		}
		if classS > 0 {
			startReach += refineClassRunes
		}
		if classE > 0 {
			endReach += refineClassRunes
		}
	}
	startOK := func(p int) bool {
		if classS > 0 {
			return startClass(r, p) >= classS
		}
		if isWordRune(q[0]) {
			return isWordRune(r[p]) && (p == 0 || !isWordRune(r[p-1]))
		}
		return r[p] == q[0]
	}
	endOK := func(p int) bool {
		if classE > 0 {
			return endClass(r, p) >= classE
		}
		if isWordRune(q[len(q)-1]) {
			return isWordRune(r[p-1]) && (p == len(r) || !isWordRune(r[p]))
		}
		return r[p-1] == q[len(q)-1]
	}
	pre, suf := map[int]float64{}, map[int]float64{} // context evidence by position
	objective := func(a, b int) float64 {
		p, ok := pre[a]
		if !ok {
			p = sideEvidence(similarity(ci.fp, window(r, a-len(ci.fp), a)), len(ci.fp))
			pre[a] = p
		}
		x, ok := suf[b]
		if !ok {
			x = sideEvidence(similarity(ci.fsuf, window(r, b, b+len(ci.fsuf))), len(ci.fsuf))
			suf[b] = x
		}
		return QuoteWeight*similarity(q, r[a:b]) + (1-QuoteWeight)*(p+x)/2
	}
	best := objective(fs, ft)
	if classS > 0 && !startOK(fs) {
		best = -1 // the current start breaks the claim's boundary: any allowed one is better
	}
	if classE > 0 && !endOK(ft) {
		best = -1
	}
	for pass := 0; pass < 2; pass++ {
		bs := fs
		for p := max(0, fs-startReach); p <= min(ft-1, fs+startReach); p++ {
			if p != fs && startOK(p) {
				if v := objective(p, ft); v > best || (v == best && absInt(p-fs) < absInt(bs-fs)) {
					best, bs = v, p
				}
			}
		}
		fs = bs
		be := ft
		for p := max(fs+1, ft-endReach); p <= min(len(r), ft+endReach); p++ {
			if p != ft && endOK(p) {
				if v := objective(fs, p); v > best || (v == best && absInt(p-ft) < absInt(be-ft)) {
					best, be = v, p
				}
			}
		}
		ft = be
	}
	return f.span(fs, ft)
}

// hasBoundary reports whether ok holds at some position within reach of p.
func hasBoundary(p, reach int, ok func(int) bool) bool {
	for d := 0; d <= reach; d++ {
		if ok(p-d) || ok(p+d) {
			return true
		}
	}
	return false
}

// score rates new[s:t] as the claim's new place. It returns false for a
// candidate that is unchanged text from elsewhere in the old article.
func (e *engine) score(ci *claimInfo, s, t int) (candidate, bool) {
	c := candidate{s: s, e: t}
	if ci.located {
		c.own, c.foreign = e.diff.origin(s, t, ci.cs, ci.ce)
		if c.own == 0 && float64(c.foreign) > MaxForeign*float64(t-s) {
			return c, false
		}
	}
	f := e.folded()
	fs, ft := int(f.at[s]), int(f.at[t])
	c.exact = slices.Equal(ci.fq, f.r[fs:ft])
	c.q = quoteSimilarity(ci.fq, f.r[fs:ft])
	simP := similarity(ci.fp, window(f.r, fs-len(ci.fp), fs))
	simS := similarity(ci.fsuf, window(f.r, ft, ft+len(ci.fsuf)))
	nP, nS := len(ci.fp), len(ci.fsuf)
	overlapsMapped := ci.located && s < max(ci.me, ci.ms+1) && t > ci.ms
	switch {
	case ci.pinned && s == ci.ms && t == ci.me:
		c.ctx = 1 // the diff shows the context around it unchanged
	case overlapsMapped:
		c.ctx = (placeEvidence(simP, nP) + placeEvidence(simS, nS)) / 2
	default:
		// Away from the mapped position. A claim that starts or ends
		// inside a sentence moves with its sentence, so there the rest of
		// the sentence (both sides together) is its context; a side at a
		// sentence or paragraph boundary keeps its own context.
		c.ctx = bothSides(simP, nP, simS, nS)
		if ci.midStart || ci.midEnd {
			c.sentence = e.sentenceEvidence(ci, fs, ft)
			c.ctx = c.sentence
			if !ci.midStart {
				c.ctx = min(c.ctx, strictEvidence(simP, nP))
			}
			if !ci.midEnd {
				c.ctx = min(c.ctx, strictEvidence(simS, nS))
			}
		}
		// Moved and reworded at once, with different words, is what a
		// look-alike sentence looks like: it may not be chosen, but it
		// still competes (it may be the claim, so nothing near it in
		// score may be chosen either).
		c.rival = !c.exact && c.q < MovedChangedQuote
		// If the diff pins the claim's place (its context is unchanged on
		// both sides) and that place still holds a plausible version of
		// it, a copy elsewhere is not where it went.
		c.rival = c.rival || (ci.pinned && ci.mappedQ >= PinnedQuote)
	}
	if ci.located {
		d := max(0, s-ci.me, ci.ms-t)
		c.near = max(0, 1-float64(d)/NearRunes)
		if ci.me > ci.ms && d == 0 && (s >= ci.me || t <= ci.ms) {
			c.near = 1 - 1.0/NearRunes // touching, not overlapping
		}
		c.near *= NearEvidence * ci.ctxKept
		if ci.split {
			c.near = 0 // the diff split the claim's sentence: the mapped position is no evidence
		}
	}
	m := len(ci.quote)
	if c.exact && m >= MinMoveRunes {
		c.move = min(1, float64(m-MinMoveRunes)/float64(FullMoveRunes-MinMoveRunes))
		// A claim that starts or ends inside a sentence moves with its
		// sentence, so on that side its context moves with it too.
		if ci.midStart || ci.midEnd {
			if !overlapsMapped {
				c.move *= c.sentence
			} else {
				c.move *= e.sentenceEvidence(ci, fs, ft)
			}
		}
	}
	var own float64
	if c.exact && c.own == t-s && !ci.split {
		own = OwnEvidence // the claim's own text, unchanged, by the diff
	}
	identity := 1 - (1-c.ctx)*(1-c.near)*(1-c.move)*(1-own)
	c.score = QuoteWeight*c.q + (1-QuoteWeight)*identity
	return c, true
}

// quoteSimilarity compares a folded quote with a folded candidate: the
// larger of the character similarity (1 - edit distance / length) and the
// word similarity (Dice coefficient of the word multisets), because a
// reworded claim often keeps its words in a new order ("12 Russian
// intelligence officers" → "12 officers of Russia's military
// intelligence"), which edit distance counts as many errors.
func quoteSimilarity(q, c []rune) float64 {
	return max(similarity(q, c), wordSimilarity(q, c))
}

func wordSimilarity(a, b []rune) float64 {
	wa, wb := words(a), words(b)
	if len(wa)+len(wb) == 0 {
		return 0
	}
	count := make(map[string]int, len(wa))
	for _, w := range wa {
		count[w]++
	}
	common := 0
	for _, w := range wb {
		if count[w] > 0 {
			count[w]--
			common++
		}
	}
	return 2 * float64(common) / float64(len(wa)+len(wb))
}

func words(r []rune) []string {
	var out []string
	for i := 0; i < len(r); {
		for i < len(r) && !isWordRune(r[i]) {
			i++
		}
		j := i
		for j < len(r) && isWordRune(r[j]) {
			j++
		}
		if j > i {
			out = append(out, string(r[i:j]))
		}
		i = j
	}
	return out
}

// evidence turns a context similarity into evidence in [0,1].
func evidence(sim float64) float64 {
	return min(1, max(0, (sim-ContextFloor)/(ContextFull-ContextFloor)))
}

// bothSides is the context evidence of a candidate away from the mapped
// position: the weaker of the sides with at least ContextMinRunes of
// context; a shorter side (a paragraph boundary) must match exactly and
// is otherwise neutral. With no long side it is the weighted mean.
func bothSides(simP float64, nP int, simS float64, nS int) float64 {
	if nP < ContextMinRunes && nS < ContextMinRunes {
		if simP < 1 || simS < 1 {
			return 0
		}
		return (sideEvidence(simP, nP) + sideEvidence(simS, nS)) / 2
	}
	return min(strictEvidence(simP, nP), strictEvidence(simS, nS))
}

// placeEvidence is the evidence of one side's context at the mapped
// position: a short side (a paragraph boundary) counts fully when the
// candidate shares it.
func placeEvidence(sim float64, n int) float64 {
	if n < ContextMinRunes {
		if sim == 1 {
			return 1
		}
		return 0
	}
	return evidence(sim)
}

// strictEvidence is the evidence of one side's context, from
// MovedContextFloor; a short side must match exactly.
func strictEvidence(sim float64, n int) float64 {
	if n < ContextMinRunes {
		if sim == 1 {
			return 1
		}
		return 0
	}
	return min(1, max(0, (sim-MovedContextFloor)/(ContextFull-MovedContextFloor)))
}

// sideEvidence is the evidence of one side's context of n code points:
// short context (a claim at a paragraph boundary has just the break)
// says little.
func sideEvidence(sim float64, n int) float64 {
	return evidence(sim) * min(1, float64(n)/ContextMinRunes)
}

// window returns r[lo:hi] with a virtual line break before the start and
// after the end of the text.
func window(r []rune, lo, hi int) []rune {
	out := make([]rune, 0, max(0, hi-lo))
	for i := lo; i < hi; i++ {
		switch {
		case i == -1 || i == len(r):
			out = append(out, '\n')
		case i >= 0 && i < len(r):
			out = append(out, r[i])
		}
	}
	return out
}

// tidy trims whitespace and invisible characters off a span of the new
// text and widens it so that it does not split a grapheme (a base
// character and its combining marks, emoji modifiers and joiners).
func (e *engine) tidy(s, t int) (int, int) {
	r := e.nw
	s, t = max(0, min(s, len(r))), max(0, min(t, len(r)))
	for s < t && isTrimmable(r[s]) {
		s++
	}
	for t > s && isTrimmable(r[t-1]) {
		t--
	}
	if t <= s {
		return s, s
	}
	for s > 0 && (isExtender(r[s]) || r[s-1] == '\u200d') {
		s--
	}
	for t < len(r) && (isExtender(r[t]) || r[t-1] == '\u200d') {
		t++
	}
	return s, t
}

func isTrimmable(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u2060'
}

// isExtender reports whether r continues the grapheme before it.
func isExtender(r rune) bool {
	switch {
	case r == '\u200d', r >= '\ufe00' && r <= '\ufe0f', r >= 0xe0100 && r <= 0xe01ef,
		r >= 0x1f3fb && r <= 0x1f3ff, r >= 0xe0020 && r <= 0xe007f:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc)
}

func (e *engine) result(id int64, st models.AnchorState, s, t int, score float64, reason string) Result {
	ps, pe := max(0, s-models.ContextRunes), min(len(e.nw), t+models.ContextRunes)
	return Result{
		ID: id, State: st, Start: s, End: t,
		Quote:  string(e.nw[s:t]),
		Prefix: string(e.nw[ps:s]),
		Suffix: string(e.nw[t:pe]),
		Score:  score,
		Reason: reason,
	}
}

func orphan(id int64, score float64, reason string) Result {
	return Result{ID: id, State: models.AnchorOrphaned, Score: score, Reason: reason}
}

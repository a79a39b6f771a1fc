package reanchor

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// The quality benchmark runs Reanchor and the Hypothesis baseline on the
// same cases and counts:
//
//   - exact: the expected state and, unless orphaned, the expected span;
//   - false anchors: a span where the claim does not belong (the claim
//     should be orphaned, or the span does not overlap the expected one);
//   - orphans: orphaned results, and among them missed ones (the claim was
//     there to be found);
//   - other: right place, wrong boundaries or state.
//
// Cases come from real revisions (news-revisions.jsonl, ground truth
// derived conservatively; ambiguous claims are counted and skipped) and
// from synthetic edits of real text (news-text/*.txt, helsinki-summit.txt).
// It needs the shared corpus, ../shared/corpus from the repository root
// (or $CLAIMDESK_CORPUS), and skips without it.

var qualityVerbose = flag.Bool("quality.v", false, "print every quality case that is not exact")

func corpusDir(tb testing.TB) string {
	tb.Helper()
	if d := os.Getenv("CLAIMDESK_CORPUS"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("corpus not found: no go.mod above the test directory")
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared", "corpus")
	if _, err := os.Stat(filepath.Join(d, "news-revisions.jsonl")); err != nil {
		tb.Skipf("shared corpus absent (%s): skipping; set CLAIMDESK_CORPUS to run", d)
	}
	return d
}

// qcase is one claim to re-anchor with its expected outcome.
type qcase struct {
	set      string // "real" or "synthetic"
	group    string // story or edit type
	old, new string
	claim    Claim
	want     models.AnchorState
	ws, we   int // expected span (unless orphaned)
}

type tally struct {
	cases, exact, falseAnchors, orphans, missed, other int
}

func (t *tally) add(c qcase, got Result) (exact bool) {
	t.cases++
	if got.State == models.AnchorOrphaned {
		t.orphans++
		if c.want != models.AnchorOrphaned {
			t.missed++
			return false
		}
		t.exact++
		return true
	}
	if c.want == models.AnchorOrphaned || got.End <= c.ws || got.Start >= c.we {
		t.falseAnchors++
		return false
	}
	if got.State == c.want && got.Start == c.ws && got.End == c.we {
		t.exact++
		return true
	}
	t.other++
	return false
}

func (t tally) row(set, alg string) string {
	return fmt.Sprintf("| %-9s | %-10s | %5d | %6.1f%% | %13d | %7d | %6d | %5d |", set, alg, t.cases,
		100*float64(t.exact)/float64(max(1, t.cases)), t.falseAnchors, t.orphans, t.missed, t.other)
}

const tableHeader = "| set       | algorithm  | cases |  exact  | false anchors | orphans | missed | other |\n" +
	"|-----------|------------|-------|---------|---------------|---------|--------|-------|"

// ---------------------------------------------------------------------
// Text helpers

// splitSentences splits a paragraph into sentences at ". " (and ! ?)
// followed by a capital, digit or opening quote, skipping common
// abbreviations. Joining the result with " " gives the paragraph back.
func splitSentences(p string) []string {
	var out []string
	start := 0
	rs := []rune(p)
	pos := 0 // byte offset of rs[i]
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		size := utf8.RuneLen(r)
		if (r == '.' || r == '!' || r == '?') && i+1 < len(rs) {
			j := i + 1
			bj := pos + size
			for j < len(rs) && strings.ContainsRune("\"'”’)]", rs[j]) {
				bj += utf8.RuneLen(rs[j])
				j++
			}
			if j+1 < len(rs) && rs[j] == ' ' && startsSentence(rs[j+1]) && !abbreviation(rs[:i+1]) {
				out = append(out, p[start:bj])
				start = bj + 1
			}
		}
		pos += size
	}
	return append(out, p[start:])
}

func startsSentence(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune("\"“‘'(", r)
}

func abbreviation(before []rune) bool {
	i := len(before) - 1 // at the period
	j := i
	for j > 0 && !unicode.IsSpace(before[j-1]) {
		j--
	}
	word := string(before[j:i])
	if utf8.RuneCountInString(word) <= 1 || strings.Contains(word, ".") {
		return true // initials, U.S.
	}
	switch word {
	case "Mr", "Mrs", "Ms", "Dr", "St", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Sgt", "Capt", "No", "vs", "Jan", "Feb", "Aug", "Sept", "Oct", "Nov", "Dec", "Inc", "Co", "Corp", "Jr", "Sr":
		return true
	}
	return false
}

// runeSpan is a span in code points.
type runeSpan struct{ s, e int }

// sentenceSpans lists the sentences of a canonical text in code points.
func sentenceSpans(text string) []runeSpan {
	var out []runeSpan
	off := 0
	for _, p := range strings.Split(text, "\n\n") {
		for _, s := range splitSentences(p) {
			n := utf8.RuneCountInString(s)
			out = append(out, runeSpan{off, off + n})
			off += n + 1
		}
		off++ // the second "\n" (the first was counted as the separator)
	}
	return out
}

func wordsOf(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// dice is the word-multiset Dice similarity of two sentences.
func dice(a, b string) float64 {
	wa, wb := wordsOf(a), wordsOf(b)
	if len(wa)+len(wb) == 0 {
		return 1
	}
	count := map[string]int{}
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

// occurrences lists the code-point starts of every occurrence of q in s.
func occurrences(s, q string) []int {
	var out []int
	for from := 0; ; {
		i := strings.Index(s[from:], q)
		if i < 0 {
			return out
		}
		out = append(out, utf8.RuneCountInString(s[:from+i]))
		from += i + 1
	}
}

func claimAt(text []rune, id int64, s, e int) Claim {
	return Claim{ID: id, Start: s, End: e, Quote: string(text[s:e]),
		Prefix: string(text[max(0, s-models.ContextRunes):s]),
		Suffix: string(text[e:min(len(text), e+models.ContextRunes)])}
}

// phraseSpans picks claims inside a sentence span: a phrase of five words
// from the third word, and a short quote of two words (8-20 code points).
func phraseSpans(text []rune, sp runeSpan) (phrase, short runeSpan, okP, okS bool) {
	var words []runeSpan
	for i := sp.s; i < sp.e; {
		for i < sp.e && unicode.IsSpace(text[i]) {
			i++
		}
		j := i
		for j < sp.e && !unicode.IsSpace(text[j]) {
			j++
		}
		if j > i {
			words = append(words, runeSpan{i, j})
		}
		i = j
	}
	trim := func(s, e int) (int, int) {
		for e > s && strings.ContainsRune(",;:.!?\"”’)", text[e-1]) {
			e--
		}
		for s < e && strings.ContainsRune("\"“‘(", text[s]) {
			s++
		}
		return s, e
	}
	if len(words) >= 8 {
		s, e := trim(words[2].s, words[6].e)
		phrase, okP = runeSpan{s, e}, e > s
	}
	for k := 1; k+1 < len(words); k++ {
		s, e := trim(words[k].s, words[k+1].e)
		if n := e - s; n >= 8 && n <= 20 && isWordRune(text[s]) && isWordRune(text[e-1]) {
			return phrase, runeSpan{s, e}, okP, true
		}
	}
	return phrase, short, okP, false
}

// ---------------------------------------------------------------------
// Real revisions

type revision struct {
	Outlet  string `json:"outlet"`
	Story   int    `json:"story"`
	Version int    `json:"version"`
	HTML    string `json:"html"`
}

// realCases builds cases from consecutive versions of each story. It
// returns the cases and the number of claims skipped as ambiguous.
func realCases(tb testing.TB, dir string) ([]qcase, int) {
	f, err := os.Open(filepath.Join(dir, "news-revisions.jsonl"))
	if err != nil {
		tb.Skipf("shared corpus absent: %v", err)
	}
	defer f.Close()
	stories := map[string][]revision{}
	var keys []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var r revision
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			tb.Fatalf("news-revisions.jsonl: %v", err)
		}
		k := fmt.Sprintf("%s-%d", r.Outlet, r.Story)
		if _, ok := stories[k]; !ok {
			keys = append(keys, k)
		}
		stories[k] = append(stories[k], r)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	sort.Strings(keys)
	seen := map[[2]string]bool{}
	var cases []qcase
	ambiguous := 0
	var id int64
	for _, k := range keys {
		vs := stories[k]
		sort.Slice(vs, func(i, j int) bool { return vs[i].Version < vs[j].Version })
		for i := 0; i+1 < len(vs); i++ {
			old, err1 := canonicalText(vs[i].HTML)
			nw, err2 := canonicalText(vs[i+1].HTML)
			if err1 != nil || err2 != nil {
				tb.Fatalf("%s: %v %v", k, err1, err2)
			}
			if old == nw || seen[[2]string{old, nw}] {
				continue
			}
			seen[[2]string{old, nw}] = true
			cs, amb := realPairCases(k, old, nw, &id)
			cases = append(cases, cs...)
			ambiguous += amb
		}
	}
	return cases, ambiguous
}

func realPairCases(story, old, nw string, id *int64) ([]qcase, int) {
	or, nr := []rune(old), []rune(nw)
	newSents := sentenceSpans(nw)
	oldSentSet := map[string]bool{}
	for _, sp := range sentenceSpans(old) {
		oldSentSet[string(or[sp.s:sp.e])] = true
	}
	var cases []qcase
	ambiguous := 0
	for _, sp := range sentenceSpans(old) {
		if n := sp.e - sp.s; n < 20 || n > 400 {
			continue
		}
		spans := []runeSpan{sp}
		if p, _, ok, _ := phraseSpans(or, sp); ok {
			spans = append(spans, p)
		}
		for _, cl := range spans {
			*id++
			c := claimAt(or, *id, cl.s, cl.e)
			qc := qcase{set: "real", group: story, old: old, new: nw, claim: c}
			whole := cl == sp
			sentence := string(or[sp.s:sp.e])
			if ok := realTruth(&qc, or, nr, newSents, oldSentSet, sentence, whole); !ok {
				ambiguous++
				continue
			}
			cases = append(cases, qc)
		}
	}
	return cases, ambiguous
}

// realTruth derives the expected outcome of a claim taken from a real
// revision, or returns false when it cannot be derived with confidence.
func realTruth(qc *qcase, or, nr []rune, newSents []runeSpan, oldSents map[string]bool, sentence string, whole bool) bool {
	c := qc.claim
	q := c.Quote
	inOld := occurrences(qc.old, q)
	inNew := occurrences(qc.new, q)
	m := utf8.RuneCountInString(q)
	if len(inNew) > 0 {
		// The quote with its whole context, once in each text: anchored
		// there.
		full := occurrences(qc.new, c.Prefix+q+c.Suffix)
		if len(full) == 1 && len(occurrences(qc.old, c.Prefix+q+c.Suffix)) == 1 {
			s := full[0] + utf8.RuneCountInString(c.Prefix)
			qc.want, qc.ws, qc.we = models.AnchorAnchored, s, s+m
			return true
		}
		if len(inOld) == 1 && len(inNew) == 1 {
			s := inNew[0]
			// A phrase must also keep some of its context, or it may be
			// the same words in a different sentence.
			if !whole {
				pre := []rune(c.Prefix)
				suf := []rune(c.Suffix)
				kp := string(pre[max(0, len(pre)-12):])
				ks := string(suf[:min(len(suf), 12)])
				np := string(nr[max(0, s-len([]rune(kp))):s])
				ns := string(nr[s+m : min(len(nr), s+m+len([]rune(ks)))])
				if np != kp && ns != ks {
					return false
				}
			}
			qc.want, qc.ws, qc.we = models.AnchorAnchored, s, s+m
			return true
		}
		return false
	}
	// The quote is gone. Look for the sentence's counterpart.
	best, second := -1.0, -1.0
	var bestSpan runeSpan
	for _, sp := range newSents {
		d := dice(sentence, string(nr[sp.s:sp.e]))
		if d > best {
			best, second, bestSpan = d, best, sp
		} else if d > second {
			second = d
		}
	}
	switch {
	case best < 0.35:
		qc.want = models.AnchorOrphaned
		return true
	case whole && best >= 0.75 && best-second >= 0.2 && !oldSents[string(nr[bestSpan.s:bestSpan.e])]:
		qc.want, qc.ws, qc.we = models.AnchorChanged, bestSpan.s, bestSpan.e
		return true
	}
	return false
}

// ---------------------------------------------------------------------
// Synthetic edits of real text

// syntheticTexts are the base texts: one variant of each news-text story
// and the Helsinki report, as canonical text. Texts with fewer than four
// paragraphs are re-paragraphed every three sentences so that paragraph
// edits have something to work on.
func syntheticTexts(tb testing.TB, dir string) map[string]string {
	names := []string{"news-text/1_txt.txt", "news-text/2_fulltext_odt.txt", "news-text/3_fulltext_odt.txt",
		"news-text/4_fulltext_odt.txt", "news-text/5_fulltext_odt.txt", "helsinki-summit.txt"}
	out := map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			tb.Skipf("shared corpus absent: %v", err)
		}
		text := plainCanonical(string(b))
		if ps := strings.Split(text, "\n\n"); len(ps) < 4 {
			var sents []string
			for _, p := range ps {
				sents = append(sents, splitSentences(p)...)
			}
			var paras []string
			for i := 0; i < len(sents); i += 3 {
				paras = append(paras, strings.Join(sents[i:min(len(sents), i+3)], " "))
			}
			text = strings.Join(paras, "\n\n")
		}
		out[filepath.Base(n)] = text
	}
	return out
}

// edit turns a marked text (claim in ⟦⟧) into an old and a new marked
// text; ok false when it does not apply to this claim.
type edit struct {
	name  string
	apply func(e *editEnv) (old, new string, ok bool)
}

// editEnv is a marked text with the claim's sentence located in it.
type editEnv struct {
	m        string // marked text
	sent     string // the claim's sentence, marked
	quote    string // the claim
	other    string // another article, for the "different article" edit
	looklike string // a look-alike of the quote (one letter changed)
}

func (e *editEnv) sentAt() int { return strings.Index(e.m, e.sent) }

// paras splits the marked text and returns the claim's paragraph index.
func (e *editEnv) paras() ([]string, int) {
	ps := strings.Split(e.m, "\n\n")
	for i, p := range ps {
		if strings.Contains(p, open) {
			return ps, i
		}
	}
	return ps, -1
}

// inQuote applies f to the text between the markers.
func (e *editEnv) inQuote(m string, f func(q string) (string, bool)) (string, bool) {
	i, j := strings.Index(m, open), strings.Index(m, shut)
	q, ok := f(m[i+len(open) : j])
	if !ok {
		return "", false
	}
	return m[:i+len(open)] + q + m[j:], true
}

// deleteSentence removes the marked sentence from m (with its paragraph
// if it was alone there).
func deleteSentence(m, sent string) string {
	i := strings.Index(m, sent)
	j := i + len(sent)
	switch {
	case strings.HasPrefix(m[j:], " "):
		return m[:i] + m[j+1:]
	case strings.HasSuffix(m[:i], " "):
		return m[:i-1] + m[j:]
	case strings.HasPrefix(m[j:], "\n\n"):
		return m[:i] + m[j+2:]
	case strings.HasSuffix(m[:i], "\n\n"):
		return m[:i-2] + m[j:]
	}
	return m[:i] + m[j:]
}

// farInsert inserts a paragraph far from the claim: at the end when the
// claim is in the first half, at the start otherwise.
func (e *editEnv) farInsert(m, para string) string {
	if strings.Index(m, open) < len(m)/2 {
		return m + "\n\n" + para
	}
	return para + "\n\n" + m
}

// middleWord returns the byte span of a word of at least three letters
// near the middle of q, not the first or the last word.
func middleWord(q string) (int, int, bool) {
	type w struct{ s, e int }
	var ws []w
	for i := 0; i < len(q); {
		for i < len(q) && q[i] == ' ' {
			i++
		}
		j := i
		for j < len(q) && q[j] != ' ' {
			j++
		}
		if j > i {
			ws = append(ws, w{i, j})
		}
		i = j
	}
	if len(ws) < 3 {
		return 0, 0, false
	}
	for d := 0; d < len(ws); d++ {
		for _, k := range []int{len(ws)/2 + d, len(ws)/2 - d} {
			if k < 1 || k >= len(ws)-1 {
				continue
			}
			word := q[ws[k].s:ws[k].e]
			letters := 0
			for _, r := range word {
				if unicode.IsLetter(r) {
					letters++
				}
			}
			if letters >= 3 && letters == utf8.RuneCountInString(word) {
				return ws[k].s, ws[k].e, true
			}
		}
	}
	return 0, 0, false
}

const (
	fillerSentence = "Officials gave no further details on Thursday."
	ledeParagraph  = "Updated with reaction from officials and new figures released on Thursday."
)

var edits = []edit{
	{"unchanged", func(e *editEnv) (string, string, bool) { return e.m, e.m, true }},
	{"word inserted before", func(e *editEnv) (string, string, bool) {
		i := strings.Index(e.m, " ")
		if i < 0 || i > strings.Index(e.m, open) {
			return "", "", false
		}
		return e.m, e.m[:i] + " indeed" + e.m[i:], true
	}},
	{"lede paragraph added", func(e *editEnv) (string, string, bool) { return e.m, ledeParagraph + "\n\n" + e.m, true }},
	{"paragraph deleted before", func(e *editEnv) (string, string, bool) {
		ps, ci := e.paras()
		if ci < 1 {
			return "", "", false
		}
		return e.m, join(slices.Delete(ps, ci-1, ci)), true
	}},
	{"sentence inserted after", func(e *editEnv) (string, string, bool) {
		i := e.sentAt() + len(e.sent)
		return e.m, e.m[:i] + " " + fillerSentence + e.m[i:], true
	}},
	{"paragraph deleted after", func(e *editEnv) (string, string, bool) {
		ps, ci := e.paras()
		if ci < 0 || ci+1 >= len(ps) {
			return "", "", false
		}
		return e.m, join(slices.Delete(ps, ci+1, ci+2)), true
	}},
	{"word inserted inside", func(e *editEnv) (string, string, bool) {
		n, ok := e.inQuote(e.m, func(q string) (string, bool) {
			s, _, ok := middleWord(q)
			return q[:s] + "reportedly " + q[s:], ok
		})
		return e.m, n, ok
	}},
	{"word deleted inside", func(e *editEnv) (string, string, bool) {
		n, ok := e.inQuote(e.m, func(q string) (string, bool) {
			s, t, ok := middleWord(q)
			return q[:s] + q[min(len(q), t+1):], ok
		})
		return e.m, n, ok
	}},
	{"word substituted inside", func(e *editEnv) (string, string, bool) {
		n, ok := e.inQuote(e.m, func(q string) (string, bool) {
			s, t, ok := middleWord(q)
			return q[:s] + "unspecified" + q[t:], ok
		})
		return e.m, n, ok
	}},
	{"digit changed inside", func(e *editEnv) (string, string, bool) {
		n, ok := e.inQuote(e.m, func(q string) (string, bool) {
			i := strings.IndexFunc(q, unicode.IsDigit)
			if i < 0 {
				return "", false
			}
			return q[:i] + string(rune('0'+(q[i]-'0'+1)%10)) + q[i+1:], true
		})
		return e.m, n, ok
	}},
	{"sentence deleted", func(e *editEnv) (string, string, bool) { return e.m, deleteSentence(e.m, e.sent), true }},
	{"paragraph moved", func(e *editEnv) (string, string, bool) {
		ps, ci := e.paras()
		if len(ps) < 3 {
			return "", "", false
		}
		p := ps[ci]
		rest := slices.Delete(slices.Clone(ps), ci, ci+1)
		if ci == len(ps)-1 {
			return e.m, join(append([]string{p}, rest...)), true
		}
		return e.m, join(append(rest, p)), true
	}},
	{"paragraph moved and quote edited", func(e *editEnv) (string, string, bool) {
		ps, ci := e.paras()
		if len(ps) < 3 {
			return "", "", false
		}
		p, ok := e.inQuote(ps[ci], func(q string) (string, bool) {
			s, t, ok := middleWord(q)
			return q[:s] + "unspecified" + q[t:], ok
		})
		if !ok {
			return "", "", false
		}
		rest := slices.Delete(slices.Clone(ps), ci, ci+1)
		if ci == len(ps)-1 {
			return e.m, join(append([]string{p}, rest...)), true
		}
		return e.m, join(append(rest, p)), true
	}},
	{"paragraphs merged", func(e *editEnv) (string, string, bool) {
		ps, ci := e.paras()
		if ci+1 >= len(ps) {
			return "", "", false
		}
		ps[ci] += " " + ps[ci+1]
		return e.m, join(slices.Delete(ps, ci+1, ci+2)), true
	}},
	{"sentence duplicated elsewhere", func(e *editEnv) (string, string, bool) {
		return e.m, e.farInsert(e.m, unmarked(e.sent)), true
	}},
	{"original edited, copy elsewhere", func(e *editEnv) (string, string, bool) {
		old := e.farInsert(e.m, unmarked(e.sent))
		n, ok := e.inQuote(old, func(q string) (string, bool) {
			s, t, ok := middleWord(q)
			return q[:s] + "unspecified" + q[t:], ok
		})
		return old, n, ok
	}},
	{"copy edited, original kept", func(e *editEnv) (string, string, bool) {
		cp := unmarked(e.sent)
		s, t, ok := middleWord(e.quote)
		if !ok {
			return "", "", false
		}
		qi := strings.Index(cp, e.quote)
		edited := cp[:qi+s] + "unspecified" + cp[qi+t:]
		old := e.farInsert(e.m, cp)
		return old, strings.Replace(old, cp, edited, 1), strings.Count(old, cp) == 1
	}},
	{"sentence deleted, copy elsewhere", func(e *editEnv) (string, string, bool) {
		old := e.farInsert(e.m, unmarked(e.sent))
		return old, deleteSentence(old, e.sent), true
	}},
	{"short quote deleted, look-alike kept", func(e *editEnv) (string, string, bool) {
		if e.looklike == "" {
			return "", "", false
		}
		old := e.farInsert(e.m, "Separately, "+e.looklike+" was mentioned in a statement.")
		return old, deleteSentence(old, e.sent), true
	}},
	{"short quote deleted, look-alike added", func(e *editEnv) (string, string, bool) {
		if e.looklike == "" {
			return "", "", false
		}
		return e.m, e.farInsert(deleteSentence(e.m, e.sent), "Separately, "+e.looklike+" was mentioned in a statement."), true
	}},
	{"double space inside", func(e *editEnv) (string, string, bool) {
		n, ok := e.inQuote(e.m, func(q string) (string, bool) {
			i := strings.Index(q, " ")
			return q[:max(0, i)] + " " + q[max(0, i):], i >= 0
		})
		return e.m, n, ok
	}},
	{"double space before", func(e *editEnv) (string, string, bool) {
		i := strings.Index(e.m, " ")
		if i < 0 || i > strings.Index(e.m, open) {
			return "", "", false
		}
		return e.m, e.m[:i] + " " + e.m[i:], true
	}},
	{"curly quotes inside", func(e *editEnv) (string, string, bool) {
		n, ok := e.inQuote(e.m, func(q string) (string, bool) {
			r := strings.NewReplacer(`"`, "“", "'", "’", "“", `"`, "”", `"`, "’", "'", "‘", "'").Replace(q)
			return r, r != q
		})
		return e.m, n, ok
	}},
	{"dash inside", func(e *editEnv) (string, string, bool) {
		n, ok := e.inQuote(e.m, func(q string) (string, bool) {
			r := strings.NewReplacer(" - ", " — ", "-", "–", "—", "-", "–", "-").Replace(q)
			return r, r != q
		})
		return e.m, n, ok
	}},
	{"NFD text before", func(e *editEnv) (string, string, bool) {
		old := "Café owners in Zürich were not consulted.\n\n" + e.m
		return old, norm.NFD.String("Café owners in Zürich were not consulted.") + "\n\n" + e.m, true
	}},
	{"NFD word inside", func(e *editEnv) (string, string, bool) {
		old, ok := e.inQuote(e.m, func(q string) (string, bool) {
			s, _, ok := middleWord(q)
			return q[:s] + "café " + q[s:], ok
		})
		if !ok {
			return "", "", false
		}
		n, _ := e.inQuote(old, func(q string) (string, bool) { return norm.NFD.String(q), true })
		return old, n, true
	}},
	{"emoji before", func(e *editEnv) (string, string, bool) {
		i := e.sentAt()
		return e.m, e.m[:i] + "👍🏽👨‍👩‍👧 " + e.m[i:], true
	}},
	{"emoji inside", func(e *editEnv) (string, string, bool) {
		n, ok := e.inQuote(e.m, func(q string) (string, bool) {
			s, _, ok := middleWord(q)
			return q[:s] + "🎉 " + q[s:], ok
		})
		return e.m, n, ok
	}},
	{"different article", func(e *editEnv) (string, string, bool) { return e.m, e.other, e.other != "" }},
	{"word inserted at start", func(e *editEnv) (string, string, bool) {
		return e.m, strings.Replace(e.m, open, "indeed "+open, 1), true
	}},
	{"words inserted at end", func(e *editEnv) (string, string, bool) {
		return e.m, strings.Replace(e.m, shut, shut+" and more", 1), true
	}},
	{"word before replaced", func(e *editEnv) (string, string, bool) {
		j := strings.Index(e.m, open) - 1 // the space before the claim
		if j < 1 || e.m[j] != ' ' {
			return "", "", false
		}
		k := strings.LastIndexAny(e.m[:j], " \n")
		return e.m, e.m[:k+1] + "reportedly" + e.m[j:], true
	}},
	{"word after replaced", func(e *editEnv) (string, string, bool) {
		i := strings.Index(e.m, shut) + len(shut)
		if !strings.HasPrefix(e.m[i:], " ") {
			return "", "", false
		}
		j := strings.IndexAny(e.m[i+1:], " \n")
		if j < 0 {
			return "", "", false
		}
		return e.m, e.m[:i+1] + "reportedly" + e.m[i+1+j:], true
	}},
	{"sentence replaced by another", func(e *editEnv) (string, string, bool) {
		ss := splitSentences(strings.Split(e.other, "\n\n")[0])
		if len(ss) == 0 {
			return "", "", false
		}
		return e.m, strings.Replace(e.m, e.sent, ss[0], 1), true
	}},
	{"CRLF line breaks", func(e *editEnv) (string, string, bool) {
		return e.m, strings.ReplaceAll(e.m, "\n", "\r\n"), strings.Contains(e.m, "\n")
	}},
	{"case changed inside", func(e *editEnv) (string, string, bool) {
		n, ok := e.inQuote(e.m, func(q string) (string, bool) { return strings.ToUpper(q), strings.ToUpper(q) != q })
		return e.m, n, ok
	}},
	{"all text before removed", func(e *editEnv) (string, string, bool) {
		i := e.sentAt()
		return e.m, e.m[i:], i > 0
	}},
	{"paragraph split before sentence", func(e *editEnv) (string, string, bool) {
		i := e.sentAt()
		if i < 1 || e.m[i-1] != ' ' {
			return "", "", false
		}
		return e.m, e.m[:i-1] + "\n\n" + e.m[i:], true
	}},
	{"sentence split after the claim", func(e *editEnv) (string, string, bool) {
		i := strings.Index(e.m, shut) + len(shut)
		if unmarked(e.sent) == e.quote || !strings.HasPrefix(e.m[i:], " ") || !strings.Contains(e.sent, shut+" ") {
			return "", "", false
		}
		return e.m, e.m[:i] + ". Separately," + e.m[i:], true
	}},
	{"reworded, phrase in a new sentence before", rewordedBesideCopy("before")},
	{"reworded, phrase in a new sentence after", rewordedBesideCopy("after")},
	{"reworded, phrase in a new paragraph before", rewordedBesideCopy("paragraph before")},
	{"reworded, phrase in a new paragraph after", rewordedBesideCopy("paragraph after")},
}

// rewordedPhrase replaces a claim inside its sentence in
// rewordedBesideCopy: words unrelated to any quote.
const rewordedPhrase = "a figure nobody would confirm"

// rewordedBesideCopy rewords the claim's sentence (the claim, a phrase
// inside it, is replaced by unrelated words, so it is gone) and inserts a
// new sentence that repeats the claim's words with other context: next
// to the claim's sentence (where is "before" or "after") or as a
// paragraph of its own before or after the claim's paragraph. The diff
// may align the claim's words with the new sentence, which shares them;
// the claim must be orphaned. Whole-sentence claims are skipped: for them
// the new sentence would be a copy.
func rewordedBesideCopy(where string) func(e *editEnv) (string, string, bool) {
	return func(e *editEnv) (string, string, bool) {
		if unmarked(e.sent) == e.quote {
			return "", "", false
		}
		newSent := "Traders said " + e.quote + " on Tuesday after the storm."
		reworded := strings.Replace(e.sent, open+e.quote+shut, rewordedPhrase, 1)
		i := e.sentAt()
		j := i + len(e.sent)
		switch where {
		case "before":
			return e.m, e.m[:i] + newSent + " " + reworded + e.m[j:], true
		case "after":
			return e.m, e.m[:i] + reworded + " " + newSent + e.m[j:], true
		}
		ps, ci := e.paras()
		ps[ci] = strings.Replace(ps[ci], e.sent, reworded, 1)
		if where == "paragraph after" {
			ci++
		}
		return e.m, join(slices.Insert(ps, ci, newSent)), true
	}
}

func unmarked(s string) string {
	return strings.NewReplacer(open, "", shut, "").Replace(s)
}

// lookalike changes one vowel near the middle of a short quote.
func lookalike(q string) string {
	rs := []rune(q)
	swap := map[rune]rune{'a': 'e', 'e': 'a', 'i': 'o', 'o': 'i', 'u': 'a'}
	for d := 0; d < len(rs); d++ {
		for _, k := range []int{len(rs)/2 + d, len(rs)/2 - d} {
			if k > 0 && k < len(rs)-1 {
				if r, ok := swap[rs[k]]; ok {
					rs[k] = r
					return string(rs)
				}
			}
		}
	}
	return ""
}

func syntheticCases(tb testing.TB, dir string) []qcase {
	texts := syntheticTexts(tb, dir)
	names := make([]string, 0, len(texts))
	for n := range texts {
		names = append(names, n)
	}
	sort.Strings(names)
	var cases []qcase
	var id int64
	for ti, name := range names {
		text := texts[name]
		other := texts[names[(ti+1)%len(names)]]
		r := []rune(text)
		var pick []runeSpan
		for _, sp := range sentenceSpans(text) {
			if n := sp.e - sp.s; n >= 30 && n <= 300 && !strings.Contains(string(r[sp.s:sp.e]), open) {
				pick = append(pick, sp)
			}
		}
		const perText = 8
		if len(pick) > perText {
			spread := make([]runeSpan, perText)
			for i := range spread {
				spread[i] = pick[i*len(pick)/perText]
			}
			pick = spread
		}
		for _, sp := range pick {
			claims := []runeSpan{sp}
			phrase, short, okP, okS := phraseSpans(r, sp)
			if okP {
				claims = append(claims, phrase)
			}
			if okS {
				claims = append(claims, short)
			}
			for ci, cl := range claims {
				marked := string(r[:cl.s]) + open + string(r[cl.s:cl.e]) + shut + string(r[cl.e:])
				sentMarked := string(r[sp.s:cl.s]) + open + string(r[cl.s:cl.e]) + shut + string(r[cl.e:sp.e])
				env := &editEnv{m: marked, sent: sentMarked, quote: string(r[cl.s:cl.e]), other: other}
				if ci == 2 {
					env.looklike = lookalike(env.quote)
				}
				for _, ed := range edits {
					oldM, newM, ok := ed.apply(env)
					if !ok || strings.Count(oldM, open) != 1 {
						continue
					}
					id++
					oldText, c := claimFromMarked(oldM, id)
					newText, ws, we, found := unmark(newM)
					qc := qcase{set: "synthetic", group: ed.name, old: oldText, new: newText, claim: c, want: models.AnchorOrphaned}
					if found {
						qc.ws, qc.we = ws, we
						qc.want = models.AnchorChanged
						if string([]rune(newText)[ws:we]) == c.Quote {
							qc.want = models.AnchorAnchored
						}
					}
					cases = append(cases, qc)
				}
			}
		}
	}
	return cases
}

func claimFromMarked(marked string, id int64) (string, Claim) {
	text, s, e, _ := unmark(marked)
	return text, claimAt([]rune(text), id, s, e)
}

// ---------------------------------------------------------------------
// Running

type qualityReport struct {
	ours, base   map[string]*tally  // by set
	oursG, baseG map[string]*tally  // by set/group
	expected     map[string]*[4]int // by set: anchored in place, anchored at new offsets, changed, orphaned
	ambiguous    int
	failures     []string
}

func runQuality(tb testing.TB) *qualityReport {
	dir := corpusDir(tb)
	real, ambiguous := realCases(tb, dir)
	synth := syntheticCases(tb, dir)
	rep := &qualityReport{ours: map[string]*tally{}, base: map[string]*tally{}, oursG: map[string]*tally{}, baseG: map[string]*tally{},
		expected: map[string]*[4]int{"real": {}, "synthetic": {}}, ambiguous: ambiguous}
	get := func(m map[string]*tally, k string) *tally {
		if m[k] == nil {
			m[k] = &tally{}
		}
		return m[k]
	}
	// Ours: one call per revision pair for the real set (all its claims at
	// once, as the app will), one call per case for synthetic ones.
	type pairKey struct{ old, new string }
	byPair := map[pairKey][]int{}
	var order []pairKey
	for i, c := range real {
		k := pairKey{c.old, c.new}
		if _, ok := byPair[k]; !ok {
			order = append(order, k)
		}
		byPair[k] = append(byPair[k], i)
	}
	results := make([]Result, len(real))
	for _, k := range order {
		idx := byPair[k]
		claims := make([]Claim, len(idx))
		for j, i := range idx {
			claims[j] = real[i].claim
		}
		for j, r := range Reanchor(k.old, k.new, claims) {
			results[idx[j]] = r
		}
	}
	record := func(c qcase, got, base Result) {
		switch {
		case c.want == models.AnchorAnchored && c.ws == c.claim.Start:
			rep.expected[c.set][0]++
		case c.want == models.AnchorAnchored:
			rep.expected[c.set][1]++
		case c.want == models.AnchorChanged:
			rep.expected[c.set][2]++
		default:
			rep.expected[c.set][3]++
		}
		ok := get(rep.ours, c.set).add(c, got)
		get(rep.oursG, c.set+"/"+c.group).add(c, got)
		get(rep.base, c.set).add(c, base)
		get(rep.baseG, c.set+"/"+c.group).add(c, base)
		if !ok {
			want := "orphaned"
			if c.want != models.AnchorOrphaned {
				want = fmt.Sprintf("%s %q", c.want, string([]rune(c.new)[c.ws:c.we]))
			}
			rep.failures = append(rep.failures, fmt.Sprintf("[%s/%s] claim %q\n    want %s\n    got  %s %q [%d,%d) score %.2f: %s",
				c.set, c.group, c.claim.Quote, want, got.State, got.Quote, got.Start, got.End, got.Score, got.Reason))
		}
	}
	for i, c := range real {
		record(c, results[i], hypothesisAnchor(c.old, c.new, c.claim))
	}
	for _, c := range synth {
		record(c, Reanchor(c.old, c.new, []Claim{c.claim})[0], hypothesisAnchor(c.old, c.new, c.claim))
	}
	return rep
}

func (rep *qualityReport) table() string {
	var b strings.Builder
	b.WriteString(tableHeader + "\n")
	for _, set := range []string{"real", "synthetic"} {
		fmt.Fprintln(&b, rep.ours[set].row(set, "reanchor"))
		fmt.Fprintln(&b, rep.base[set].row(set, "hypothesis"))
	}
	for _, set := range []string{"real", "synthetic"} {
		x := rep.expected[set]
		fmt.Fprintf(&b, "%s cases expect: anchored at the same offsets %d, anchored at new offsets %d, changed %d, orphaned %d\n", set, x[0], x[1], x[2], x[3])
	}
	fmt.Fprintf(&b, "real claims skipped as ambiguous: %d\n", rep.ambiguous)
	return b.String()
}

func (rep *qualityReport) groups() string {
	var keys []string
	for k := range rep.oursG {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("| set/group | cases | ours exact | ours false | ours missed | hyp. exact | hyp. false |\n|---|---|---|---|---|---|---|\n")
	for _, k := range keys {
		if strings.HasPrefix(k, "real/") {
			continue
		}
		o, h := rep.oursG[k], rep.baseG[k]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d |\n", k, o.cases, o.exact, o.falseAnchors, o.missed, h.exact, h.falseAnchors)
	}
	return b.String()
}

// TestQuality runs the quality benchmark and holds Reanchor to its
// targets: no false anchors on synthetic cases, and fewer false anchors
// than the Hypothesis baseline on both sets.
func TestQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("quality benchmark skipped in -short mode")
	}
	rep := runQuality(t)
	t.Logf("\n%s", rep.table())
	if *qualityVerbose {
		t.Logf("\n%s", rep.groups())
		for _, f := range rep.failures {
			t.Log(f)
		}
	}
	if n := rep.ours["synthetic"].falseAnchors; n != 0 {
		t.Errorf("synthetic false anchors = %d, want 0 (run with -quality.v for the cases)", n)
	}
	for _, set := range []string{"real", "synthetic"} {
		if o, h := rep.ours[set].falseAnchors, rep.base[set].falseAnchors; o >= h && h > 0 {
			t.Errorf("%s false anchors: reanchor %d, hypothesis %d; want fewer", set, o, h)
		}
	}
}

// BenchmarkQuality prints the quality table (once) and reports exact-span
// accuracy and false anchors as metrics:
//
//	go test -tags sqlite_fts5 -run '^$' -bench BenchmarkQuality -benchtime 1x -v ./internal/reanchor/
func BenchmarkQuality(b *testing.B) {
	var rep *qualityReport
	for b.Loop() {
		rep = runQuality(b)
	}
	b.Logf("\n%s\n%s", rep.table(), rep.groups())
	for _, set := range []string{"real", "synthetic"} {
		o, h := rep.ours[set], rep.base[set]
		b.ReportMetric(100*float64(o.exact)/float64(max(1, o.cases)), set+"-exact-%")
		b.ReportMetric(float64(o.falseAnchors), set+"-false-anchors")
		b.ReportMetric(float64(h.falseAnchors), set+"-hypothesis-false-anchors")
	}
}

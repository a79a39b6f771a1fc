package reanchor

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Texts in these tests mark a claim in the old text, and where it should
// be found in the new one, with ⟦ and ⟧. A new text without markers means
// the claim should be orphaned.
const open, shut = "⟦", "⟧"

// unmark strips the markers and returns the text and the marked span in
// code points (ok false when there is none).
func unmark(s string) (text string, start, end int, ok bool) {
	i := strings.Index(s, open)
	if i < 0 {
		return s, 0, 0, false
	}
	j := strings.Index(s, shut)
	start = len([]rune(s[:i]))
	end = start + len([]rune(s[i+len(open):j]))
	return s[:i] + s[i+len(open):j] + s[j+len(shut):], start, end, true
}

// mark puts markers around the k-th occurrence (from 0) of quote in s.
func mark(t testing.TB, s, quote string, k int) string {
	t.Helper()
	at := -1
	for i, from := 0, 0; i <= k; i++ {
		j := strings.Index(s[from:], quote)
		if j < 0 {
			t.Fatalf("mark: occurrence %d of %q not found", k, quote)
		}
		at = from + j
		from = at + 1
	}
	return s[:at] + open + quote + shut + s[at+len(quote):]
}

// replace replaces the one occurrence of old in s, failing if it is not
// there exactly once.
func replace(t testing.TB, s, old, new string) string {
	t.Helper()
	if n := strings.Count(s, old); n != 1 {
		t.Fatalf("replace: %q occurs %d times", old, n)
	}
	return strings.Replace(s, old, new, 1)
}

func wire(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "wire.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func paragraphs(s string) []string { return strings.Split(s, "\n\n") }
func join(ps []string) string      { return strings.Join(ps, "\n\n") }

// claimFrom builds the Claim marked in old.
func claimFrom(t testing.TB, marked string) (string, Claim) {
	t.Helper()
	text, s, e, ok := unmark(marked)
	if !ok {
		t.Fatal("old text has no marked claim")
	}
	r := []rune(text)
	return text, Claim{
		ID: 1, Start: s, End: e, Quote: string(r[s:e]),
		Prefix: string(r[max(0, s-models.ContextRunes):s]),
		Suffix: string(r[e:min(len(r), e+models.ContextRunes)]),
	}
}

// checkInvariants holds for every result.
func checkInvariants(t testing.TB, newText string, got Result) {
	t.Helper()
	r := []rune(newText)
	if got.State == models.AnchorOrphaned {
		if got.Start != 0 || got.End != 0 || got.Quote != "" {
			t.Errorf("orphaned result has a span: %+v", got)
		}
		return
	}
	if got.Start < 0 || got.End > len(r) || got.Start >= got.End {
		t.Fatalf("span [%d,%d) out of range (len %d)", got.Start, got.End, len(r))
	}
	if q := string(r[got.Start:got.End]); q != got.Quote {
		t.Errorf("Quote = %q, but the text at [%d,%d) is %q", got.Quote, got.Start, got.End, q)
	}
	if unicode.IsSpace(r[got.Start]) || unicode.IsSpace(r[got.End-1]) {
		t.Errorf("span %q is not trimmed", got.Quote)
	}
	if want := string(r[max(0, got.Start-models.ContextRunes):got.Start]); got.Prefix != want {
		t.Errorf("Prefix = %q, want %q", got.Prefix, want)
	}
	if want := string(r[got.End:min(len(r), got.End+models.ContextRunes)]); got.Suffix != want {
		t.Errorf("Suffix = %q, want %q", got.Suffix, want)
	}
	if got.Score < 0 || got.Score > 1 {
		t.Errorf("Score = %v, want 0..1", got.Score)
	}
}

type behaviourCase struct {
	name     string
	old, new string // ⟦claim⟧ in old; ⟦expected span⟧ in new, none if orphaned
	want     models.AnchorState
}

func runBehaviour(t *testing.T, tests []behaviourCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldText, c := claimFrom(t, tt.old)
			newText, ws, we, found := unmark(tt.new)
			got := Reanchor(oldText, newText, []Claim{c})[0]
			checkInvariants(t, newText, got)
			if got.State != tt.want {
				t.Fatalf("state = %s (%q at [%d,%d), score %.2f, %s), want %s", got.State, got.Quote, got.Start, got.End, got.Score, got.Reason, tt.want)
			}
			if !found {
				return
			}
			if got.Start != ws || got.End != we {
				t.Errorf("span = [%d,%d) %q, want [%d,%d) %q (%s)", got.Start, got.End, got.Quote, ws, we, string([]rune(newText)[ws:we]), got.Reason)
			}
		})
	}
}

const (
	anchored = models.AnchorAnchored
	changed  = models.AnchorChanged
	orphaned = models.AnchorOrphaned
)

// TestReanchorRequired covers the cases the issue names.
func TestReanchorRequired(t *testing.T) {
	w := wire(t)
	ps := paragraphs(w)
	police := ps[6]
	moved := join(append([]string{police}, slices.Delete(slices.Clone(ps), 6, 7)...))
	copyOld := replace(t, w, "Markets reacted calmly.", "Markets reacted calmly. Police said twelve people were hurt.")
	runBehaviour(t, []behaviourCase{
		{"sentence deleted is orphaned",
			mark(t, w, "A spokesman said two of them were taken to hospital as a precaution.", 0),
			replace(t, w, " A spokesman said two of them were taken to hospital as a precaution.", ""),
			orphaned},
		{"number reworded is changed",
			mark(t, w, "fell to 4.2%", 0),
			mark(t, replace(t, w, "fell to 4.2%", "fell to 4.3%"), "fell to 4.3%", 0),
			changed},
		{"moved paragraph keeps the claim with new offsets",
			mark(t, w, "Police said twelve people were hurt", 0),
			mark(t, moved, "Police said twelve people were hurt", 0),
			anchored},
		{"original edited while an identical copy exists elsewhere",
			mark(t, copyOld, "Police said twelve people were hurt", 0),
			mark(t, replace(t, copyOld, "Police said twelve people were hurt when", "Police said eleven people were hurt when"), "Police said eleven people were hurt", 0),
			changed},
	})
}

// TestReanchorHypothesisFailures covers the failure modes of annotation.md
// §1.6–1.7 (Hypothesis issues and reproductions).
func TestReanchorHypothesisFailures(t *testing.T) {
	w := wire(t)
	withSmythe := replace(t, w, "Markets reacted calmly.", "Markets reacted calmly, said Jon Smythe, a trader.")
	twinOld := replace(t, w, "The next labour market figures are due on June 11.",
		"The next labour market figures are due on June 11. The grand jury indicted twelve officers on Friday.")
	twinOld = replace(t, twinOld, "Markets reacted calmly.", "Markets reacted calmly. The grand jury indicted twelve officers on Friday.")
	runBehaviour(t, []behaviourCase{
		{"#7571: edited original, exact copy elsewhere",
			mark(t, twinOld, "The grand jury indicted twelve officers on Friday.", 0),
			mark(t, replace(t, twinOld, "calmly. The grand jury indicted twelve officers", "calmly. The grand jury indicted eleven officers"), "The grand jury indicted eleven officers on Friday.", 0),
			changed},
		{"#7571: the copy is edited, the original stays",
			mark(t, twinOld, "The grand jury indicted twelve officers on Friday.", 0),
			mark(t, replace(t, twinOld, "June 11. The grand jury indicted twelve officers", "June 11. The grand jury indicted eleven officers"), "The grand jury indicted twelve officers on Friday.", 0),
			anchored},
		{"short quote deleted, look-alike already in the text",
			mark(t, withSmythe, "John Smith", 0),
			replace(t, withSmythe, "John Smith, a warehouse worker", "A warehouse worker"),
			orphaned},
		{"short quote deleted, look-alike inserted elsewhere",
			mark(t, w, "John Smith", 0),
			replace(t, replace(t, w, "John Smith, a warehouse worker", "A warehouse worker"), "Markets reacted calmly.", "Markets reacted calmly, said Jon Smythe, a trader."),
			orphaned},
		{"h#2634: Linus does not anchor to machines",
			"Kernel maintainer ⟦Linus⟧ said the release was ready. The machines were tested overnight.",
			"Kernel maintainers said the release was ready. The machines were tested overnight.",
			orphaned},
		{"client#258: Developer, Frontend does not anchor to developers and designers",
			"Open roles: ⟦Developer, Frontend⟧ (Berlin). We hire developers and designers every year.",
			"Open roles: none at present. We hire developers and designers every year.",
			orphaned},
		{"heavy rewording keeps the whole new span",
			mark(t, w, "Unemployment fell to 4.2% in March", 0),
			mark(t, replace(t, w, "Unemployment fell to 4.2% in March", "Unemployment had fallen to 4.2 per cent in March"), "Unemployment had fallen to 4.2 per cent in March", 0),
			changed},
		{"straight to curly quotes, NBSP and em dash",
			mark(t, w, `"This is a labour market that refuses to cool," said Priya Raman`, 0),
			mark(t, replace(t, w, `"This is a labour market that refuses to cool," said Priya Raman`, "“This is a labour market — that refuses to cool,” said Priya\u00a0Raman"), "“This is a labour market — that refuses to cool,” said Priya\u00a0Raman", 0),
			changed},
		{"NFC quote, NFD text",
			"The ⟦café in Zürich reopened⟧ on Monday, the owner said.",
			norm.NFD.String("The ⟦café in Zürich reopened⟧ on Monday, the owner said."),
			changed},
		{"whitespace collapse",
			"Prices ⟦rose  sharply\nin May⟧ after the strike.",
			"Prices ⟦rose sharply in May⟧ after the strike.",
			changed},
		{"sentence deleted, same-template look-alike added in the paragraph before",
			mark(t, w, "East, where unemployment dropped", 0),
			replace(t, replace(t, w, "Regional data showed the sharpest fall in the North East, where unemployment dropped to 5.1% from 5.9% a year earlier. ", ""),
				"The minister said the plan would cost £2.1bn.", "Regional data showed the sharpest rise in the North West, where unemployment rose to 5.2% from 4.9%. The minister said the plan would cost £2.1bn."),
			orphaned},
		{"sentence deleted, look-alike elsewhere contains the exact phrase",
			mark(t, w, "when a crowd gathered outside", 0),
			replace(t, replace(t, w, "Police said twelve people were hurt when a crowd gathered outside the statistics office in Newport before the release. ", ""),
				"Markets reacted calmly.", "Markets reacted calmly. Police said eleven people were hurt when a crowd gathered outside the tax office in Cardiff before the release."),
			orphaned},
		{"product-backlog#1022: quotes that differ only by suffix",
			"Asked about the budget, he said no. Asked about the strike, ⟦he said⟧ yes.",
			"Asked about the budget in the morning, he said no. Asked about the strike, ⟦he said⟧ yes.",
			anchored},
	})
}

// TestReanchorLookalikeInOldPlace: the claim's paragraph moves away and
// is edited, and a look-alike sentence lands where it was. The diff sees
// the look-alike as the claim, unchanged, in place; the claim must not be
// anchored there (found by the random-revision test).
func TestReanchorLookalikeInOldPlace(t *testing.T) {
	w := wire(t)
	ps := paragraphs(w)
	police := replace(t, ps[6], "two of them were taken", "two of eleven were taken")
	rest := slices.Delete(slices.Clone(ps), 6, 7)
	rest[6] = "A spokeswoman said two of them were taken to hospital for checks. " + rest[6] // John Smith's paragraph, now where police's was
	nw := join(append(rest, police))
	oldText, c := claimFrom(t, mark(t, w, "of them were taken", 0))
	got := Reanchor(oldText, nw, []Claim{c})[0]
	checkInvariants(t, nw, got)
	lookalike := len([]rune(nw[:strings.Index(nw, "of them were taken")]))
	if got.State != orphaned && got.Start == lookalike {
		t.Errorf("got %s at the look-alike [%d,%d) (%s); want orphaned or the edited original", got.State, got.Start, got.End, got.Reason)
	}
}

// TestReanchorChecklist covers the benchmark checklist of annotation.md (b).
func TestReanchorChecklist(t *testing.T) {
	w := wire(t)
	ps := paragraphs(w)
	claim := "The pound rose 0.3% against the dollar"
	c := mark(t, w, claim, 0)
	at := func(s string) string { return mark(t, s, claim, 0) }
	swap := slices.Clone(ps)
	swap[6], swap[7] = swap[7], swap[6]
	down := join(append(slices.Clone(ps[1:]), ps[0]))
	merged := join(append(append(slices.Clone(ps[:6]), ps[6]+" "+ps[7]), ps[8:]...))
	var fifty []string
	for i := range 50 {
		fifty = append(fifty, fmt.Sprintf("Item %d. The price was unchanged at the close.", i+1))
	}
	f := join(fifty)
	runBehaviour(t, []behaviourCase{
		// 1. unchanged
		{"identity at text start", mark(t, w, "LONDON (Claimdesk Wire)", 0), mark(t, w, "LONDON (Claimdesk Wire)", 0), anchored},
		{"identity at text end", mark(t, w, "The next labour market figures are due on June 11.", 0), mark(t, w, "The next labour market figures are due on June 11.", 0), anchored},
		// 2. edits before
		{"one char inserted before", c, at(replace(t, w, "40,000", "40,0000")), anchored},
		{"one char deleted before", c, at(replace(t, w, "112,000", "11,000")), anchored},
		{"word inserted before", c, at(replace(t, w, "said on Tuesday", "said early on Tuesday")), anchored},
		{"new lede paragraph", c, at("Markets were closed in Asia overnight.\n\n" + w), anchored},
		{"paragraph deleted before", c, at(join(slices.Delete(slices.Clone(ps), 6, 7))), anchored},
		{"all text before removed", c, at(join(ps[8:])), anchored},
		// 3. edits after
		{"word inserted after", c, at(replace(t, w, "May 9.", "Thursday May 9.")), anchored},
		{"paragraph deleted after", c, at(join(ps[:10])), anchored},
		// 4. edits inside
		{"one char fixed", mark(t, w, "fell to 4.2%", 0), mark(t, replace(t, w, "fell to 4.2%", "fell to 4.3%"), "fell to 4.3%", 0), changed},
		{"word substituted", mark(t, w, "Police said twelve people were hurt", 0), mark(t, replace(t, w, "twelve people", "eleven people"), "Police said eleven people were hurt", 0), changed},
		{"extended by a word", mark(t, w, "employers added 112,000 jobs", 0), mark(t, replace(t, w, "added 112,000", "added a further 112,000"), "employers added a further 112,000 jobs", 0), changed},
		{"shrunk by a word", mark(t, w, "despite higher borrowing costs", 0), mark(t, replace(t, w, "higher borrowing", "borrowing"), "despite borrowing costs", 0), changed},
		{"whole span deleted", mark(t, w, "London's rate was unchanged at 4.8%.", 0), replace(t, w, " London's rate was unchanged at 4.8%.", ""), orphaned},
		// 5. boundaries
		{"inserted at start", mark(t, w, "twelve people were hurt", 0), mark(t, replace(t, w, "said twelve", "said at least twelve"), "twelve people were hurt", 0), anchored},
		{"inserted at end", mark(t, w, "twelve people were hurt", 0), mark(t, replace(t, w, "hurt when", "hurt, two seriously, when"), "twelve people were hurt", 0), anchored},
		{"prefix rewritten", mark(t, w, "twelve people were hurt", 0), mark(t, replace(t, w, "Police said twelve", "Officers reported that twelve"), "twelve people were hurt", 0), anchored},
		{"suffix rewritten", mark(t, w, "Police said twelve people were hurt", 0), mark(t, replace(t, w, "hurt when a crowd", "hurt after a crowd"), "Police said twelve people were hurt", 0), anchored},
		// 6. duplicates
		{"second of two identical, text inserted before", mark(t, w, "The minister said the plan would", 1), mark(t, "Markets were closed in Asia.\n\n"+w, "The minister said the plan would", 1), anchored},
		{"37th of 50 identical, paragraph inserted", mark(t, f, "The price was unchanged", 36), mark(t, "Prices below are in euros.\n\n"+f, "The price was unchanged", 36), anchored},
		{"37th of 50 identical, its paragraph deleted", mark(t, f, "The price was unchanged", 36), join(slices.Delete(slices.Clone(fifty), 36, 37)), orphaned},
		{"37th of 50 identical, edited", mark(t, f, "The price was unchanged at the close", 36), mark(t, replace(t, f, "Item 37. The price was unchanged", "Item 37. The price was unchanged at noon and"), "The price was unchanged at noon and at the close", 0), changed},
		{"new identical copy inserted before", mark(t, w, "Police said twelve people were hurt", 0), mark(t, replace(t, w, "Markets reacted calmly.", "Police said twelve people were hurt.\n\nMarkets reacted calmly."), "Police said twelve people were hurt", 0), anchored},
		{"very short quote, text inserted before", mark(t, w, "he said", 1), mark(t, "Updated at 10:00.\n\n"+w, "he said", 1), anchored},
		{"very short quote, its sentence deleted", mark(t, w, "he said", 1), replace(t, w, ` "I keep hearing the numbers are good," he said.`, ""), orphaned},
		// 7. look-alikes
		{"quote from a different article", mark(t, w, "Police said twelve people were hurt", 0), "Rescue teams searched the hills overnight. Officials said twelve hikers were missing after the storm.", orphaned},
		{"one-word quote deleted", mark(t, w, "calmly", 0), replace(t, w, "Markets reacted calmly.", "Markets reacted."), orphaned},
		// 8. moves
		{"paragraph moved up", mark(t, w, "Police said twelve people were hurt", 0), mark(t, join(append([]string{ps[6]}, slices.Delete(slices.Clone(ps), 6, 7)...)), "Police said twelve people were hurt", 0), anchored},
		{"paragraph moved down", mark(t, w, "Unemployment fell to 4.2% in March", 0), mark(t, down, "Unemployment fell to 4.2% in March", 0), anchored},
		{"paragraphs swapped", mark(t, w, "Police said twelve people were hurt", 0), mark(t, join(swap), "Police said twelve people were hurt", 0), anchored},
		{"whole-paragraph claim moved", mark(t, w, ps[10], 0), mark(t, join(append([]string{ps[10]}, ps[:10]...)), ps[10], 0), anchored},
		{"moved and edited, long quote", mark(t, w, ps[6][:strings.Index(ps[6], " A spokesman")], 0), mark(t, replace(t, join(append([]string{ps[6]}, slices.Delete(slices.Clone(ps), 6, 7)...)), "twelve people", "eleven people"), strings.Replace(ps[6][:strings.Index(ps[6], " A spokesman")], "twelve", "eleven", 1), 0), changed},
		{"moved and a number changed, short quote", mark(t, w, "Police said twelve people were hurt", 0), replace(t, join(append([]string{ps[6]}, slices.Delete(slices.Clone(ps), 6, 7)...)), "twelve people", "eleven people"), orphaned},
		{"claim split across paragraphs", mark(t, w, "twelve people were hurt when a crowd gathered", 0), mark(t, replace(t, w, "hurt when a crowd", "hurt.\n\nThat was when a crowd"), "twelve people were hurt.\n\nThat was when a crowd gathered", 0), changed},
		{"two paragraphs merged", mark(t, w, "A spokesman said two of them were taken to hospital as a precaution.", 0), mark(t, merged, "A spokesman said two of them were taken to hospital as a precaution.", 0), anchored},
		// 9. whitespace
		{"double space inside", c, mark(t, replace(t, w, "rose 0.3%", "rose  0.3%"), "The pound rose  0.3% against the dollar", 0), changed},
		{"CRLF paragraphs before", c, at(strings.ReplaceAll(w, "\n", "\r\n")), anchored},
		{"NBSP inside", c, mark(t, replace(t, w, "0.3% against", "0.3%\u00a0against"), "The pound rose 0.3%\u00a0against the dollar", 0), changed},
		{"narrow NBSP inside", c, mark(t, replace(t, w, "0.3% against", "0.3%\u202fagainst"), "The pound rose 0.3%\u202fagainst the dollar", 0), changed},
		{"zero-width space inside", c, mark(t, replace(t, w, "against the", "against\u200b the"), "The pound rose 0.3% against\u200b the dollar", 0), changed},
		{"soft hyphen inside", c, mark(t, replace(t, w, "against the", "aga\u00adinst the"), "The pound rose 0.3% aga\u00adinst the dollar", 0), changed},
		{"tab before", c, at(replace(t, w, "Markets reacted calmly. ", "Markets reacted calmly.\t")), anchored},
		// 10. typography
		{"hyphen to en dash", mark(t, w, "Finance Minister Daniel Ortega-Hale told reporters", 0), mark(t, replace(t, w, "Ortega-Hale", "Ortega–Hale"), "Finance Minister Daniel Ortega–Hale told reporters", 0), changed},
		{"percent to per cent", c, mark(t, replace(t, w, "0.3% against", "0.3 per cent against"), "The pound rose 0.3 per cent against the dollar", 0), changed},
		{"case change", c, mark(t, replace(t, w, "The pound rose", "THE POUND ROSE"), "THE POUND ROSE 0.3% against the dollar", 0), changed},
		// 11. Unicode
		{"NFD before the span", "Café owners said ⟦prices rose in May⟧.", norm.NFD.String("Café owners said ") + "⟦prices rose in May⟧.", anchored},
		{"emoji before", c, at(replace(t, w, "Markets reacted calmly.", "Markets reacted calmly 👍🏽👨‍👩‍👧🇩🇪.")), anchored},
		{"emoji inside", c, mark(t, replace(t, w, "rose 0.3%", "rose 📈 0.3%"), "The pound rose 📈 0.3% against the dollar", 0), changed},
		{"CJK, inserted before", "東京都の人口は1400万人を超えた。⟦大阪府の人口は880万人だった⟧。", "速報：東京都の人口は1400万人を超えた。⟦大阪府の人口は880万人だった⟧。", anchored},
		{"CJK, edited inside", "東京都の人口は1400万人を超えた。⟦大阪府の人口は880万人だった⟧。", "東京都の人口は1400万人を超えた。⟦大阪府の人口は870万人だった⟧。", changed},
		{"Arabic, inserted before", "قال الوزير إن ⟦البطالة انخفضت إلى 4.2%⟧ في مارس.", "عاجل: قال الوزير إن ⟦البطالة انخفضت إلى 4.2%⟧ في مارس.", anchored},
		{"Thai without spaces, inserted before", "รัฐบาลกล่าวว่า⟦อัตราการว่างงานลดลง⟧ในเดือนมีนาคม", "ข่าวด่วนรัฐบาลกล่าวว่า⟦อัตราการว่างงานลดลง⟧ในเดือนมีนาคม", anchored},
		{"combining mark at the boundary", "He wrote ⟦cafe⟧\u0301 twice.", "Yesterday he wrote ⟦cafe\u0301⟧ twice.", changed},
	})
}

// TestReanchorManyClaimsOrderIndependent: results do not depend on which
// other claims are in the call or in what order.
func TestReanchorManyClaimsOrderIndependent(t *testing.T) {
	w := wire(t)
	nw := replace(t, "Markets were closed in Asia overnight.\n\n"+w, "fell to 4.2%", "fell to 4.3%")
	nw = replace(t, nw, " A spokesman said two of them were taken to hospital as a precaution.", "")
	var claims []Claim
	for i, q := range []string{"fell to 4.2%", "A spokesman said two of them were taken to hospital as a precaution.", "The pound rose 0.3%", "he said", "Unemployment", "June 11"} {
		_, c := claimFrom(t, mark(t, w, q, 0))
		c.ID = int64(i + 1)
		claims = append(claims, c)
	}
	all := Reanchor(w, nw, claims)
	rev := slices.Clone(claims)
	slices.Reverse(rev)
	back := Reanchor(w, nw, rev)
	slices.Reverse(back)
	for i, c := range claims {
		one := Reanchor(w, nw, []Claim{c})[0]
		if all[i] != one || back[i] != one {
			t.Errorf("claim %d: batch %+v, reversed %+v, alone %+v", c.ID, all[i], back[i], one)
		}
	}
}

func TestReanchorInputs(t *testing.T) {
	w := wire(t)
	nw := "Markets were closed in Asia overnight.\n\n" + w
	_, good := claimFrom(t, mark(t, w, "The pound rose 0.3%", 0))
	want := Reanchor(w, nw, []Claim{good})[0]
	stale := good
	stale.Start, stale.End = 3, 10
	outOfRange := good
	outOfRange.Start, outOfRange.End = -5, 1<<20
	tests := []struct {
		name  string
		claim Claim
		want  models.AnchorState
	}{
		{"stale offsets use the quote", stale, anchored},
		{"offsets out of range", outOfRange, anchored},
		{"empty quote", Claim{ID: 9, Start: 3, End: 3}, orphaned},
		{"quote not in the old text", Claim{ID: 9, Start: 3, End: 8, Quote: "zebra crossing"}, orphaned},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Reanchor(w, nw, []Claim{tt.claim})[0]
			checkInvariants(t, nw, got)
			if got.State != tt.want {
				t.Fatalf("state = %s (%s), want %s", got.State, got.Reason, tt.want)
			}
			if tt.want == anchored && (got.Start != want.Start || got.End != want.End) {
				t.Errorf("span = [%d,%d), want [%d,%d)", got.Start, got.End, want.Start, want.End)
			}
		})
	}
	if got := Reanchor(w, nw, nil); got != nil {
		t.Errorf("Reanchor with no claims = %v, want nil", got)
	}
}

// TestReanchorLargeInputs: a 1M-code-point article and a 5,000-code-point
// quote are handled, and quickly.
func TestReanchorLargeInputs(t *testing.T) {
	w := wire(t)
	var b strings.Builder
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "Section %d. %s\n\n", i, strings.ReplaceAll(w, "\n\n", fmt.Sprintf(" (%d)\n\n", i)))
	}
	big := strings.TrimSpace(b.String())
	long := strings.Join(paragraphs(w)[:8], "\n\n") // about 1,900 code points
	long = long + "\n\n" + long + " " + long
	tests := []struct {
		name      string
		old, new  string
		quote     string
		wantState models.AnchorState
	}{
		{"1M text, claim near the end, edit at the start", big, "Breaking.\n\n" + big, "Section 150. LONDON", anchored},
		{"1M text, claim edited", big, strings.Replace(big, "Section 150. LONDON (Claimdesk Wire) — Unemployment fell to 4.2%", "Section 150. LONDON (Claimdesk Wire) — Unemployment fell to 4.3%", 1), "Section 150. LONDON (Claimdesk Wire) — Unemployment fell to 4.2%", changed},
		{"5k quote edited", "Intro.\n\n" + long + "\n\nOutro.", "Intro.\n\n" + strings.Replace(long, "twelve", "eleven", 1) + "\n\nOutro.", long, changed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := claimFrom(t, mark(t, tt.old, tt.quote, 0))
			got := Reanchor(tt.old, tt.new, []Claim{c})[0]
			checkInvariants(t, tt.new, got)
			if got.State != tt.wantState {
				t.Errorf("state = %s (%s), want %s", got.State, got.Reason, tt.wantState)
			}
		})
	}
}

// TestReanchorRewordedBesideNewCopy: a short quote's sentence is
// reworded while a new sentence with the same words is inserted nearby.
// The diff may align the claim's words with the new sentence; the claim
// must not be placed there. In the new texts ⟦…⟧ marks the reworded
// sentence: the claim must be orphaned, or changed inside that sentence.
// (Found by a handler test.)
func TestReanchorRewordedBesideNewCopy(t *testing.T) {
	const (
		old     = "Officials said ⟦prices rose sharply⟧ in March.\n\nAnalysts expect a calm summer."
		traders = "Traders said prices rose sharply on Tuesday after the storm."
		rest    = "Analysts expect a calm summer."
	)
	tests := []struct{ name, old, new string }{
		{"new paragraph before", old,
			traders + "\n\n⟦Officials said costs climbed in March.⟧\n\n" + rest},
		{"new paragraph after", old,
			"⟦Officials said costs climbed in March.⟧\n\n" + traders + "\n\n" + rest},
		{"new sentence before, same paragraph", old,
			traders + " ⟦Officials said costs climbed in March.⟧\n\n" + rest},
		{"new sentence after, same paragraph", old,
			"⟦Officials said costs climbed in March.⟧ " + traders + "\n\n" + rest},
		{"new sentence with look-alike context, same paragraph",
			"Markets opened higher.\n\nLocal officials said ⟦prices rose sharply⟧ in March. Rents were flat.\n\n" + rest,
			"Markets opened higher.\n\nLocal traders said prices rose sharply in May. ⟦Local officials said costs climbed in March.⟧ Rents were flat.\n\n" + rest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldText, c := claimFrom(t, tt.old)
			newText, rs, re, _ := unmark(tt.new)
			got := Reanchor(oldText, newText, []Claim{c})[0]
			checkInvariants(t, newText, got)
			switch {
			case got.State == orphaned:
			case got.State == changed && got.Start >= rs && got.End <= re:
			default:
				t.Errorf("got %s %q at [%d,%d) (score %.2f, %s); want orphaned, or changed inside %q",
					got.State, got.Quote, got.Start, got.End, got.Score, got.Reason, string([]rune(newText)[rs:re]))
			}
		})
	}
	// Controls: the claim's sentence itself is unchanged (moved or not), so
	// the claim stays anchored in it, not in the new sentence.
	runBehaviour(t, []behaviourCase{
		{"control: moved below a new paragraph", old,
			traders + "\n\nOfficials said ⟦prices rose sharply⟧ in March.\n\n" + rest, anchored},
		{"control: new sentence before, same paragraph", old,
			traders + " Officials said ⟦prices rose sharply⟧ in March.\n\n" + rest, anchored},
		{"control: new sentence after, same paragraph", old,
			"Officials said ⟦prices rose sharply⟧ in March. " + traders + "\n\n" + rest, anchored},
		{"control: new paragraph after", old,
			"Officials said ⟦prices rose sharply⟧ in March.\n\n" + traders + "\n\n" + rest, anchored},
		// The sentence is split right after the claim: the rest of it
		// moves to another sentence, but the side before it is intact and
		// pins the claim.
		{"control: sentence split after the claim",
			"Markets opened higher. Officials said ⟦prices rose sharply⟧ in March.\n\n" + rest,
			"Markets opened higher. Officials said ⟦prices rose sharply⟧. In March, costs rose.\n\n" + rest, anchored},
	})
}

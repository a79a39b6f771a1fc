package export_test

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/export"
	"github.com/claimdesk/claimdesk/internal/models"
)

func TestCSVRoundTrip(t *testing.T) {
	d := fixture(t)
	out := render(t, writers()["article.csv.golden"], d)
	if !bytes.Contains(out, []byte("\r\n")) {
		t.Error("lines do not end in CRLF")
	}
	rows := readCSV(t, out)
	if len(rows) != 1+len(d.Claims) {
		t.Fatalf("%d rows, want header + %d", len(rows), len(d.Claims))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"claim_id", "start", "end", "quote", "prefix", "suffix", "summary", "type", "claimant", "state",
		"verdict", "explanation", "rationale", "assignee", "due", "anchor_state", "created_at", "updated_at", "evidence"} {
		if _, ok := col[h]; !ok {
			t.Errorf("no %s column", h)
		}
	}
	for i, c := range d.Claims {
		row := rows[i+1]
		if len(row) != len(rows[0]) {
			t.Fatalf("row %d has %d fields, header %d", i+1, len(row), len(rows[0]))
		}
		want := map[string]string{
			"claim_id":     strconv.FormatInt(c.ID, 10),
			"number":       strconv.Itoa(i + 1),
			"start":        strconv.Itoa(c.Start),
			"end":          strconv.Itoa(c.End),
			"quote":        c.Quote,
			"prefix":       c.Prefix, // holds "\n\n" for claim 2: multi-line cells survive
			"suffix":       c.Suffix,
			"summary":      c.Summary,
			"type":         string(c.Type),
			"state":        string(c.State),
			"explanation":  c.Explanation,
			"rationale":    c.Rationale,
			"notes":        c.Notes,
			"assignee":     c.AssigneeName,
			"anchor_state": string(c.AnchorState),
		}
		for k, v := range want {
			if got := row[col[k]]; got != v {
				t.Errorf("claim %d %s = %q, want %q", c.ID, k, got, v)
			}
		}
	}
	first := rows[1]
	for k, v := range map[string]string{
		"claimant": "Ana Ruiz", "verdict": "Mostly false", "verdict_value": "2", "due": "2026-03-10",
		"created_at": "2026-03-03T10:00:00Z", "updated_at": "2026-03-05T16:30:00Z", "proposed_by": "Priya Natarajan",
		"evidence": "refutes: Monthly performance report, February 2026 <https://transit.harbourton.example/reports/2026-02> | " +
			"context: Commuting survey 2025 <https://stats.example.gov/commuting-survey?year=2025&utm_source=x> | " +
			"origin: Mayor hails tram success <https://harbourton.example/news/tram-success>",
	} {
		if got := first[col[k]]; got != v {
			t.Errorf("claim 101 %s = %q, want %q", k, got, v)
		}
	}
}

func TestCSVFormulaInjection(t *testing.T) {
	inputs := []string{"=1+1", "+1", "-1", "@SUM(A1:A2)", "\t=1", "\r=1", "\n=1", "＝1+1", "=HYPERLINK(\"https://evil.example\",\"x\")"}
	safe := []string{"1+1", "a=b", "", " =1", "“=”"}
	for _, in := range append(slices.Clone(inputs), safe...) {
		d := export.Document{
			Article: models.Article{ID: 1, Title: in},
			Claims: []models.ClaimDetail{{Claim: models.Claim{ID: 2, Quote: in, Summary: in, Notes: in},
				Claimant: &models.Claimant{Name: in}, Verdict: &models.Verdict{Label: in}}},
			Evidence: map[int64][]models.EvidenceDetail{2: {{Evidence: models.Evidence{Stance: models.StanceContext},
				Source: models.Source{Title: in, URL: "https://example.org"}}}},
		}
		var buf bytes.Buffer
		if err := export.WriteCSV(&buf, d); err != nil {
			t.Fatal(err)
		}
		rows := readCSV(t, buf.Bytes())
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		want := strings.ReplaceAll(in, "\r", "\n") // CR is normalised to LF
		if slices.Contains(inputs, in) {
			want = "'" + want
		}
		for _, k := range []string{"article_title", "quote", "summary", "notes", "claimant", "verdict"} {
			if got := rows[1][col[k]]; got != want {
				t.Errorf("%s for input %q = %q, want %q", k, in, got, want)
			}
		}
	}
}

// Exports name claims by their stable numbers, in reading order: a claim
// marked later but earlier in the text keeps the number it was given.
func TestExportsUseStableClaimNumbers(t *testing.T) {
	d := fixture(t)
	for i := range d.Claims {
		d.Claims[i].Number = len(d.Claims) - i + 4 // reading order runs against marking order
	}
	rows := readCSV(t, render(t, writers()["article.csv.golden"], d))
	col := slices.Index(rows[0], "number")
	for i, c := range d.Claims {
		if got := rows[i+1][col]; got != strconv.Itoa(c.Number) {
			t.Errorf("CSV row %d number = %q, want %d", i+1, got, c.Number)
		}
	}
	html := string(render(t, writers()["article.html.golden"], d))
	md := string(render(t, writers()["article.md.golden"], d))
	first := strconv.Itoa(d.Claims[0].Number)
	if !strings.Contains(html, `id="claim-`+first+`"`) {
		t.Errorf("HTML export has no entry for claim %s", first)
	}
	if !strings.Contains(md, "**Claim "+first+"**") {
		t.Errorf("Markdown export does not name claim %s", first)
	}
}

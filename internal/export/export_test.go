package export_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/claimdesk/claimdesk/internal/export"
	"github.com/claimdesk/claimdesk/internal/models"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update to accept):\n%s", path, firstDiff(got, want))
	}
}

// firstDiff shows the first line that differs.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return "(same lines; different line endings?)"
}

func ptr[T any](v T) *T { return &v }

func date(s string) *time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return &t
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// span finds quote in text (it must occur exactly once) and returns its
// code-point offsets and 32 code points of context each side, as the app
// stores them.
func span(t testing.TB, text, quote string) (start, end int, prefix, suffix string) {
	t.Helper()
	i := strings.Index(text, quote)
	if i < 0 || strings.Count(text, quote) != 1 {
		t.Fatalf("quote %q must occur exactly once in the fixture text", quote)
	}
	start = utf8.RuneCountInString(text[:i])
	end = start + utf8.RuneCountInString(quote)
	runes := []rune(text)
	prefix = string(runes[max(0, start-models.ContextRunes):start])
	suffix = string(runes[end:min(len(runes), end+models.ContextRunes)])
	return start, end, prefix, suffix
}

// place sets c's offsets, quote and context from text.
func place(t testing.TB, c *models.ClaimDetail, text, quote string) {
	t.Helper()
	c.Start, c.End, c.Prefix, c.Suffix = span(t, text, quote)
	c.Quote = quote
	c.AnchorState = models.AnchorAnchored
	c.AnchorRevision = 3
}

var scale = []models.Verdict{
	{ID: 1, Label: "True", Position: 1, Value: ptr(5), Colour: "#1a7f37"},
	{ID: 2, Label: "Mostly true", Position: 2, Value: ptr(4), Colour: "#4d9a3a"},
	{ID: 3, Label: "Half true", Position: 3, Value: ptr(3), Colour: "#b08800"},
	{ID: 4, Label: "Mostly false", Position: 4, Value: ptr(2), Colour: "#d1622b"},
	{ID: 5, Label: "False", Position: 5, Value: ptr(1), Colour: "#cf222e"},
	{ID: 6, Label: "Not checkable", Position: 6, Colour: "#6e7781", NotCheckable: true},
}

// fixtureText is a made-up wire report: curly quotes, an em dash, an emoji
// (outside the BMP, so code points, UTF-16 units and bytes all differ before
// claim 3), and two overlapping claims in the first paragraph.
const fixtureText = "HARBOURTON, March 3 (Wire) — Mayor Ana Ruiz said on Tuesday that the city’s new tram line had “cut average commutes by a third” since it opened in January, and promised a second line “before the end of 2028”.\n\n" +
	"Ruiz later wrote on social media: “Best decision this city ever made 🚋 Ridership is up 40% and nobody waits more than six minutes.”\n\n" +
	"The Harbourton Transit Authority said weekday boardings rose 18% between January and February, while delays of more than ten minutes fell by half.\n\n" +
	"Opposition councillor Sam Okafor called the mayor’s figures “a victory lap on a half-built track”. The project’s budget has risen to $412 million."

// fixture is the Document every golden file is made from.
func fixture(t testing.TB) export.Document {
	t.Helper()
	ruiz := &models.Claimant{ID: 7, Name: "Ana Ruiz", Kind: models.KindPerson, Title: "Mayor of Harbourton", Affiliation: "Harbourton Civic Party",
		SameAs: []string{"https://www.wikidata.org/wiki/Q4115189", "javascript:alert(1)"}}
	hta := &models.Claimant{ID: 8, Name: "Harbourton Transit Authority", Kind: models.KindOrganization, SameAs: []string{"https://transit.harbourton.example/"}}

	c1 := models.ClaimDetail{Claim: models.Claim{
		ID: 101, ArticleID: 42, Summary: "Harbourton’s tram cut average commutes by a third", Type: models.TypeStatistic,
		ClaimantID: &ruiz.ID, ClaimedAt: date("2026-03-03"), Notes: "Ask the authority for the raw journey-time data.",
		State: models.StatePublished, VerdictID: ptr(int64(4)),
		Explanation: "The authority’s own figures show journey times fell by 9%, not a third.",
		Rationale:   "Compared the February report with the 2025 baseline.",
		ProposedBy:  ptr(int64(3)), AssigneeID: ptr(int64(3)), Due: date("2026-03-10"),
		Version: 4, EvidenceCount: 3, CreatedBy: 2, CreatedAt: at("2026-03-03T10:00:00Z"), UpdatedAt: at("2026-03-05T16:30:00Z"),
	}, Claimant: ruiz, Verdict: &scale[3], AssigneeName: "Priya Natarajan"}
	place(t, &c1, fixtureText, "the city’s new tram line had “cut average commutes by a third” since it opened in January")

	c2 := models.ClaimDetail{Claim: models.Claim{
		ID: 102, ArticleID: 42, Type: models.TypePrediction, ClaimantID: &ruiz.ID, ClaimedAt: date("2026-03-03"),
		State: models.StateResearching, AssigneeID: ptr(int64(3)),
		Version: 1, CreatedBy: 2, CreatedAt: at("2026-03-03T10:05:00Z"), UpdatedAt: at("2026-03-03T10:05:00Z"),
	}, Claimant: ruiz, AssigneeName: "Priya Natarajan"}
	place(t, &c2, fixtureText, "opened in January, and promised a second line “before the end of 2028”")

	c3 := models.ClaimDetail{Claim: models.Claim{
		ID: 103, ArticleID: 42, Summary: "Tram ridership is up 40% and no one waits over six minutes", Type: models.TypeStatistic,
		ClaimantID: &ruiz.ID, State: models.StateNew,
		Version: 1, CreatedBy: 2, CreatedAt: at("2026-03-03T10:07:00Z"), UpdatedAt: at("2026-03-03T10:07:00Z"),
	}, Claimant: ruiz}
	place(t, &c3, fixtureText, "Ridership is up 40% and nobody waits more than six minutes")

	c4 := models.ClaimDetail{Claim: models.Claim{
		ID: 104, ArticleID: 42, Type: models.TypeStatistic, ClaimantID: &hta.ID, ClaimedAt: date("2026-02-27"),
		State: models.StateApproved, VerdictID: ptr(int64(1)),
		Explanation: "Matches the authority’s published February ridership table.",
		Version:     3, CreatedBy: 3, CreatedAt: at("2026-03-03T11:00:00Z"), UpdatedAt: at("2026-03-04T09:00:00Z"),
	}, Claimant: hta, Verdict: &scale[0]}
	place(t, &c4, fixtureText, "weekday boardings rose 18% between January and February")
	c4.AnchorState, c4.PreviousQuote = models.AnchorChanged, "weekday boardings rose 17% between January and February"

	c5 := models.ClaimDetail{Claim: models.Claim{
		ID: 105, ArticleID: 42, Start: 600, End: 634, Quote: "The project came in under budget", Prefix: "track”. ", Suffix: ".",
		Type: models.TypeStatement, State: models.StateNeedsRecheck,
		AnchorState: models.AnchorOrphaned, AnchorRevision: 2, PreviousQuote: "The project came in under budget",
		Version: 2, CreatedBy: 2, CreatedAt: at("2026-03-02T09:00:00Z"), UpdatedAt: at("2026-03-04T12:00:00Z"),
	}}

	report := models.Source{ID: 11, URL: "https://transit.harbourton.example/reports/2026-02", Title: "Monthly performance report, February 2026",
		Publisher: "Harbourton Transit Authority", Kind: "dataset", PublishedAt: date("2026-03-01"), AccessedAt: date("2026-03-04"),
		ArchiveURL: "https://archive.example.org/20260304/transit.harbourton.example/reports/2026-02"}
	survey := models.Source{ID: 12, URL: "https://stats.example.gov/commuting-survey?year=2025&utm_source=x", Title: "Commuting survey 2025",
		Publisher: "Regional Statistics Office", Kind: "dataset"}
	release := models.Source{ID: 13, URL: "https://harbourton.example/news/tram-success", Title: "Mayor hails tram success",
		Publisher: "City of Harbourton", Kind: "official_statement", PublishedAt: date("2026-03-03")}

	return export.Document{
		Article: models.Article{
			ID: 42, Title: "Harbourton mayor says new tram “cut commutes by a third”", Outlet: "Wire Service", Byline: "Jo Lindqvist",
			SourceURL: "https://news.example.com/2026/03/03/harbourton-tram", PublishedAt: date("2026-03-03"), Language: "en",
			Text: fixtureText, Revision: 3, CreatedBy: 2,
			CreatedAt: at("2026-03-03T09:30:00Z"), UpdatedAt: at("2026-03-04T08:00:00Z"),
		},
		Claims: []models.ClaimDetail{c1, c2, c3, c4, c5},
		Evidence: map[int64][]models.EvidenceDetail{
			101: {
				{Evidence: models.Evidence{ID: 21, ClaimID: 101, SourceID: 11, Stance: models.StanceRefutes,
					Passage: "Average journey time on routes served by Line 1 fell 9% year on year.", Note: "Table 3.", AddedBy: 3, CreatedAt: at("2026-03-04T10:00:00Z")},
					Source: report, AddedByName: "Priya Natarajan"},
				{Evidence: models.Evidence{ID: 22, ClaimID: 101, SourceID: 12, Stance: models.StanceContext, AddedBy: 3, CreatedAt: at("2026-03-04T10:10:00Z")},
					Source: survey, AddedByName: "Priya Natarajan"},
				{Evidence: models.Evidence{ID: 23, ClaimID: 101, SourceID: 13, Stance: models.StanceOrigin, AddedBy: 2, CreatedAt: at("2026-03-03T10:01:00Z")},
					Source: release, AddedByName: "Sam Editor"},
			},
		},
		Appearances: map[int64][]models.Appearance{
			101: {
				{ID: 31, ClaimID: 101, URL: "https://harbourton.example/news/tram-success", First: true},
				{ID: 32, ClaimID: 101, URL: "https://radio.example.net/shows/morning/2026-03-03"},
			},
		},
		Creators:  map[int64]string{2: "Sam Editor", 3: "Priya Natarajan"},
		Scale:     scale,
		BaseURL:   "https://claims.example.org",
		Newsroom:  export.Newsroom{Name: "Example Fact Desk", URL: "https://factdesk.example.org/", LogoURL: "https://factdesk.example.org/logo.png"},
		Generated: at("2026-03-06T12:00:00Z"),
	}
}

// render runs one writer on d.
func render(t *testing.T, write func(*bytes.Buffer, export.Document) error, d export.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writers() map[string]func(*bytes.Buffer, export.Document) error {
	return map[string]func(*bytes.Buffer, export.Document) error{
		"article.html.golden":     func(b *bytes.Buffer, d export.Document) error { return export.WriteHTML(b, d) },
		"article.md.golden":       func(b *bytes.Buffer, d export.Document) error { return export.WriteMarkdown(b, d) },
		"article.csv.golden":      func(b *bytes.Buffer, d export.Document) error { return export.WriteCSV(b, d) },
		"annotations.json.golden": func(b *bytes.Buffer, d export.Document) error { return export.WriteAnnotations(b, d) },
		"claimreview.json.golden": func(b *bytes.Buffer, d export.Document) error { return export.WriteClaimReview(b, d) },
	}
}

func TestGolden(t *testing.T) {
	d := fixture(t)
	for name, write := range writers() {
		t.Run(name, func(t *testing.T) {
			golden(t, name, render(t, write, d))
		})
	}
}

// TestDeterministic: the same Document gives the same bytes (maps are
// ranged in random order; nothing may depend on it).
func TestDeterministic(t *testing.T) {
	d := fixture(t)
	for name, write := range writers() {
		first := render(t, write, d)
		for range 5 {
			if got := render(t, write, d); !bytes.Equal(got, first) {
				t.Fatalf("%s: output changed between runs", name)
			}
		}
	}
}

// TestEmptyDocument: an article without claims, text or metadata still
// exports in every format.
func TestEmptyDocument(t *testing.T) {
	d := export.Document{Article: models.Article{ID: 1}, BaseURL: "https://claims.example.org/"}
	for name, write := range writers() {
		if out := render(t, write, d); len(out) == 0 {
			t.Errorf("%s: empty output", name)
		}
	}
	if got := string(render(t, writers()["claimreview.json.golden"], d)); got != "[]\n" {
		t.Errorf("ClaimReview with no claims = %q, want []", got)
	}
}

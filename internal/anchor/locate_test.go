package anchor

import (
	"errors"
	"reflect"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
)

func TestLocate(t *testing.T) {
	const (
		economy = "The economy grew by 3% last year."
		taxes   = "Taxes rose. Then taxes rose again. Taxes rose."
		curly   = "He said “we will win” on Monday, and ‘we will win’ again."
		wrapped = "many of us need\nmuch more of an\nincentive."
		dashes  = "In years 2010–2012 taxes rose—again, and then… nothing."
	)
	tests := []struct {
		name                  string
		s                     string
		quote, prefix, suffix string
		wantStart, wantEnd    int
		wantField             string // a models.ValidationError on this field
		wantAmbiguous         int    // a *models.AmbiguousError with this many occurrences
	}{
		{name: "single", s: economy, quote: "grew by 3%", wantStart: 12, wantEnd: 22},
		{name: "quote is trimmed", s: economy, quote: "  grew by 3%\n", wantStart: 12, wantEnd: 22},
		{name: "context ignored when single", s: economy, quote: "grew by 3%", prefix: "nothing like it", wantStart: 12, wantEnd: 22},
		{name: "ambiguous", s: taxes, quote: "rose", wantAmbiguous: 3},
		{name: "by prefix", s: taxes, quote: "rose", prefix: "Then taxes ", wantStart: 23, wantEnd: 27},
		{name: "by suffix", s: taxes, quote: "rose", suffix: " again.", wantStart: 23, wantEnd: 27},
		{name: "by suffix at text end", s: taxes, quote: "rose", prefix: "again. Taxes ", suffix: ".", wantStart: 41, wantEnd: 45},
		{name: "trimmed space joins the prefix", s: taxes, quote: " rose", prefix: "Then taxes", wantStart: 23, wantEnd: 27},
		{name: "prefix longer than the text before", s: taxes, quote: "rose", prefix: "Headline. Taxes ", suffix: ". Then", wantStart: 6, wantEnd: 10},
		{name: "context that fits two equally", s: taxes, quote: "rose", prefix: "axes ", wantAmbiguous: 3},
		{name: "whitespace alone does not pick", s: taxes, quote: " rose ", wantAmbiguous: 3},
		{name: "context that fits none", s: taxes, quote: "rose", prefix: "zzz", suffix: "zzz", wantAmbiguous: 3},
		{name: "not found", s: economy, quote: "shrank", wantField: "quote"},
		{name: "empty quote", s: economy, quote: "", wantField: "quote"},
		{name: "whitespace quote", s: economy, quote: " \t\u00a0", wantField: "quote"},
		{name: "curly double quotes", s: curly, quote: "“we will win”", wantStart: 8, wantEnd: 21},
		{name: "curly single quotes", s: curly, quote: "‘we will win’", wantStart: 37, wantEnd: 50},
		{name: "straight quotes find curly ones", s: curly, quote: `"we will win"`, wantStart: 8, wantEnd: 21},
		{name: "straight single quotes find curly ones", s: curly, quote: `'we will win'`, wantStart: 37, wantEnd: 50},
		{name: "a typed line break is a space", s: wrapped, quote: "much more of\nan incentive", wantStart: 16, wantEnd: 41},
		{name: "a line break in the article", s: "much more of\nan incentive.", quote: "of an incentive", wantStart: 10, wantEnd: 25},
		{name: "runs of spaces, tabs and NBSP", s: wrapped, quote: "much  more\tof\u00a0an incentive", wantStart: 16, wantEnd: 41},
		{name: "a hyphen for an en dash", s: dashes, quote: "2010-2012", wantStart: 9, wantEnd: 18},
		{name: "spaces around a dash", s: dashes, quote: "2010 - 2012", wantStart: 9, wantEnd: 18},
		{name: "two hyphens for an em dash", s: dashes, quote: "rose--again", wantStart: 25, wantEnd: 35},
		{name: "three dots for an ellipsis", s: dashes, quote: "and then... nothing", wantStart: 37, wantEnd: 54},
		{name: "an ellipsis for three dots", s: "He waited... and left.", quote: "waited… and", wantStart: 3, wantEnd: 16},
		{name: "not inside an ellipsis", s: dashes, quote: "then.", wantField: "quote"},
		{name: "NFD quote, NFC text", s: "Le café noir", quote: "cafe\u0301 noir", wantStart: 3, wantEnd: 12},
		{name: "a soft hyphen in the quote", s: economy, quote: "econ\u00adomy grew", wantStart: 4, wantEnd: 16},
		{name: "folded and ambiguous", s: "Taxes—rose. Then taxes – rose.", quote: "taxes - rose", wantAmbiguous: 0, wantStart: 17, wantEnd: 29},
		{name: "folded, ambiguous", s: "A—b. A – b.", quote: "A-b", wantAmbiguous: 2},
		{name: "folded, picked by context", s: "A—b. A – b.", quote: "A-b", prefix: "A—b. ", wantStart: 5, wantEnd: 10},
		{name: "exact match preferred", s: "said “no” and said \"no\"", quote: `said "no"`, wantStart: 14, wantEnd: 23},
		{name: "offsets are code points", s: "👍🏽 café 👨‍👩‍👧 grew", quote: "grew", wantStart: 14, wantEnd: 18},
		{name: "match inside a cluster is not a match", s: "caf" + eCombining + " noir", quote: "cafe", wantField: "quote"},
		{name: "only the whole-cluster match counts", s: "caf" + eCombining + " or cafe", quote: "cafe", wantStart: 9, wantEnd: 13},
		{name: "RTL", s: "قال الوزير إن الاقتصاد نما", quote: "الاقتصاد", wantStart: 14, wantEnd: 22},
		{name: "CJK", s: "経済は成長した。経済は", quote: "成長", wantStart: 3, wantEnd: 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end, err := NewText(tt.s).Locate(tt.quote, tt.prefix, tt.suffix)
			switch {
			case tt.wantField != "":
				assertField(t, err, tt.wantField)
			case tt.wantAmbiguous > 0:
				var amb *models.AmbiguousError
				if !errors.As(err, &amb) {
					t.Fatalf("Locate(%q) = %d, %d, %v; want *models.AmbiguousError", tt.quote, start, end, err)
				}
				if got := len(amb.Occurrences); got != tt.wantAmbiguous {
					t.Errorf("%d occurrences, want %d: %+v", got, tt.wantAmbiguous, amb.Occurrences)
				}
			default:
				if err != nil || start != tt.wantStart || end != tt.wantEnd {
					t.Errorf("Locate(%q, %q, %q) = %d, %d, %v; want %d, %d, nil", tt.quote, tt.prefix, tt.suffix, start, end, err, tt.wantStart, tt.wantEnd)
				}
			}
		})
	}
}

// TestLocateAmbiguousListsAll checks the whole error a client is shown.
func TestLocateAmbiguousListsAll(t *testing.T) {
	txt := NewText("Taxes rose. Then taxes rose again. Taxes rose.")
	_, _, err := txt.Locate(" rose ", "", "")
	var amb *models.AmbiguousError
	if !errors.As(err, &amb) {
		t.Fatalf("err = %v, want *models.AmbiguousError", err)
	}
	want := &models.AmbiguousError{Quote: "rose", Occurrences: []models.Occurrence{
		{Start: 6, End: 10, Prefix: "Taxes ", Suffix: ". Then taxes rose again. Taxes r"},
		{Start: 23, End: 27, Prefix: "Taxes rose. Then taxes ", Suffix: " again. Taxes rose."},
		{Start: 41, End: 45, Prefix: "e. Then taxes rose again. Taxes ", Suffix: "."},
	}}
	if !reflect.DeepEqual(amb, want) {
		t.Errorf("err = %+v\nwant  %+v", amb, want)
	}
}

func TestOccurrences(t *testing.T) {
	tests := []struct {
		name  string
		s     string
		quote string
		limit int
		want  []models.Occurrence
	}{
		{"none", "abc", "x", 0, nil},
		{"empty quote", "abc", " ", 0, nil},
		{"limited", "a-a-a", "a", 2, []models.Occurrence{
			{Start: 0, End: 1, Prefix: "", Suffix: "-a-a"},
			{Start: 2, End: 3, Prefix: "a-", Suffix: "-a"},
		}},
		{"overlapping", "aaa", "aa", 0, []models.Occurrence{
			{Start: 0, End: 2, Prefix: "", Suffix: "a"},
			{Start: 1, End: 3, Prefix: "a", Suffix: ""},
		}},
		{"after emoji", thumbsMedium + " ok " + family + " ok", "ok", 0, []models.Occurrence{
			{Start: 3, End: 5, Prefix: thumbsMedium + " ", Suffix: " " + family + " ok"},
			{Start: 12, End: 14, Prefix: thumbsMedium + " ok " + family + " ", Suffix: ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewText(tt.s).Occurrences(tt.quote, tt.limit)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Occurrences(%q, %d) = %+v\nwant %+v", tt.quote, tt.limit, got, tt.want)
			}
		})
	}
}

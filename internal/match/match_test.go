package match

import (
	"math"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestTerms(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"How are butterflies surviving the #AustralianFires?", []string{"butterfli", "surviv", "australian", "fire"}},
		{".@BernieSanders wins Nevada!", []string{"berni", "sander", "win", "nevada"}},
		{"See https://t.co/abc and pic.twitter.com/9CgOACecb0 now", []string{"see", "now"}},
		{"Funk HIVhttps://t.co/oB0LRrT6D7", []string{"funk"}},
		{"McDonald’s $1,000 fries", []string{"mc", "donald", "1000", "fri"}},
		{"Café crème brûlée", []string{"cafe", "creme", "brule"}},
		{"@Millennials4Bernie", []string{"millenni", "4", "berni"}},
		{"I don't know", []string{"know"}},
		{"", []string{}},
	}
	for _, tt := range tests {
		if got := Terms(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Terms(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitPostDate(t *testing.T) {
	tests := []struct {
		in, body string
		date     string
	}{
		{"Footage by Julie — Center for Bio Div (@CenterForBioDiv) January 14, 2020", "Footage by Julie — Center for Bio Div", "2020-01-14"},
		{`"Vote to save our NHS — Jeremy Corbyn (@jeremycorbyn) December 8, 2019"`, `"Vote to save our NHS — Jeremy Corbyn`, "2019-12-08"},
		{"The summit was on July 16, 2018 in Helsinki.", "The summit was on July 16, 2018 in Helsinki.", ""},
		{"No date here", "No date here", ""},
		{"Bad day February 31, 2020", "Bad day February 31, 2020", ""},
	}
	for _, tt := range tests {
		body, d := SplitPostDate(tt.in)
		got := ""
		if !d.IsZero() {
			got = d.Format("2006-01-02")
		}
		if body != tt.body || got != tt.date {
			t.Errorf("SplitPostDate(%q) = %q, %q; want %q, %q", tt.in, body, got, tt.body, tt.date)
		}
	}
}

func TestMeasure(t *testing.T) {
	ranked := [][]string{{"a", "b"}, {"x", "y", "z"}, {"p", "q", "r", "s", "t", "u"}, {}}
	rel := [][]string{{"a"}, {"z"}, {"u"}, {"k"}}
	s := Measure(ranked, rel)
	// AP@5: 1, 1/3, 0 (sixth), 0; RR: 1, 1/3, 1/6, 0; P@1: 1 of 4.
	if s.Queries != 4 || !near(s.MAP5, (1+1.0/3)/4) || !near(s.MRR, (1+1.0/3+1.0/6)/4) || !near(s.P1, 0.25) {
		t.Errorf("Measure = %+v", s)
	}
	two := Measure([][]string{{"a", "x", "b"}}, [][]string{{"a", "b"}})
	if !near(two.MAP5, (1+2.0/3)/2) {
		t.Errorf("two relevant: MAP@5 = %v; want %v", two.MAP5, (1+2.0/3)/2)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func smallIndex() *Index {
	ix := NewIndex()
	day := time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range []Doc{
		{Key: "f:1", Claim: "The Russian state has never interfered in the internal affairs of the United States, including the election.", Title: "Did Putin Say Russia Never Interfered?", Date: day},
		{Key: "f:2", Claim: "A photograph shows wedding rings removed from Holocaust victims.", Title: "Wedding rings photo", Date: day},
		{Key: "f:3", Claim: "Rapper PnB Rock was shot and killed in December 2019.", Title: "PnB Rock Death Hoax", Date: day},
		{Key: "f:4", Claim: "Bill Gates wants to put microchips in vaccines.", Title: "Gates microchip vaccine", Date: day},
	} {
		ix.Add(d)
	}
	return ix
}

func TestMatchRanksTheClaimFirst(t *testing.T) {
	ix := smallIndex()
	rs := ix.Match(Query{Text: "Putin: the Russian state has never interfered and is not going to interfere in internal American affairs, including the election process"}, 10)
	if len(rs) == 0 || rs[0].Key != "f:1" {
		t.Fatalf("Match = %+v; want f:1 first", rs)
	}
	for i, r := range rs {
		if r.Score < 0 || r.Score > 1 || (i > 0 && r.Score > rs[i-1].Score) {
			t.Errorf("scores not in 0–1 best first: %+v", rs)
		}
	}
	if got := ix.Match(Query{Text: "Putin interfered"}, 0); got != nil {
		t.Errorf("limit 0 = %+v; want nothing", got)
	}
	if got := ix.Match(Query{Text: "zebra quantum"}, 5); len(got) != 0 {
		t.Errorf("no shared word = %+v; want nothing", got)
	}
}

func TestMatchIsDeterministic(t *testing.T) {
	a, b := smallIndex(), NewIndex()
	// The same documents added in another order, with a removed one between.
	b.Add(Doc{Key: "f:9", Claim: "Wedding rings were found."})
	day := time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC)
	b.Add(Doc{Key: "f:4", Claim: "Bill Gates wants to put microchips in vaccines.", Title: "Gates microchip vaccine", Date: day})
	b.Add(Doc{Key: "f:3", Claim: "Rapper PnB Rock was shot and killed in December 2019.", Title: "PnB Rock Death Hoax", Date: day})
	b.Remove("f:9")
	b.Add(Doc{Key: "f:2", Claim: "A photograph shows wedding rings removed from Holocaust victims.", Title: "Wedding rings photo", Date: day})
	b.Add(Doc{Key: "f:1", Claim: "The Russian state has never interfered in the internal affairs of the United States, including the election.", Title: "Did Putin Say Russia Never Interfered?", Date: day})
	q := Query{Text: "wedding rings of victims, rock star shot, December 2019 — X (@x) December 3, 2019"}
	ra, rb := a.Match(q, 10), b.Match(q, 10)
	if !slices.Equal(ra, rb) {
		t.Errorf("order or scores depend on insertion history:\n%+v\n%+v", ra, rb)
	}
}

func TestAddReplacesAndRemoveForgets(t *testing.T) {
	ix := smallIndex()
	ix.Add(Doc{Key: "f:2", Claim: "Elvis is alive and working in a bakery."})
	if ix.Len() != 4 {
		t.Fatalf("Len = %d; want 4 after replacing", ix.Len())
	}
	if rs := ix.Match(Query{Text: "wedding rings Holocaust"}, 5); len(rs) != 0 {
		t.Errorf("replaced text still matches: %+v", rs)
	}
	if rs := ix.Match(Query{Text: "Elvis alive bakery"}, 5); len(rs) != 1 || rs[0].Key != "f:2" {
		t.Errorf("new text = %+v; want f:2", rs)
	}
	ix.Remove("f:2")
	ix.Remove("f:nothing")
	if rs := ix.Match(Query{Text: "Elvis alive bakery"}, 5); len(rs) != 0 || ix.Len() != 3 {
		t.Errorf("removed doc still found: %+v (Len %d)", rs, ix.Len())
	}
}

func TestCompactionKeepsResults(t *testing.T) {
	ix := NewIndex()
	for i := 0; i < 3000; i++ {
		ix.Add(Doc{Key: key(i), Claim: "filler claim number " + key(i)})
	}
	ix.Add(Doc{Key: "keep", Claim: "Vaccines contain microchips to track people."})
	for i := 0; i < 3000; i++ {
		ix.Remove(key(i))
	}
	if len(ix.docs) > 1025 {
		t.Errorf("%d slots for 1 live document; want compaction to have run", len(ix.docs))
	}
	if rs := ix.Match(Query{Text: "microchips in vaccines"}, 3); len(rs) != 1 || rs[0].Key != "keep" {
		t.Errorf("after compaction = %+v; want keep", rs)
	}
}

func key(i int) string {
	return string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))
}

// Matches run concurrently with each other and with changes (the scan
// ranks its sentences in parallel; syncs add and remove documents).
func TestConcurrentMatch(t *testing.T) {
	ix := smallIndex()
	want := ix.Match(Query{Text: "wedding rings Holocaust victims"}, 3)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if got := ix.Match(Query{Text: "wedding rings Holocaust victims"}, 3); len(got) == 0 || got[0].Key != want[0].Key {
					t.Errorf("concurrent match = %+v", got)
					return
				}
			}
		}()
	}
	for i := 0; i < 200; i++ {
		ix.Add(Doc{Key: "tmp", Claim: "Filler text about a bakery."})
		ix.Remove("tmp")
	}
	wg.Wait()
}

package export_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/export"
	"github.com/claimdesk/claimdesk/internal/models"
)

// get walks a decoded JSON object by keys.
func get(t *testing.T, v any, path ...string) any {
	t.Helper()
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: not an object", strings.Join(path, "."))
		}
		if v, ok = m[k]; !ok {
			t.Fatalf("missing %s", strings.Join(path, "."))
		}
	}
	return v
}

// roundTrip gives the ClaimReview as a reader of the markup sees it.
func roundTrip(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal(mustJSON(t, m), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestClaimReviewFields(t *testing.T) {
	d := fixture(t)
	c := d.Claims[0] // Mostly false, claimant a person, evidence and appearances
	m, ok := export.ClaimReview(d, c)
	if !ok {
		t.Fatal("ClaimReview(claim with a verdict) = false")
	}
	cr := roundTrip(t, m)
	str := func(path ...string) string {
		t.Helper()
		s, _ := get(t, cr, path...).(string)
		return s
	}
	num := func(path ...string) float64 {
		t.Helper()
		n, ok := get(t, cr, path...).(float64)
		if !ok {
			t.Fatalf("%s is not a number", strings.Join(path, "."))
		}
		return n
	}
	tests := []struct {
		name, got, want string
	}{
		// Google: required.
		{"@context", str("@context"), "https://schema.org"},
		{"@type", str("@type"), "ClaimReview"},
		{"url", str("url"), "https://claims.example.org/claims/101"},
		{"claimReviewed", str("claimReviewed"), c.Summary},
		{"reviewRating.@type", str("reviewRating", "@type"), "Rating"},
		{"reviewRating.alternateName", str("reviewRating", "alternateName"), "Mostly false"},
		// Google: recommended.
		{"reviewRating.ratingExplanation", str("reviewRating", "ratingExplanation"), c.Explanation},
		{"author.@type", str("author", "@type"), "Organization"},
		{"author.name", str("author", "name"), "Example Fact Desk"},
		{"author.url", str("author", "url"), "https://factdesk.example.org/"},
		{"author.logo.url", str("author", "logo", "url"), "https://factdesk.example.org/logo.png"},
		{"datePublished", str("datePublished"), "2026-03-05T16:30:00Z"},
		{"dateModified", str("dateModified"), "2026-03-05T16:30:00Z"},
		{"itemReviewed.@type", str("itemReviewed", "@type"), "Claim"},
		{"itemReviewed.text", str("itemReviewed", "text"), c.Quote},
		{"itemReviewed.author.@type", str("itemReviewed", "author", "@type"), "Person"},
		{"itemReviewed.author.name", str("itemReviewed", "author", "name"), "Ana Ruiz"},
		{"itemReviewed.author.jobTitle", str("itemReviewed", "author", "jobTitle"), "Mayor of Harbourton"},
		{"itemReviewed.datePublished", str("itemReviewed", "datePublished"), "2026-03-03"},
		{"itemReviewed.firstAppearance.url", str("itemReviewed", "firstAppearance", "url"), "https://harbourton.example/news/tram-success"},
		{"inLanguage", str("inLanguage"), "en"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if v, best, worst := num("reviewRating", "ratingValue"), num("reviewRating", "bestRating"), num("reviewRating", "worstRating"); v != 2 || best != 5 || worst != 1 {
		t.Errorf("rating = %v in [%v, %v], want 2 in [1, 5]", v, worst, best)
	}
	if got := str("claimReviewed"); strings.Contains(strings.ToLower(got), "false") {
		t.Errorf("claimReviewed %q carries the verdict", got)
	}
	same := get(t, cr, "itemReviewed", "author", "sameAs").([]any)
	if len(same) != 1 || same[0] != "https://www.wikidata.org/wiki/Q4115189" {
		t.Errorf("sameAs = %v, want only the Wikidata URL (javascript: dropped)", same)
	}
	var urls []string
	for _, a := range get(t, cr, "itemReviewed", "appearance").([]any) {
		urls = append(urls, a.(map[string]any)["url"].(string))
	}
	if got, want := strings.Join(urls, " "), "https://radio.example.net/shows/morning/2026-03-03 https://news.example.com/2026/03/03/harbourton-tram"; got != want {
		t.Errorf("appearance URLs = %s, want %s", got, want)
	}
}

func TestClaimReviewOrganizationClaimant(t *testing.T) {
	d := fixture(t)
	cr := roundTrip(t, must(export.ClaimReview(d, d.Claims[3])))
	author := get(t, cr, "itemReviewed", "author").(map[string]any)
	if author["@type"] != "Organization" || author["name"] != "Harbourton Transit Authority" {
		t.Errorf("claimant = %v, want Organization Harbourton Transit Authority", author)
	}
	if _, ok := author["jobTitle"]; ok {
		t.Error("an Organization has a jobTitle")
	}
	// No summary: the quote is what was reviewed.
	if got := get(t, cr, "claimReviewed"); got != d.Claims[3].Quote {
		t.Errorf("claimReviewed = %q, want the quote %q", got, d.Claims[3].Quote)
	}
	if get(t, cr, "reviewRating", "ratingValue").(float64) != 5 {
		t.Error("ratingValue for True is not 5")
	}
}

func TestClaimReviewNoVerdict(t *testing.T) {
	d := fixture(t)
	for _, i := range []int{1, 2, 4} {
		if m, ok := export.ClaimReview(d, d.Claims[i]); ok || m != nil {
			t.Errorf("ClaimReview(claim %d without verdict) = %v, %v; want nil, false", d.Claims[i].ID, m, ok)
		}
	}
	var buf bytes.Buffer
	if err := export.WriteClaimReview(&buf, d); err != nil {
		t.Fatal(err)
	}
	var all []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &all); err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0]["url"] != "https://claims.example.org/claims/101" || all[1]["url"] != "https://claims.example.org/claims/104" {
		t.Errorf("WriteClaimReview wrote %d reviews, want claims 101 and 104", len(all))
	}
}

func TestClaimReviewRating(t *testing.T) {
	d := fixture(t)
	c := d.Claims[0]
	rating := func(d export.Document, c models.ClaimDetail) map[string]any {
		return roundTrip(t, must(export.ClaimReview(d, c)))["reviewRating"].(map[string]any)
	}

	// A scale with no numbers: only the words.
	words := []models.Verdict{{ID: 1, Label: "Correct"}, {ID: 2, Label: "Wrong"}}
	d.Scale, c.Verdict = words, &words[1]
	r := rating(d, c)
	for _, k := range []string{"ratingValue", "bestRating", "worstRating"} {
		if _, ok := r[k]; ok {
			t.Errorf("textual scale: %s = %v, want none", k, r[k])
		}
	}
	if r["alternateName"] != "Wrong" {
		t.Errorf("alternateName = %v", r["alternateName"])
	}

	// Not checkable: no numbers, and its value does not stretch the range.
	d.Scale = append([]models.Verdict(nil), scale...)
	d.Scale[5].Value = ptr(0)
	c.Verdict = &d.Scale[5]
	if r := rating(d, c); r["ratingValue"] != nil {
		t.Errorf("not-checkable verdict has ratingValue %v", r["ratingValue"])
	}
	c.Verdict = &d.Scale[4] // False, 1
	if r := rating(d, c); r["worstRating"] != 1.0 || r["bestRating"] != 5.0 {
		t.Errorf("range = [%v, %v], want [1, 5]: the not-checkable value 0 must not count", r["worstRating"], r["bestRating"])
	}

	// A verdict outside the scale given still gets worst ≤ value ≤ best.
	odd := models.Verdict{ID: 99, Label: "Pants on fire", Value: ptr(-1)}
	c.Verdict = &odd
	if r := rating(d, c); r["worstRating"] != -1.0 || r["ratingValue"] != -1.0 {
		t.Errorf("value -1 off the scale: got value %v in [%v, %v]", r["ratingValue"], r["worstRating"], r["bestRating"])
	}
}

func must(m map[string]any, ok bool) map[string]any {
	if !ok {
		panic("no ClaimReview")
	}
	return m
}

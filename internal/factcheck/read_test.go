package factcheck_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/factcheck"
	"github.com/claimdesk/claimdesk/internal/models"
)

func readAll(t *testing.T, in string, lines bool) ([]factcheck.Item, error) {
	t.Helper()
	r := factcheck.NewReader(strings.NewReader(in), lines)
	var out []factcheck.Item
	for {
		it, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, it)
	}
}

const cr1 = `{"@context":"https://schema.org","@type":"ClaimReview","url":"https://factcheck.example/a?utm_source=x","claimReviewed":"The moon is made of cheese.","headline":"No, the moon is not cheese","reviewRating":{"@type":"Rating","ratingValue":1,"bestRating":"5","worstRating":1,"alternateName":"False"},"author":{"@type":"Organization","name":"Example Checks","url":"https://factcheck.example"},"datePublished":"2020-05-01","dateModified":"2020-05-02T10:00:00Z","inLanguage":"en","itemReviewed":{"@type":"Claim","author":{"@type":"Person","name":"A. Person"},"datePublished":"2020-04-30","appearance":[{"@type":"CreativeWork","url":"https://social.example/post/1"}]}}`
const cr2 = `{"@type":"ClaimReview","url":"https://factcheck.example/b","claimReviewed":"Second claim"}`

func TestReaderShapes(t *testing.T) {
	feedItems := `{"@context":"https://schema.org","@type":"DataFeed","dateModified":"2024-01-01","dataFeedElement":[{"@type":"DataFeedItem","dateCreated":"2024-01-01","item":` + cr1 + `},{"@type":"DataFeedItem","item":[` + cr2 + `]}]}`
	tests := []struct {
		name  string
		in    string
		lines bool
	}{
		{"object", cr1[:len(cr1)-1] + `,"extra":{"@type":"Thing"}}` + "\n" + ``, false},
		{"array", "[" + cr1 + ",\n" + cr2 + "]", false},
		{"DataFeed of ClaimReview", `{"@context":"https://schema.org","@type":"DataFeed","dataFeedElement":[` + cr1 + "," + cr2 + `],"name":"feed"}`, false},
		{"DataFeed of DataFeedItem", feedItems, false},
		{"@graph", `{"@context":"https://schema.org","@graph":[` + cr1 + "," + cr2 + `]}`, false},
		{"JSON Lines, forced", cr1 + "\n\n" + cr2 + "\n", true},
		{"JSON Lines, recognised", "\ufeff" + cr1 + "\r\n" + cr2, false},
		{"pretty-printed", "{\n  \"@type\": \"ClaimReview\",\n  \"url\": \"https://factcheck.example/a\",\n  \"claimReviewed\": \"The moon\"\n}\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := readAll(t, tt.in, tt.lines)
			if err != nil {
				t.Fatal(err)
			}
			want := 2
			if strings.HasPrefix(tt.name, "object") || tt.name == "pretty-printed" {
				want = 1
			}
			if len(items) != want {
				t.Fatalf("got %d items, want %d: %+v", len(items), want, items)
			}
			for i, it := range items {
				if it.Failure != nil {
					t.Fatalf("item %d failed: %+v", i, it.Failure)
				}
				if it.Index != i {
					t.Errorf("item %d has index %d", i, it.Index)
				}
			}
			fc := items[0].FactCheck
			if fc.URL != "https://factcheck.example/a" {
				t.Errorf("url = %q (normalised, tracking removed)", fc.URL)
			}
			if tt.name == "pretty-printed" {
				return
			}
			if fc.RatingName != "False" || fc.RatingValue == nil || *fc.RatingValue != 1 || fc.BestRating == nil || *fc.BestRating != 5 {
				t.Errorf("rating = %+v", fc)
			}
			if fc.PublisherName != "Example Checks" || fc.Claimant != "A. Person" || fc.ClaimURL != "https://social.example/post/1" || fc.Language != "en" {
				t.Errorf("fields = %+v", fc)
			}
			if fc.DatePublished == nil || fc.DatePublished.Format("2006-01-02") != "2020-05-01" || fc.DateModified == nil || fc.ClaimDate == nil {
				t.Errorf("dates = %v %v %v", fc.DatePublished, fc.DateModified, fc.ClaimDate)
			}
			if want == 1 {
				return
			}
			if items[1].FactCheck.HasRating() || items[1].FactCheck.Rating() != "no rating" {
				t.Errorf("second has a rating: %+v", items[1].FactCheck)
			}
		})
	}
}

// Each bad item fails alone, with its reason; the file is still read.
func TestReaderBadItems(t *testing.T) {
	long := strings.Repeat("word ", factcheck.MaxClaimRunes/5+1)
	tests := []struct {
		name, item, reason string
	}{
		{"other @type", `{"@type":"NewsArticle","url":"https://x.example/a","headline":"x"}`, factcheck.ReasonNotClaimReview},
		{"not an object", `"just a string"`, factcheck.ReasonNotClaimReview},
		{"number", `42`, factcheck.ReasonNotClaimReview},
		{"missing url", `{"@type":"ClaimReview","claimReviewed":"x"}`, factcheck.ReasonMissingURL},
		{"empty url", `{"@type":"ClaimReview","url":"  ","claimReviewed":"x"}`, factcheck.ReasonMissingURL},
		{"url not a string", `{"@type":"ClaimReview","url":{"@id":"https://x.example"},"claimReviewed":"x"}`, factcheck.ReasonInvalid},
		{"missing claimReviewed", `{"@type":"ClaimReview","url":"https://x.example/a"}`, factcheck.ReasonMissingClaim},
		{"javascript url", `{"@type":"ClaimReview","url":"javascript:alert(1)","claimReviewed":"x"}`, factcheck.ReasonBadURL},
		{"ftp url", `{"@type":"ClaimReview","url":"ftp://x.example/a","claimReviewed":"x"}`, factcheck.ReasonBadURL},
		{"relative url", `{"@type":"ClaimReview","url":"/fact-check/a","claimReviewed":"x"}`, factcheck.ReasonBadURL},
		{"long url", `{"@type":"ClaimReview","url":"https://x.example/` + strings.Repeat("a", 2100) + `","claimReviewed":"x"}`, factcheck.ReasonTooLong},
		{"long claim", `{"@type":"ClaimReview","url":"https://x.example/a","claimReviewed":"` + long + `"}`, factcheck.ReasonTooLong},
		{"long headline", `{"@type":"ClaimReview","url":"https://x.example/a","claimReviewed":"x","headline":"` + strings.Repeat("h", factcheck.MaxHeadlineRunes+1) + `"}`, factcheck.ReasonTooLong},
		{"long publisher", `{"@type":"ClaimReview","url":"https://x.example/a","claimReviewed":"x","author":{"name":"` + strings.Repeat("p", factcheck.MaxNameRunes+1) + `"}}`, factcheck.ReasonTooLong},
		{"NUL in claim", `{"@type":"ClaimReview","url":"https://x.example/a","claimReviewed":"a\u0000b"}`, factcheck.ReasonInvalid},
		{"NUL in a key", `{"@type":"ClaimReview","url":"https://x.example/a","claimReviewed":"a","x\u0000":1}`, factcheck.ReasonInvalid},
		{"claim a number", `{"@type":"ClaimReview","url":"https://x.example/a","claimReviewed":5}`, factcheck.ReasonInvalid},
		{"bad date", `{"@type":"ClaimReview","url":"https://x.example/a","claimReviewed":"x","datePublished":"last Tuesday"}`, factcheck.ReasonInvalid},
		{"bad rating", `{"@type":"ClaimReview","url":"https://x.example/a","claimReviewed":"x","reviewRating":{"ratingValue":"lots"}}`, factcheck.ReasonInvalid},
		{"bad language", `{"@type":"ClaimReview","url":"https://x.example/a","claimReviewed":"x","inLanguage":"<script>"}`, factcheck.ReasonInvalid},
		{"DataFeedItem without item", `{"@type":"DataFeedItem"}`, factcheck.ReasonNotClaimReview},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := "[" + cr2 + "," + tt.item + "," + cr1 + "]"
			items, err := readAll(t, in, false)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 3 || items[0].Failure != nil || items[2].Failure != nil {
				t.Fatalf("items = %+v", items)
			}
			f := items[1].Failure
			if f == nil || f.Reason != tt.reason || f.Message == "" {
				t.Fatalf("failure = %+v, want reason %s", f, tt.reason)
			}
			if strings.ContainsRune(f.Message, 0) || strings.ContainsRune(items[1].URL, 0) {
				t.Errorf("NUL in the report: %q %q", f.Message, items[1].URL)
			}
		})
	}
}

func TestReaderJSONLinesBrokenLine(t *testing.T) {
	in := cr1 + "\n{\"@type\":\"ClaimReview\",\"url\":\n" + cr2 + "\n" + "\x00\n"
	items, err := readAll(t, in, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 4 {
		t.Fatalf("%d items: %+v", len(items), items)
	}
	if items[0].Failure != nil || items[2].Failure != nil {
		t.Fatalf("good lines failed: %+v", items)
	}
	for _, i := range []int{1, 3} {
		if f := items[i].Failure; f == nil || f.Reason != factcheck.ReasonNotJSON || items[i].Line != i+1 || !strings.Contains(f.Message, "Line") {
			t.Errorf("item %d: %+v line %d", i, f, items[i].Line)
		}
	}
	// Recognised as JSON Lines without being told, when the broken line is not the first.
	items, err = readAll(t, cr1+"\n"+cr2+"\n{broken\n", false)
	if err != nil || len(items) != 3 || items[2].Failure == nil || items[2].Failure.Reason != factcheck.ReasonNotJSON {
		t.Fatalf("recognised: %+v, %v", items, err)
	}
}

func TestReaderJSONLinesLongLine(t *testing.T) {
	big := `{"@type":"ClaimReview","url":"https://x.example/a","claimReviewed":"` + strings.Repeat("x", factcheck.MaxLineBytes) + `"}`
	items, err := readAll(t, cr1+"\n"+big+"\n"+cr2+"\n", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 || items[1].Failure == nil || items[1].Failure.Reason != factcheck.ReasonTooLong || items[2].Failure != nil {
		t.Fatalf("items: %+v", items)
	}
}

// A file that is not JSON, or JSON that is not JSON-LD, is refused whole.
func TestReaderBadFiles(t *testing.T) {
	for name, in := range map[string]string{
		"empty":             "",
		"spaces":            " \n\t ",
		"text":              "hello, world",
		"HTML":              "<html><body>not json</body></html>",
		"cut short":         `[` + cr1 + `,{"@type":"ClaimReview"`,
		"trailing garbage":  `[` + cr1 + `] trailing`,
		"not JSON-LD":       `{"name":"a thing","value":1}`,
		"a string":          `"ClaimReview"`,
		"syntax error":      `{"@type":"ClaimReview",,}`,
		"dataFeedElement":   `{"@type":"ClaimReview","dataFeedElement":[]}`,
		"element not array": `{"@type":"DataFeed","dataFeedElement":{"x":1}}`,
		"raw NUL":           "[" + cr1 + ",\x00]",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := readAll(t, in, false)
			var v models.ValidationError
			if !errors.As(err, &v) || v["file"] == "" {
				t.Fatalf("err = %v, want a message on file", err)
			}
		})
	}
}

func TestReaderEmptyFeed(t *testing.T) {
	items, err := readAll(t, `{"@context":"https://schema.org","@type":"DataFeed","dataFeedElement":[]}`, false)
	if err != nil || len(items) != 0 {
		t.Fatalf("items %v, err %v", items, err)
	}
}

func TestExcerptShortened(t *testing.T) {
	desc := strings.Repeat("abcdefghi ", 300)
	items, err := readAll(t, `{"@type":"ClaimReview","url":"https://x.example/a","claimReviewed":"x","reviewBody":"`+desc+`"}`, false)
	if err != nil || len(items) != 1 || items[0].Failure != nil {
		t.Fatalf("%+v %v", items, err)
	}
	ex := items[0].FactCheck.Excerpt
	if n := len([]rune(ex)); n > factcheck.ExcerptRunes || !strings.HasSuffix(ex, "…") {
		t.Errorf("excerpt of %d runes: %q", n, ex)
	}
}

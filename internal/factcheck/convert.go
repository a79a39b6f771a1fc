package factcheck

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

// Limits on what one fact-check keeps (docs/factchecks.md). An item with
// a longer url, claim, headline, name or rating is refused; the excerpt
// is shortened, since it is an excerpt.
const (
	MaxURLBytes      = 2048
	MaxClaimRunes    = 5000
	MaxHeadlineRunes = 1000
	ExcerptRunes     = 1000
	MaxNameRunes     = 300 // publisher, claimant, rating name
)

// convert reads one ClaimReview node.
func convert(n map[string]any) (models.FactCheck, string, *Failure) {
	c := converter{n: n}
	fc := c.read()
	if c.fail != nil {
		return models.FactCheck{}, c.url, c.fail
	}
	return fc, c.url, nil
}

type converter struct {
	n    map[string]any
	url  string
	fail *Failure
}

func (c *converter) failf(reason, format string, args ...any) {
	if c.fail == nil {
		c.fail = &Failure{Reason: reason, Message: fmt.Sprintf(format, args...)}
	}
}

func (c *converter) read() models.FactCheck {
	var fc models.FactCheck
	if hasNUL(c.n, 0) {
		c.failf(ReasonInvalid, "It contains the NUL character (\\u0000), which no text may hold.")
	}
	raw, ok := c.n["url"]
	c.url = str(raw)
	switch {
	case !ok || raw == nil || ok && c.url == "" && isString(raw):
		c.failf(ReasonMissingURL, "It has no url: the fact-check's address identifies it.")
	case !isString(raw):
		c.failf(ReasonInvalid, "Its url must be a string.")
	case len(c.url) > MaxURLBytes:
		c.failf(ReasonTooLong, "Its url is longer than %d characters.", MaxURLBytes)
	default:
		u, err := store.NormalizeURL(c.url)
		if err != nil {
			c.failf(ReasonBadURL, "Its url is not a web address: %s", err.Error())
		}
		fc.URL = u
	}
	fc.ClaimReviewed = c.text(c.n, "claimReviewed", MaxClaimRunes)
	if fc.ClaimReviewed == "" && c.fail == nil {
		c.failf(ReasonMissingClaim, "It has no claimReviewed: the claim it checks.")
	}
	fc.Headline = c.text(c.n, "headline", MaxHeadlineRunes)
	if fc.Headline == "" {
		fc.Headline = c.text(c.n, "name", MaxHeadlineRunes)
	}
	fc.Excerpt = excerpt(c.text(c.n, "description", 0))
	if fc.Excerpt == "" {
		fc.Excerpt = excerpt(c.text(c.n, "reviewBody", 0))
	}
	if r, ok := c.node(c.n, "reviewRating"); ok {
		fc.RatingName = c.text(r, "alternateName", MaxNameRunes)
		if fc.RatingName == "" {
			fc.RatingName = c.text(r, "name", MaxNameRunes)
		}
		fc.RatingValue = c.number(r, "ratingValue")
		fc.BestRating = c.number(r, "bestRating")
		fc.WorstRating = c.number(r, "worstRating")
	}
	org, ok := c.node(c.n, "publisher")
	if !ok {
		org, ok = c.node(c.n, "author")
	}
	if ok {
		fc.PublisherName = c.text(org, "name", MaxNameRunes)
		fc.PublisherURL = c.webURL(org, "url")
	}
	if item, ok := c.node(c.n, "itemReviewed"); ok {
		if a, ok := c.node(item, "author"); ok {
			fc.Claimant = c.text(a, "name", MaxNameRunes)
		}
		fc.ClaimDate = c.date(item, "datePublished")
		for _, key := range []string{"firstAppearance", "appearance"} {
			if ap, ok := c.node(item, key); ok && fc.ClaimURL == "" {
				fc.ClaimURL = c.webURL(ap, "url")
			}
		}
	}
	fc.DatePublished = c.date(c.n, "datePublished")
	fc.DateModified = c.date(c.n, "dateModified")
	fc.Language = c.language(c.n["inLanguage"])
	return fc
}

func isString(v any) bool { _, ok := v.(string); return ok }

// text reads a string property as one line of text. max > 0 refuses
// longer text. A list of strings gives its first.
func (c *converter) text(m map[string]any, key string, max int) string {
	v, ok := m[key]
	if !ok || v == nil {
		return ""
	}
	if l, ok := v.([]any); ok {
		if len(l) == 0 {
			return ""
		}
		v = l[0]
	}
	if lv, ok := v.(map[string]any); ok { // {"@value": "…", "@language": "…"}
		v = lv["@value"]
	}
	s, ok := v.(string)
	if !ok {
		c.failf(ReasonInvalid, "Its %s must be text.", key)
		return ""
	}
	s = strings.Join(strings.Fields(s), " ")
	if max > 0 && utf8.RuneCountInString(s) > max {
		c.failf(ReasonTooLong, "Its %s is longer than %d characters.", key, max)
		return ""
	}
	return s
}

// node reads a property holding an object (the first, of a list). A plain
// string is taken as the name of the thing.
func (c *converter) node(m map[string]any, key string) (map[string]any, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		return nil, false
	}
	if l, ok := v.([]any); ok {
		if len(l) == 0 {
			return nil, false
		}
		v = l[0]
	}
	switch n := v.(type) {
	case map[string]any:
		return n, true
	case string:
		return map[string]any{"name": n}, true
	}
	c.failf(ReasonInvalid, "Its %s must be an object.", key)
	return nil, false
}

// number reads a number, or a string holding one.
func (c *converter) number(m map[string]any, key string) *float64 {
	var s string
	switch v := m[key].(type) {
	case nil:
		return nil
	case json.Number:
		s = v.String()
	case string:
		s = strings.TrimSpace(v)
		if s == "" {
			return nil
		}
	default:
		c.failf(ReasonInvalid, "Its reviewRating's %s must be a number.", key)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f || f > 1e9 || f < -1e9 {
		c.failf(ReasonInvalid, "Its reviewRating's %s must be a number, not %s.", key, quoteShort(s))
		return nil
	}
	return &f
}

// webURL reads an optional http(s) address; another one is left out (it is
// a link we would show), not a reason to refuse the fact-check.
func (c *converter) webURL(m map[string]any, key string) string {
	s := c.text(m, key, 0)
	if s == "" || len(s) > MaxURLBytes {
		return ""
	}
	u, err := models.ParseWebURL(s)
	if err != nil {
		return ""
	}
	return u.String()
}

var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05-0700", "2006-01-02", "2006-01", "2006"}

// date reads a schema.org Date or DateTime, kept in UTC.
func (c *converter) date(m map[string]any, key string) *time.Time {
	s := c.text(m, key, 100)
	if s == "" {
		return nil
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if t.Year() < 1 || t.Year() > 9999 {
				break
			}
			t = t.UTC().Truncate(time.Second)
			return &t
		}
	}
	c.failf(ReasonInvalid, "Its %s %s is not a date: use ISO 8601, like 2018-07-16 or 2018-07-16T10:00:00Z.", key, quoteShort(s))
	return nil
}

var languageTag = regexp.MustCompile(`^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$`)

// languageNames are the English names feeds sometimes give instead of a tag.
var languageNames = map[string]string{
	"english": "en", "french": "fr", "german": "de", "spanish": "es", "portuguese": "pt", "italian": "it", "dutch": "nl",
	"arabic": "ar", "hindi": "hi", "russian": "ru", "ukrainian": "uk", "polish": "pl", "turkish": "tr", "indonesian": "id",
	"chinese": "zh", "japanese": "ja", "korean": "ko", "swedish": "sv", "norwegian": "no", "danish": "da", "finnish": "fi",
	"greek": "el", "czech": "cs", "romanian": "ro", "hungarian": "hu", "bengali": "bn", "urdu": "ur", "tamil": "ta",
}

// language reads inLanguage: a tag, a Language object (alternateName or
// name) or an English language name.
func (c *converter) language(v any) string {
	var s string
	switch l := v.(type) {
	case nil:
		return ""
	case string:
		s = l
	case map[string]any:
		s = c.text(l, "alternateName", 35)
		if s == "" {
			s = c.text(l, "name", 35)
		}
	case []any:
		if len(l) == 0 {
			return ""
		}
		return c.language(l[0])
	default:
		c.failf(ReasonInvalid, "Its inLanguage must be a language tag like \"en\".")
		return ""
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if code, ok := languageNames[strings.ToLower(s)]; ok {
		return code
	}
	if len(s) > 35 || !languageTag.MatchString(s) {
		c.failf(ReasonInvalid, "Its inLanguage %s is not a language tag like \"en\" or \"pt-BR\".", quoteShort(s))
		return ""
	}
	return strings.ToLower(s)
}

// excerpt shortens s to ExcerptRunes, at a word boundary, with an ellipsis.
func excerpt(s string) string {
	r := []rune(s)
	if len(r) <= ExcerptRunes {
		return s
	}
	cut := string(r[:ExcerptRunes-1])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.") + "…"
}

// hasNUL reports whether any string (or key) in v holds NUL.
func hasNUL(v any, depth int) bool {
	if depth > 32 {
		return false
	}
	switch x := v.(type) {
	case string:
		return strings.IndexByte(x, 0) >= 0
	case map[string]any:
		for k, e := range x {
			if strings.IndexByte(k, 0) >= 0 || hasNUL(e, depth+1) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasNUL(e, depth+1) {
				return true
			}
		}
	}
	return false
}

func str(v any) string {
	s, _ := v.(string)
	return strings.ReplaceAll(strings.TrimSpace(s), "\x00", "")
}

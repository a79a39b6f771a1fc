package match

import (
	"regexp"
	"strings"
	"time"
)

// A copied social-media post ends with its signature line: "— Name
// (@handle) January 14, 2020". postSignature finds the handle and the date
// at the end of the text.
var postSignature = regexp.MustCompile(`(?:\(@\w{1,30}\)\s*)?\b(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{1,2}),\s+((?:19|20)\d\d)["'”\s]*$`)

// SplitPostDate returns the text without a trailing signature handle and
// date, and that date (zero when the text carries none).
func SplitPostDate(text string) (string, time.Time) {
	m := postSignature.FindStringSubmatchIndex(text)
	if m == nil {
		return text, time.Time{}
	}
	s := text[m[2]:m[3]] + " " + text[m[4]:m[5]] + " " + text[m[6]:m[7]]
	d, err := time.Parse("January 2 2006", s)
	if err != nil {
		return text, time.Time{}
	}
	return strings.TrimSpace(text[:m[0]]), d
}

// days counts days since 1970 for a date, 0 meaning unknown.
func days(t time.Time) int32 {
	if t.IsZero() {
		return 0
	}
	d := int32(t.Unix() / 86400)
	if d == 0 {
		d = 1
	}
	return d
}

package views

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/claimdesk/claimdesk/internal/models"
)

func statusText(code int) string { return strconv.Itoa(code) }

func date(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format("2006-01-02")
}

func longDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format("2 January 2006")
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

func itoa[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

func invalid(errs models.ValidationError, field string) string {
	if _, ok := errs[field]; ok {
		return "true"
	}
	return "false"
}

func pageURL(base string, q url.Values, page int) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Set("page", strconv.Itoa(page))
	return base + "?" + v.Encode()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// countLabel writes a count with thousands separators ("12,345"), and
// "1,000+" when atLeast says the count stopped at a cap (store.CountCap).
func countLabel(n int, atLeast bool) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if neg {
		out = "-" + out
	}
	if atLeast {
		out += "+"
	}
	return out
}

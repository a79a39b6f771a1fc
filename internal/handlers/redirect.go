package handlers

import (
	"net/url"
	"strings"
)

// localPath returns p if it is a path on this site, safe to redirect to
// after sign-in, and "" otherwise. Browsers drop tabs and newlines inside
// URLs and read a backslash as a slash, so "/\t/evil.example" and
// "/\\evil.example" both lead to another site; and a value may arrive
// encoded more than once. So the check is made on p with control
// characters removed, and again after each round of percent-decoding: it
// must be one "/" followed by neither "/" nor "\". The path returned is p
// without its control characters.
func localPath(p string) string {
	clean := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, p)
	if clean == "" || len(p) > 2000 {
		return ""
	}
	s := clean
	for range 4 {
		if !startsLocal(s) {
			return ""
		}
		dec, err := url.PathUnescape(s)
		if err != nil {
			return ""
		}
		dec = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, dec)
		if dec == s {
			return clean
		}
		s = dec
	}
	return "" // still encoded after four rounds: not a path a page of ours links to
}

func startsLocal(s string) bool {
	return len(s) >= 1 && s[0] == '/' && (len(s) == 1 || (s[1] != '/' && s[1] != '\\'))
}

package ingest

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestCanonical(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"only whitespace", " \t\r\n\u00A0\n\n ", ""},
		{"plain", "Hello world.", "Hello world."},
		{"CRLF", "one\r\ntwo\r\n\r\nthree\r\n", "one\ntwo\n\nthree"},
		{"lone CR", "one\rtwo\r\rthree", "one\ntwo\n\nthree"},
		{"tabs and space runs", "a\t\tb   c \t d", "a b c d"},
		{"NBSP folds to space", "WASHINGTON\u00A0\u00A0(AP) —\u00A0text", "WASHINGTON (AP) — text"},
		{"narrow NBSP and ideographic space", "«\u202FBonjour\u202F»\u3000x", "« Bonjour » x"},
		{"lines trimmed", "  first line  \n\t second line\t", "first line\nsecond line"},
		{"many blank lines", "\n\n\npara one\n\n\n\n\npara two\n\n\n", "para one\n\npara two"},
		{"blank line with spaces", "one\n  \t \ntwo", "one\n\ntwo"},
		{"NFD to NFC", "cafe\u0301 Ame\u0301lie", "caf\u00E9 Am\u00E9lie"},
		{"NFC stays", "caf\u00E9", "caf\u00E9"},
		{"no compatibility folding", "\uFB01nance ½", "\uFB01nance ½"},
		{"emoji ZWJ family kept", "family 👨\u200D👩\u200D👧 here", "family 👨\u200D👩\u200D👧 here"},
		{"emoji skin tone and flag kept", "👍🏽 🇩🇪 🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", "👍🏽 🇩🇪 🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"},
		{"ZWNJ inside Persian word kept", "می\u200Cخواهم", "می\u200Cخواهم"},
		{"dangling ZWJ dropped", "a \u200D\u200Db\u200D", "a b"},
		{"curly quotes and dashes kept", "“Quote” ‘single’ – en — em … ", "“Quote” ‘single’ – en — em …"},
		{"zero width space removed", "fact\u200Bcheck", "factcheck"},
		{"BOM removed", "\uFEFFHello", "Hello"},
		{"soft hyphen removed", "fact\u00ADchecking", "factchecking"},
		{"word joiner removed", "a\u2060b", "ab"},
		{"removal lets NFC compose", "e\u200B\u0301", "\u00E9"},
		{"control characters removed", "a\x00b\x07c\x1bd\u0085e\u009Ff", "abcd\nef"},
		{"form feed is a paragraph break", "page one\fpage two", "page one\n\npage two"},
		{"line and paragraph separators", "a\u2028b\u2029c", "a\nb\n\nc"},
		{"vertical tab is a line break", "a\vb", "a\nb"},
		{"invalid UTF-8 becomes U+FFFD", "a\xffb", "a\uFFFDb"},
		{"bidi marks kept", "\u200Fשלום\u200F 123", "\u200Fשלום\u200F 123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Canonical(tt.in); got != tt.want {
				t.Errorf("Canonical(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
		})
	}
}

// checkCanonicalForm reports the first way s breaks the canonical form, or "".
func checkCanonicalForm(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "invalid UTF-8"
	case !norm.NFC.IsNormalString(s):
		return "not NFC"
	case strings.Contains(s, "\n\n\n"):
		return "more than one blank line"
	case strings.Contains(s, "  "):
		return "double space"
	case s != strings.TrimSpace(s):
		return "leading or trailing whitespace"
	}
	for _, line := range strings.Split(s, "\n") {
		if line != strings.Trim(line, " ") {
			return "line with leading or trailing space"
		}
	}
	for _, r := range s {
		switch {
		case r == '\n':
		case unicode.IsControl(r):
			return fmt.Sprintf("control character %U", r)
		case r != ' ' && unicode.IsSpace(r):
			return "whitespace other than space and \\n"
		case r == '\u200B' || r == '\uFEFF' || r == '\u00AD' || r == '\u2060':
			return "invisible junk character"
		}
	}
	return ""
}

func TestCanonicalIdempotent(t *testing.T) {
	for _, in := range canonicalSeeds {
		once := Canonical(in)
		if twice := Canonical(once); twice != once {
			t.Errorf("Canonical(Canonical(%+q)) = %+q, want %+q", in, twice, once)
		}
		if problem := checkCanonicalForm(once); problem != "" {
			t.Errorf("Canonical(%+q) = %+q: %s", in, once, problem)
		}
	}
}

var canonicalSeeds = []string{
	"",
	"plain text",
	"a\r\n\r\n\r\nb",
	" \u200D x \u200D ",
	"\u200D\u200C",
	"x\u200D\u200Dy \u200D",
	"e\u200B\u0301 a\u00AD\u0308",
	" \u0301x\n\u0301",
	"\u2000\u2001 en quad",
	"\fa\f\f",
	"a\xffb\xc3",
	"👨\u200D👩\u200D👧",
	"\t\u00A0\u3000tab\t",
	"\u0085\u2028\u2029",
	"ﬁ Å Ω",
	"a\u0301\u0327 c\u0327\u0301",
}

func FuzzCanonical(f *testing.F) {
	for _, s := range canonicalSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		once := Canonical(in)
		if twice := Canonical(once); twice != once {
			t.Fatalf("not idempotent: Canonical(%+q) = %+q, then %+q", in, once, twice)
		}
		if problem := checkCanonicalForm(once); problem != "" {
			t.Fatalf("Canonical(%+q) = %+q: %s", in, once, problem)
		}
	})
}

package anchor

import (
	"errors"
	"strings"
	"testing"

	"github.com/rivo/uniseg"

	"github.com/claimdesk/claimdesk/internal/models"
)

const (
	thumbsMedium = "👍🏽"      // U+1F44D U+1F3FD: 2 code points, 4 UTF-16 units
	family       = "👨‍👩‍👧"   // man ZWJ woman ZWJ girl: 5 code points, 8 UTF-16 units
	heartVS16    = "❤️"      // U+2764 U+FE0F
	flags        = "🇫🇷🇩🇪"    // two regional-indicator pairs
	eCombining   = "e\u0301" // e + COMBINING ACUTE ACCENT
)

func TestLen(t *testing.T) {
	tests := []struct {
		name, s    string
		len, len16 int
	}{
		{"empty", "", 0, 0},
		{"ascii", "abc", 3, 3},
		{"precomposed é", "café", 4, 4},
		{"combining é", "caf" + eCombining, 5, 5},
		{"emoji with skin tone", thumbsMedium, 2, 4},
		{"ZWJ family", family, 5, 8},
		{"arabic", "مرحبا", 5, 5},
		{"CJK extension B", "中𠀀文", 3, 4},
		{"style guide sample", "naïve café 🎉", 12, 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			txt := NewText(tt.s)
			if got := txt.Len(); got != tt.len {
				t.Errorf("Len() = %d, want %d", got, tt.len)
			}
			if got := txt.Len16(); got != tt.len16 {
				t.Errorf("Len16() = %d, want %d", got, tt.len16)
			}
			if got := txt.String(); got != tt.s {
				t.Errorf("String() = %q, want %q", got, tt.s)
			}
		})
	}
}

// TestUTF16 converts code points to UTF-16 and back.
func TestUTF16(t *testing.T) {
	tests := []struct {
		name string
		s    string
		cp   int
		u16  int
	}{
		{"ascii start", "plain text", 0, 0},
		{"ascii end", "plain text", 10, 10},
		{"precomposed é", "café au lait", 5, 5},
		{"combining é", "caf" + eCombining + " au lait", 6, 6},
		{"style guide sample before emoji", "naïve café 🎉", 11, 11},
		{"style guide sample after emoji", "naïve café 🎉", 12, 13},
		{"after thumbs", "a" + thumbsMedium + "b", 2, 3},
		{"after skin tone", "a" + thumbsMedium + "b", 3, 5},
		{"end after thumbs", "a" + thumbsMedium + "b", 4, 6},
		{"inside family, after man", "x" + family + "y", 2, 3},
		{"inside family, after first ZWJ", "x" + family + "y", 3, 4},
		{"after family", "x" + family + "y", 6, 9},
		{"end after family", "x" + family + "y", 7, 10},
		{"combining characters", "a\u0300\u0301\u0302b", 4, 4},
		{"arabic", "قال الوزير إن", 8, 8},
		{"hebrew", "אמר השר ש", 7, 7},
		{"CJK BMP", "経済は成長した", 4, 4},
		{"CJK extension B", "中𠀀文", 2, 3},
		{"after two flags", flags + "!", 4, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			txt := NewText(tt.s)
			if got := txt.UTF16(tt.cp); got != tt.u16 {
				t.Errorf("UTF16(%d) = %d, want %d", tt.cp, got, tt.u16)
			}
			start, end, err := txt.FromUTF16(tt.u16, tt.u16)
			if err != nil || start != tt.cp || end != tt.cp {
				t.Errorf("FromUTF16(%d, %d) = %d, %d, %v; want %d, %d, nil", tt.u16, tt.u16, start, end, err, tt.cp, tt.cp)
			}
		})
	}
}

func TestFromUTF16(t *testing.T) {
	const s = "a" + thumbsMedium + "b" // UTF-16: a=0, 👍=1-2, 🏽=3-4, b=5; length 6
	tests := []struct {
		name             string
		start16, end16   int
		wantStart, wantE int
		wantField        string // "" for success
	}{
		{"whole text", 0, 6, 0, 4, ""},
		{"the emoji", 1, 5, 1, 3, ""},
		{"thumb without tone (Check refuses it later)", 1, 3, 1, 2, ""},
		{"start splits surrogate pair", 2, 5, 0, 0, "start"},
		{"end splits surrogate pair", 1, 4, 0, 0, "end"},
		{"negative start", -1, 2, 0, 0, "start"},
		{"end past text", 0, 7, 0, 0, "end"},
		{"start past text", 7, 7, 0, 0, "start"},
		{"end before start", 5, 1, 0, 0, "end"},
	}
	txt := NewText(s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end, err := txt.FromUTF16(tt.start16, tt.end16)
			if tt.wantField != "" {
				assertField(t, err, tt.wantField)
				return
			}
			if err != nil || start != tt.wantStart || end != tt.wantE {
				t.Errorf("FromUTF16(%d, %d) = %d, %d, %v; want %d, %d, nil", tt.start16, tt.end16, start, end, err, tt.wantStart, tt.wantE)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name       string
		s          string
		start, end int
		wantField  string // "" when the span is fine
	}{
		{"ascii word", "hello world", 6, 11, ""},
		{"whole text", "hello world", 0, 11, ""},
		{"empty span", "hello world", 3, 3, "end"},
		{"start after end", "hello world", 5, 3, "end"},
		{"negative start", "hello world", -1, 3, "start"},
		{"end past text", "hello world", 0, 12, "end"},
		{"whitespace only", "a \u00a0\t b", 1, 4, "quote"},
		{"ideographic space only", "漢\u3000字", 1, 2, "quote"},
		{"precomposed é", "café noir", 3, 4, ""},
		{"combining é whole", "caf" + eCombining + " noir", 0, 5, ""},
		{"end between e and its accent", "caf" + eCombining + " noir", 0, 4, "end"},
		{"start between e and its accent", "caf" + eCombining + " noir", 4, 5, "start"},
		{"stacked combining marks", "a\u0300\u0301b", 0, 2, "end"},
		{"arabic with fatha", "م\u064Eرحبا", 0, 1, "end"},
		{"arabic word", "قال الوزير", 4, 10, ""},
		{"hebrew word", "אמר השר", 4, 7, ""},
		{"CJK character", "経済は成長した", 3, 5, ""},
		{"hangul jamo syllable split", "\u1100\u1161\u11A8", 0, 2, "end"},
		{"thumbs with tone", "a" + thumbsMedium + "b", 1, 3, ""},
		{"thumbs without its tone", "a" + thumbsMedium + "b", 1, 2, "end"},
		{"tone without its thumb", "a" + thumbsMedium + "b", 2, 4, "start"},
		{"family whole", "x" + family + "y", 1, 6, ""},
		{"family cut after man", "x" + family + "y", 1, 2, "end"},
		{"family cut after ZWJ", "x" + family + "y", 1, 3, "end"},
		{"family cut before girl", "x" + family + "y", 5, 7, "start"},
		{"heart with variation selector", heartVS16 + " you", 0, 2, ""},
		{"heart without variation selector", heartVS16 + " you", 0, 1, "end"},
		{"first flag", flags, 0, 2, ""},
		{"second flag", flags, 2, 4, ""},
		{"across two flags' halves", flags, 1, 3, "start"},
		{"CR LF split", "a\r\nb", 0, 2, "end"},
		{"CR LF whole", "a\r\nb", 0, 4, ""},
		{"far from a safe break", strings.Repeat("中", 50) + family, 1, 52, "end"},
		{"after a long run of emoji", strings.Repeat(thumbsMedium, 30), 20, 41, "end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := NewText(tt.s).Check(tt.start, tt.end)
			if tt.wantField == "" {
				if err != nil {
					t.Errorf("Check(%d, %d) = %v, want nil", tt.start, tt.end, err)
				}
				return
			}
			assertField(t, err, tt.wantField)
		})
	}
}

// TestBoundariesMatchUniseg asks for every offset of a mixed text, in an
// order that makes the walker restart, and compares with segmenting the
// whole text from its start.
func TestBoundariesMatchUniseg(t *testing.T) {
	s := "Intro " + family + family + " and " + flags + "\U0001F1FA" + " " + thumbsMedium + heartVS16 +
		"\n\ncaf" + eCombining + " a\r\nb قال م\u064E " + strings.Repeat("中", 10) + "\u1100\u1161\u11A8 end"
	txt := NewText(s)
	want := make([]bool, txt.Len()+1)
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		from, _ := g.Positions()
		want[txt.cpAt(from)] = true
	}
	want[txt.Len()] = true

	w := newBoundaryWalker(txt)
	for p := range want { // ascending, one walker
		if got := w.at(p); got != want[p] {
			t.Errorf("ascending at(%d) = %v, want %v", p, got, want[p])
		}
	}
	for p := len(want) - 1; p >= 0; p-- { // descending: restarts every time
		if got := w.at(p); got != want[p] {
			t.Errorf("descending at(%d) = %v, want %v", p, got, want[p])
		}
	}
}

func TestTrim(t *testing.T) {
	tests := []struct {
		name               string
		s                  string
		start, end         int
		wantStart, wantEnd int
	}{
		{"nothing to trim", "hello", 0, 5, 0, 5},
		{"spaces both sides", "  hello  ", 0, 9, 2, 7},
		{"tabs and newlines", "\t\nhello\n\n", 0, 9, 2, 7},
		{"no-break and ideographic spaces", "\u00a0漢字\u3000", 0, 4, 1, 3},
		{"only spaces", "a   b", 1, 4, 1, 1},
		{"space carrying a combining mark stays", " \u0301x ", 0, 4, 0, 3},
		{"clamped", " x ", -3, 10, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotStart, gotEnd := NewText(tt.s).Trim(tt.start, tt.end)
			if gotStart != tt.wantStart || gotEnd != tt.wantEnd {
				t.Errorf("Trim(%d, %d) = %d, %d; want %d, %d", tt.start, tt.end, gotStart, gotEnd, tt.wantStart, tt.wantEnd)
			}
		})
	}
}

func TestContext(t *testing.T) {
	a31 := strings.Repeat("a", 31)
	b31 := strings.Repeat("b", 31)
	const long = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" // 62
	tests := []struct {
		name                   string
		s                      string
		start, end             int
		wantPrefix, wantSuffix string
	}{
		{"text start", "Claim here, then more.", 0, 5, "", " here, then more."},
		{"text end", "Before the claim", 11, 16, "Before the ", ""},
		{"whole text", "all", 0, 3, "", ""},
		{"32 code points each side", long, 31, 32, "0123456789abcdefghijklmnopqrstu", "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"},
		{"exactly 32 before", "x" + long, 33, 34, "0123456789abcdefghijklmnopqrstuv", "xyzABCDEFGHIJKLMNOPQRSTUVWXYZ"},
		{"prefix edge would split an emoji", thumbsMedium + a31 + "X", 33, 34, a31, ""},
		{"suffix edge would split an emoji", "X" + b31 + thumbsMedium, 0, 1, "", b31},
		{"emoji fits whole", thumbsMedium + strings.Repeat("a", 30) + "X", 32, 33, thumbsMedium + strings.Repeat("a", 30), ""},
		{"code points, not bytes", "é" + strings.Repeat("ü", 40), 35, 36, strings.Repeat("ü", 32), strings.Repeat("ü", 5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotPrefix, gotSuffix := NewText(tt.s).Context(tt.start, tt.end)
			if gotPrefix != tt.wantPrefix || gotSuffix != tt.wantSuffix {
				t.Errorf("Context(%d, %d) = %q, %q; want %q, %q", tt.start, tt.end, gotPrefix, gotSuffix, tt.wantPrefix, tt.wantSuffix)
			}
		})
	}
}

// assertField fails unless err is a models.ValidationError with a message
// for field.
func assertField(t *testing.T, err error, field string) {
	t.Helper()
	var v models.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("err = %v (%T), want models.ValidationError on %q", err, err, field)
	}
	if v[field] == "" {
		t.Errorf("err = %v, want a message for %q", err, field)
	}
}

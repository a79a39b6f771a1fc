package views

import (
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
)

func claimAt(text, quote string) models.Claim {
	i := strings.Index(text, quote)
	start := len([]rune(text[:i]))
	return models.Claim{Start: start, End: start + len([]rune(quote)), Quote: quote}
}

// The claim page's context is cut between words, never inside one, stays
// in the claim's paragraph, and "more context" reaches the paragraphs around.
func TestClaimContextNeverCutsMidWord(t *testing.T) {
	long := strings.Repeat("word ", 80) // 400 runes
	tests := []struct {
		name, text, quote     string
		before, after         string
		cutBefore, cutAfter   bool
		moreBefore, moreAfter string
	}{
		{name: "whole short paragraph", text: "Putin said Russia never interfered, he said.", quote: "Russia never interfered",
			before: "Putin said ", after: ", he said."},
		{name: "long paragraph cut at words", text: long + "Russia never interfered " + long, quote: "Russia never interfered",
			before: strings.TrimSpace(long[len(long)-240:]) + " ", after: " " + strings.TrimSpace(long[:240]), cutBefore: true, cutAfter: true,
			moreBefore: long[:160], moreAfter: strings.TrimRight(long[239:], " ")},
		{name: "neighbouring paragraphs only in more", text: "First para.\n\nSecond para here.\n\nThird one.\n\nFourth.", quote: "para here",
			before: "Second ", after: ".", cutBefore: true, cutAfter: true, moreBefore: "First para.\n\n", moreAfter: "\n\nThird one."},
		{name: "cut inside a word moves to the word's edge", text: "aaaa " + strings.Repeat("x", 238) + " bb Claim cc " + strings.Repeat("y", 238) + " zz", quote: "Claim",
			before: "bb ", after: " cc", cutBefore: true, cutAfter: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewClaimContext(tt.text, claimAt(tt.text, tt.quote), true)
			if got.Quote != tt.quote || got.Before != tt.before || got.After != tt.after || got.CutBefore != tt.cutBefore || got.CutAfter != tt.cutAfter {
				t.Fatalf("context = %+v\nwant before %q after %q cut %v/%v", got, tt.before, tt.after, tt.cutBefore, tt.cutAfter)
			}
			if tt.moreBefore != "" && got.MoreBefore != tt.moreBefore || tt.moreAfter != "" && got.MoreAfter != tt.moreAfter {
				t.Fatalf("more context = %q / %q, want %q / %q", got.MoreBefore, got.MoreAfter, tt.moreBefore, tt.moreAfter)
			}
		})
	}
}

// An orphaned claim shows its stored context, without the word fragments
// at the ends of the 32-code-point prefix and suffix.
func TestClaimContextFromStoredPrefixAndSuffix(t *testing.T) {
	c := models.Claim{Quote: "never interfered", Prefix: "ident Putin said that Russia had", Suffix: " in American affairs, he added t"}
	got := NewClaimContext("", c, false)
	if got.Before != "Putin said that Russia had" || got.After != " in American affairs, he added" || !got.CutBefore || !got.CutAfter {
		t.Fatalf("orphan context = %+v", got)
	}
}

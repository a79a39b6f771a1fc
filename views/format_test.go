package views

import "testing"

func TestCountLabel(t *testing.T) {
	tests := []struct {
		n       int
		atLeast bool
		want    string
	}{
		{0, false, "0"},
		{7, false, "7"},
		{999, false, "999"},
		{1000, false, "1,000"},
		{1000, true, "1,000+"},
		{990024, false, "990,024"},
		{1234567, false, "1,234,567"},
		{-4200, false, "-4,200"},
	}
	for _, tt := range tests {
		if got := countLabel(tt.n, tt.atLeast); got != tt.want {
			t.Errorf("countLabel(%d, %v) = %q, want %q", tt.n, tt.atLeast, got, tt.want)
		}
	}
}

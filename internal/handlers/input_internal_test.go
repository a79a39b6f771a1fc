package handlers

import "testing"

func TestHasNULEscape(t *testing.T) {
	tests := []struct {
		json string
		want bool
	}{
		{`{"a": "x\u0000y"}`, true},
		{`{"a": "\u0000"}`, true},
		{`{"a": "x\\u0000y"}`, false}, // an escaped backslash, then the text u0000
		{`{"a": "x\\\u0000"}`, true},  // an escaped backslash, then NUL
		{`{"a": "\u00001"}`, true},
		{`{"a": "\u0001"}`, false},
		{`{"a": "plain"}`, false},
		{`\u000`, false},
	}
	for _, tt := range tests {
		if got := hasNULEscape([]byte(tt.json)); got != tt.want {
			t.Errorf("hasNULEscape(%s) = %v, want %v", tt.json, got, tt.want)
		}
	}
}

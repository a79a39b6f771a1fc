package models

import "testing"

func TestPasswordProblem(t *testing.T) {
	tests := []struct {
		password, email, name string
		want                  string // "" for accepted
	}{
		{"correct horse battery", "ana@example.org", "Ana Lind", ""},
		{"Tällä on ääkkösiä 42", "ana@example.org", "Ana", ""},
		{"short", "", "", msgPasswordShort},
		{"ninechars", "", "", msgPasswordShort},
		{"ääääääää", "", "", msgPasswordShort}, // 8 letters, 16 bytes: length counts characters
		{string(make([]byte, 73)), "", "", msgPasswordLong},
		{"password123", "", "", msgPasswordCommon},
		{"Password2024!", "", "", msgPasswordCommon},
		{"P@ssw0rd2024", "", "", msgPasswordCommon},
		{"!!iloveyou!!", "", "", msgPasswordCommon},
		{"qwertyuiop", "", "", msgPasswordCommon},
		{"1234567890", "", "", msgPasswordCommon},
		{"Summer2025!!", "", "", msgPasswordCommon},
		{"letmein12345", "", "", msgPasswordCommon},
		{"FOOTBALL1234", "", "", msgPasswordCommon},
		{"12345678901234", "", "", msgPasswordSeq},
		{"abcdefghijkl", "", "", msgPasswordSeq},
		{"aaaaaaaaaaaa", "", "", msgPasswordSeq},
		{"abcabcabcabc", "", "", msgPasswordSeq},
		{"ana.lindqvist", "ana.lindqvist@example.org", "Ana", msgPasswordSelf},
		{"AnaLindqvist99", "al@example.org", "Ana Lindqvist", msgPasswordSelf},
		{"a long password", "", "", ""},
	}
	for _, tt := range tests {
		if got := PasswordProblem(tt.password, tt.email, tt.name); got != tt.want {
			t.Errorf("PasswordProblem(%q) = %q, want %q", tt.password, got, tt.want)
		}
	}
	if len(commonPasswords) < 200 {
		t.Errorf("the common password list has %d entries", len(commonPasswords))
	}
}

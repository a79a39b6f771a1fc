package models

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Password rules. A password is refused when it is shorter than
// MinPasswordLength characters, longer than MaxPasswordBytes bytes (bcrypt
// reads at most 72), one of the common passwords shipped with Claimdesk
// (common_passwords.txt) or such a word with digits and symbols around it
// or letters swapped for look-alike symbols, a run of one keyboard row,
// the alphabet or the digits, a short pattern repeated, or the person's own
// name or e-mail address. No outside service is asked.
const (
	MinPasswordLength = 10
	MaxPasswordBytes  = 72
)

//go:embed common_passwords.txt
var commonPasswordList string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordList, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	return m
}()

// Messages for refused passwords: shown next to the password field.
const (
	msgPasswordShort  = "Use a password of at least 10 characters."
	msgPasswordLong   = "Use a password of at most 72 bytes (about 70 letters)."
	msgPasswordCommon = "This password is too common: it is one of the most used passwords, or one with digits or symbols added. Choose another; a few unrelated words make a good one."
	msgPasswordSeq    = "This password is a run or a repeated pattern (like 1234567890 or abcabcabc). Choose another."
	msgPasswordSelf   = "Do not use your name or e-mail address as your password."
)

// PasswordProblem returns why a new password is refused, or "" when it is
// acceptable. email and name are the account's, so they are refused too.
func PasswordProblem(password, email, name string) string {
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return msgPasswordShort
	case len(password) > MaxPasswordBytes:
		return msgPasswordLong
	}
	lower := strings.ToLower(password)
	core := trimNonLetters(lower)
	for _, c := range []string{lower, core, unLeet(core), trimNonLetters(unLeet(lower))} {
		if commonPasswords[c] || commonPasswords[strings.ReplaceAll(c, " ", "")] {
			return msgPasswordCommon
		}
	}
	if isRun(lower) || isRepeated(lower) || (core != "" && (isRun(core) || isRepeated(core))) {
		return msgPasswordSeq
	}
	squash := func(s string) string {
		return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), "")
	}
	email = NormalizeEmail(email)
	local, _, _ := strings.Cut(email, "@")
	p := squash(password)
	for _, own := range []string{squash(email), squash(local), squash(name)} {
		if own != "" && (p == own || squash(core) == own) {
			return msgPasswordSelf
		}
	}
	return ""
}

func trimNonLetters(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
}

var leet = strings.NewReplacer("@", "a", "4", "a", "0", "o", "1", "i", "!", "i", "3", "e", "$", "s", "5", "s", "7", "t", "+", "t")

func unLeet(s string) string { return leet.Replace(s) }

// runs are sequences people type as passwords.
var runs = []string{"0123456789", "9876543210", "abcdefghijklmnopqrstuvwxyz", "zyxwvutsrqponmlkjihgfedcba",
	"qwertyuiopasdfghjklzxcvbnm", "mnbvcxzlkjhgfdsapoiuytrewq", "azertyuiopqsdfghjklmwxcvbn", "qwertzuiopasdfghjklyxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p"}

func isRun(s string) bool {
	if len(s) < 4 {
		return false
	}
	for _, r := range runs {
		if strings.Contains(strings.Repeat(r, len(s)/len(r)+2), s) {
			return true
		}
	}
	return false
}

// isRepeated reports whether s is a pattern of at most four characters repeated.
func isRepeated(s string) bool {
	r := []rune(s)
	for unit := 1; unit <= 4 && unit < len(r); unit++ {
		same := true
		for i := unit; i < len(r); i++ {
			if r[i] != r[i%unit] {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

// Package models is Claimdesk's domain: the types every other package shares,
// the rules that govern them (roles, workflow states, validation) and the
// errors those rules produce. It imports only the standard library.
package models

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

var (
	// ErrNotFound means the thing asked for does not exist (or is not visible to the caller).
	ErrNotFound = errors.New("not found")
	// ErrForbidden means the caller's role does not allow the action.
	ErrForbidden = errors.New("forbidden")
	// ErrUnauthenticated means the caller is not signed in or the token is not valid.
	ErrUnauthenticated = errors.New("not signed in")
	// ErrConflict means the change was based on a stale version, or collides with existing data.
	ErrConflict = errors.New("conflict")
	// ErrInvalidTransition means the workflow does not allow the requested state change.
	ErrInvalidTransition = errors.New("state change not allowed")
	// ErrTooManyAttempts means login throttling refused the attempt.
	ErrTooManyAttempts = errors.New("too many attempts")
)

// ValidationError maps an input field to a message the user can act on.
// The key "" holds a message about the input as a whole.
type ValidationError map[string]string

func (v ValidationError) Error() string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		if k == "" {
			parts = append(parts, v[k])
			continue
		}
		parts = append(parts, k+": "+v[k])
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Add records a message for field unless one is already recorded.
func (v ValidationError) Add(field, msg string) {
	if _, ok := v[field]; !ok {
		v[field] = msg
	}
}

// OrNil returns v as an error when it holds messages, and nil otherwise.
func (v ValidationError) OrNil() error {
	if len(v) == 0 {
		return nil
	}
	return v
}

// Invalid returns a ValidationError with one message.
func Invalid(field, format string, args ...any) ValidationError {
	return ValidationError{field: fmt.Sprintf(format, args...)}
}

// ConflictError is a conflict with a message safe to show the user and,
// optionally, the current state of the thing that changed.
type ConflictError struct {
	Message string
	Current any
}

func (e *ConflictError) Error() string { return "conflict: " + e.Message }
func (e *ConflictError) Unwrap() error { return ErrConflict }

// AmbiguousError is returned when a quote occurs more than once and the
// caller must choose an occurrence.
type AmbiguousError struct {
	Quote       string
	Occurrences []Occurrence
	Total       int // how many there are, when Occurrences lists only the first ones
}

// MaxListedOccurrences is how many occurrences of an ambiguous quote are
// listed for a person or script to choose from.
const MaxListedOccurrences = 20

// Truncated returns e listing at most MaxListedOccurrences occurrences.
func (e *AmbiguousError) Truncated() *AmbiguousError {
	out := *e
	if out.Total == 0 {
		out.Total = len(e.Occurrences)
	}
	if len(out.Occurrences) > MaxListedOccurrences {
		out.Occurrences = out.Occurrences[:MaxListedOccurrences]
	}
	return &out
}

// Occurrence is one place a quote appears in a text, with context to show.
type Occurrence struct {
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Prefix string `json:"prefix"`
	Suffix string `json:"suffix"`
}

func (e *AmbiguousError) Error() string {
	n := max(e.Total, len(e.Occurrences))
	if n > len(e.Occurrences) {
		return fmt.Sprintf("the quote occurs %d times in the article (the first %d are listed); quote more words, or choose one", n, len(e.Occurrences))
	}
	return fmt.Sprintf("the quote occurs %d times in the article; choose one", n)
}

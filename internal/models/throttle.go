package models

import "time"

// ThrottleReason says why a sign-in was refused before its password was
// checked. The same reasons arise for an e-mail that has no account, so
// they never tell whether an account exists.
type ThrottleReason string

const (
	// ThrottleLocked: this client failed too often for this e-mail; it is
	// refused for that e-mail (and only from this client) until RetryAfter.
	ThrottleLocked ThrottleReason = "locked"
	// ThrottleSlowed: the e-mail failed too often from anywhere; every
	// attempt must wait a growing delay after the last failure.
	ThrottleSlowed ThrottleReason = "slowed"
	// ThrottleClient: this client failed too often across all e-mails.
	ThrottleClient ThrottleReason = "client"
)

// ThrottledError is a sign-in refused by throttling. It is
// ErrTooManyAttempts to errors.Is.
type ThrottledError struct {
	Reason     ThrottleReason
	RetryAfter time.Duration // how long until an attempt will be considered
	Failures   int           // the failures that led to it, in its window
}

func (e *ThrottledError) Error() string { return "too many attempts: " + string(e.Reason) }

func (e *ThrottledError) Unwrap() error { return ErrTooManyAttempts }

// SignInFailure is a wrong e-mail or password. It is ErrUnauthenticated
// to errors.Is, and tells how many more failures this client may make for
// this e-mail before it is locked (counted the same way whether or not
// the account exists).
type SignInFailure struct {
	Left int
}

func (e *SignInFailure) Error() string { return "wrong e-mail or password" }

func (e *SignInFailure) Unwrap() error { return ErrUnauthenticated }

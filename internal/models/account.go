package models

import (
	"errors"
	"time"
)

// Link purposes: a one-time link lets its holder set the account's password.
const (
	LinkInvite = "invite" // a new account without a password
	LinkReset  = "reset"  // an admin reset a forgotten password
)

// Link lifetimes.
const (
	InviteLinkLifetime = 7 * 24 * time.Hour
	ResetLinkLifetime  = 24 * time.Hour
)

// AccountLink is a one-time link; only the SHA-256 of its token is stored.
type AccountLink struct {
	ID        int64
	UserID    int64
	Purpose   string
	TokenHash string `json:"-"`
	CreatedBy *int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// Errors of a one-time link that cannot be used. Each is shown to the
// person who followed it, with what to do.
var (
	ErrLinkUnknown = errors.New("This link is not valid. It may have been mistyped, or replaced by a newer one. Ask an administrator for a new link.")
	ErrLinkUsed    = errors.New("This link has already been used. Each link works once: sign in with the password you chose, or ask an administrator for a new link.")
	ErrLinkExpired = errors.New("This link has expired. Ask an administrator for a new link.")
	ErrLinkAccount = errors.New("This account has been deactivated, so its link no longer works. Ask an administrator.")
)

// OutgoingMail is one message to queue in the outbox.
type OutgoingMail struct {
	Kind    string // invite, reset, assigned, review, published
	UserID  int64  // the recipient's account, if any
	To      string
	Subject string
	// Body is plain text. In a mail with a one-time link, LinkPlaceholder
	// stands where the link goes: a fresh link is made when it is sent.
	Body      string
	DedupeKey string // when set, a second mail with the same key is not queued
}

// LinkPlaceholder marks where a one-time link goes in a mail's body.
const LinkPlaceholder = "{{link}}"

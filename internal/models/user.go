package models

import (
	"net/mail"
	"strings"
	"time"
)

// Role is what a user may do. Roles are ordered: each includes the ones below it.
type Role string

const (
	RoleViewer      Role = "viewer"
	RoleEditor      Role = "editor"
	RoleFactChecker Role = "factchecker"
	RoleAdmin       Role = "admin"
)

// Roles lists every role, weakest first.
var Roles = []Role{RoleViewer, RoleEditor, RoleFactChecker, RoleAdmin}

func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return i
		}
	}
	return -1
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.rank() >= 0 }

// AtLeast reports whether r includes the permissions of min.
func (r Role) AtLeast(min Role) bool { return r.Valid() && r.rank() >= min.rank() }

// Label is the role's name as shown to people.
func (r Role) Label() string {
	switch r {
	case RoleFactChecker:
		return "Fact-checker"
	case RoleAdmin:
		return "Admin"
	case RoleEditor:
		return "Editor"
	case RoleViewer:
		return "Viewer"
	}
	return string(r)
}

// ParseRole turns user input into a Role.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", Invalid("role", "Unknown role %q: choose admin, editor, factchecker or viewer.", s)
	}
	return r, nil
}

// Action is something a user may try to do; Can decides whether their role allows it.
type Action int

const (
	ActRead Action = iota
	ActEditArticles
	ActMarkClaims
	ActEditEvidence
	ActReview // states, verdicts, approvals, assignments
	ActAdmin  // users, verdict scale, settings
)

var minRole = map[Action]Role{
	ActRead:         RoleViewer,
	ActEditArticles: RoleEditor,
	ActMarkClaims:   RoleEditor,
	ActEditEvidence: RoleEditor,
	ActReview:       RoleFactChecker,
	ActAdmin:        RoleAdmin,
}

// Can reports whether the user may perform a.
func (u User) Can(a Action) bool {
	min, ok := minRole[a]
	return ok && u.Active && u.Role.AtLeast(min)
}

// User is a person with an account.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         Role
	PasswordHash string `json:"-"`
	Active       bool
	// LastSignInAt is when the user last signed in (nil: never).
	LastSignInAt *time.Time
	// EmailNotifications: the user wants notification mails ("assigned to
	// you", "waiting for your sign-off", "published"); invites and password
	// resets are always sent.
	EmailNotifications bool
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// HasPassword reports whether the account has a password; an invited user
// has none until they follow their invite link.
func (u User) HasPassword() bool { return u.PasswordHash != "" }

// NewUser is what it takes to create an account.
type NewUser struct {
	Email    string
	Name     string
	Role     string
	Password string
}

// Validate checks the fields, the password included, and returns the
// normalised e-mail and role.
func (n NewUser) Validate() (email string, role Role, err error) {
	email, role, err = n.ValidateProfile()
	v, _ := err.(ValidationError)
	if v == nil {
		v = ValidationError{}
	}
	if msg := PasswordProblem(n.Password, n.Email, n.Name); msg != "" {
		v.Add("password", msg)
	}
	return email, role, v.OrNil()
}

// ValidateProfile checks everything but the password (an invited user
// chooses theirs later).
func (n NewUser) ValidateProfile() (email string, role Role, err error) {
	v := ValidationError{}
	email = NormalizeEmail(n.Email)
	if _, perr := mail.ParseAddress(email); perr != nil || !strings.Contains(email, "@") || strings.ContainsAny(email, " <>") {
		v.Add("email", "Enter a valid e-mail address, like name@example.org.")
	}
	if strings.TrimSpace(n.Name) == "" {
		v.Add("name", "Enter a name.")
	} else if len([]rune(n.Name)) > 200 {
		v.Add("name", "Keep the name under 200 characters.")
	}
	role, rerr := ParseRole(n.Role)
	if rerr != nil {
		v.Add("role", rerr.(ValidationError)["role"])
	}
	return email, role, v.OrNil()
}

// NormalizeEmail lower-cases and trims an e-mail address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Session is a signed-in browser.
type Session struct {
	ID        string // SHA-256 of the cookie value, hex
	UserID    int64
	CSRFToken string
	ExpiresAt time.Time
	CreatedAt time.Time
}

// APIToken is a bearer token for the JSON API; only its hash is stored.
type APIToken struct {
	ID         int64
	UserID     int64
	Label      string
	TokenHash  string `json:"-"`
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	ExpiresAt  *time.Time
}

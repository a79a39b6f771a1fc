package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Session and throttling rules.
const (
	SessionLifetime   = 14 * 24 * time.Hour
	tokenPrefix       = "cd_"
	defaultTokenLabel = "API token"
)

// CountUsers returns how many accounts exist.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.User{}).Count(&n).Error
	return n, err
}

// CreateUser validates n, hashes the password and creates the account.
func (s *Store) CreateUser(ctx context.Context, actor Actor, n models.NewUser) (models.User, error) {
	return s.createUser(ctx, actor, n, false)
}

// CreateFirstAdmin creates the admin account only while there are no users:
// the check and the insert are one transaction, serialised with every other
// write, so two people racing through the first-run page cannot both
// become admin.
func (s *Store) CreateFirstAdmin(ctx context.Context, n models.NewUser) (models.User, error) {
	n.Role = string(models.RoleAdmin)
	return s.createUser(ctx, Actor{}, n, true)
}

func (s *Store) createUser(ctx context.Context, actor Actor, n models.NewUser, firstOnly bool) (models.User, error) {
	email, role, err := n.Validate()
	if err != nil {
		return models.User{}, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(n.Password), s.passwordCost)
	if err != nil {
		return models.User{}, fmt.Errorf("store: hash password: %w", err)
	}
	u := models.User{Email: email, Name: strings.TrimSpace(n.Name), Role: role, PasswordHash: string(hash), Active: true, EmailNotifications: true}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if firstOnly {
			if err := s.dialect.lockHistory(tx); err != nil {
				return err
			}
			var count int64
			if err := tx.Model(&models.User{}).Count(&count).Error; err != nil {
				return err
			}
			if count > 0 {
				return &models.ConflictError{Message: "An admin account already exists. Sign in instead."}
			}
		}
		if err := tx.Create(&u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return models.Invalid("email", "An account with this e-mail address already exists.")
			}
			return writeErr(err, "user")
		}
		if actor.ID == 0 {
			actor = ActorOf(u) // the first admin creates themselves
		}
		return s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "user", EntityID: u.ID, Action: "created"},
			Changes{"email": {nil, u.Email}, "name": {nil, u.Name}, "role": {nil, u.Role}})
	})
	return u, err
}

// User returns the account with the given id.
func (s *Store) User(ctx context.Context, id int64) (models.User, error) {
	var u models.User
	if err := s.conn(ctx).First(&u, id).Error; err != nil {
		return u, lookupErr(err, "user", id)
	}
	return u, nil
}

// UserByEmail returns the account with the given e-mail address.
func (s *Store) UserByEmail(ctx context.Context, email string) (models.User, error) {
	var u models.User
	if err := s.conn(ctx).Where("email = ?", models.NormalizeEmail(email)).First(&u).Error; err != nil {
		return u, lookupErr(err, "user", email)
	}
	return u, nil
}

// Users lists accounts by name.
func (s *Store) Users(ctx context.Context) ([]models.User, error) {
	var out []models.User
	err := s.conn(ctx).Order("lower(name), id").Limit(1000).Find(&out).Error
	return out, err
}

// UserUpdate is an admin's change to an account; nil fields stay as they are.
type UserUpdate struct {
	Name   *string
	Role   *string
	Active *bool
}

// UpdateUser changes an account. An admin cannot demote or deactivate the last active admin.
func (s *Store) UpdateUser(ctx context.Context, actor Actor, id int64, up UserUpdate) (models.User, error) {
	var u models.User
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.First(&u, id).Error; err != nil {
			return lookupErr(err, "user", id)
		}
		old := u
		if up.Name != nil {
			name := strings.TrimSpace(*up.Name)
			if name == "" || len([]rune(name)) > 200 {
				return models.Invalid("name", "Enter a name of at most 200 characters.")
			}
			u.Name = name
		}
		if up.Role != nil {
			r, err := models.ParseRole(*up.Role)
			if err != nil {
				return err
			}
			u.Role = r
		}
		if up.Active != nil {
			u.Active = *up.Active
		}
		if old.Role == models.RoleAdmin && old.Active && (u.Role != models.RoleAdmin || !u.Active) {
			var admins int64
			if err := tx.Model(&models.User{}).Where("role = ? AND active = ?", models.RoleAdmin, true).Count(&admins).Error; err != nil {
				return err
			}
			if admins <= 1 {
				return models.Invalid("role", "This is the last active admin. Make someone else admin first.")
			}
		}
		ch := Changes{}
		ch.diff("name", old.Name, u.Name)
		ch.diff("role", old.Role, u.Role)
		ch.diff("active", old.Active, u.Active)
		if len(ch) == 0 {
			return nil
		}
		if err := tx.Model(&u).Updates(map[string]any{"name": u.Name, "role": u.Role, "active": u.Active, "updated_at": s.nowUTC()}).Error; err != nil {
			return writeErr(err, "user")
		}
		if !u.Active {
			if err := tx.Where("user_id = ?", u.ID).Delete(&models.Session{}).Error; err != nil {
				return err
			}
		}
		return s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "user", EntityID: u.ID, Action: "updated"}, ch)
	})
	return u, err
}

// Authenticate checks an e-mail and password from a client address.
// Throttling (throttle.go) may refuse the attempt first with a
// *models.ThrottledError; a wrong e-mail or password is a
// *models.SignInFailure. Both are the same whether or not the account exists.
func (s *Store) Authenticate(ctx context.Context, email, password, client string) (models.User, error) {
	email = models.NormalizeEmail(email)
	if err := s.checkSignIn(ctx, email, client); err != nil {
		return models.User{}, err
	}
	u, err := s.UserByEmail(ctx, email)
	ok := err == nil && u.Active && bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return models.User{}, err
	}
	if !ok {
		if err != nil { // no such account: spend the same time as a wrong password would
			_ = bcrypt.CompareHashAndPassword(s.dummyHash, []byte(password))
		}
		fail, err := s.recordSignInFailure(ctx, email, client)
		if err != nil {
			return models.User{}, err
		}
		return models.User{}, fail
	}
	if err := s.clearSignInFailures(ctx, email, client); err != nil {
		return models.User{}, err
	}
	return u, nil
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// GeneratePassword returns a random password for accounts created without one.
func GeneratePassword() string { return randomToken(15) }

// CreateSession starts a session for u and returns the cookie value.
// Only its hash is stored.
func (s *Store) CreateSession(ctx context.Context, u models.User) (string, models.Session, error) {
	tok := randomToken(32)
	sess := models.Session{ID: hashToken(tok), UserID: u.ID, CSRFToken: randomToken(32), ExpiresAt: s.nowUTC().Add(SessionLifetime), CreatedAt: s.nowUTC()}
	if err := s.conn(ctx).Create(&sess).Error; err != nil {
		return "", sess, fmt.Errorf("store: create session: %w", err)
	}
	if err := s.recordSignIn(ctx, u.ID); err != nil {
		return "", sess, fmt.Errorf("store: record sign-in: %w", err)
	}
	return tok, sess, nil
}

// SessionUser returns the session for a cookie value and its active user.
func (s *Store) SessionUser(ctx context.Context, cookie string) (models.User, models.Session, error) {
	var sess models.Session
	if cookie == "" || len(cookie) > 200 {
		return models.User{}, sess, models.ErrUnauthenticated
	}
	err := s.conn(ctx).Where("id = ? AND expires_at > ?", hashToken(cookie), s.nowUTC()).First(&sess).Error
	if err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return models.User{}, sess, models.ErrUnauthenticated
		}
		return models.User{}, sess, err
	}
	u, err := s.User(ctx, sess.UserID)
	if err != nil || !u.Active {
		return models.User{}, sess, models.ErrUnauthenticated
	}
	return u, sess, nil
}

// DeleteSession ends a session (sign-out, or renewal at sign-in).
func (s *Store) DeleteSession(ctx context.Context, cookie string) error {
	return s.conn(ctx).Where("id = ?", hashToken(cookie)).Delete(&models.Session{}).Error
}

// CreateToken makes a new API token for the user and returns it in clear,
// once. ttl 0 means it does not expire.
func (s *Store) CreateToken(ctx context.Context, actor Actor, userID int64, label string, ttl time.Duration) (string, models.APIToken, error) {
	label = strings.TrimSpace(label)
	if label == "" {
		label = defaultTokenLabel
	}
	if len([]rune(label)) > 100 {
		return "", models.APIToken{}, models.Invalid("label", "Keep the label under 100 characters.")
	}
	plain := tokenPrefix + randomToken(32)
	t := models.APIToken{UserID: userID, Label: label, TokenHash: hashToken(plain), CreatedAt: s.nowUTC()}
	if ttl > 0 {
		exp := s.nowUTC().Add(ttl)
		t.ExpiresAt = &exp
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&t).Error; err != nil {
			return writeErr(err, "token")
		}
		return s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "token", EntityID: t.ID, Action: "created"},
			Changes{"user": {nil, userID}, "label": {nil, label}})
	})
	return plain, t, err
}

// TokenUser returns the active user owning a valid, unrevoked, unexpired token.
func (s *Store) TokenUser(ctx context.Context, plain string) (models.User, error) {
	if !strings.HasPrefix(plain, tokenPrefix) || len(plain) > 200 {
		return models.User{}, models.ErrUnauthenticated
	}
	var t models.APIToken
	now := s.nowUTC()
	err := s.conn(ctx).Where("token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", hashToken(plain), now).First(&t).Error
	if err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return models.User{}, models.ErrUnauthenticated
		}
		return models.User{}, err
	}
	u, err := s.User(ctx, t.UserID)
	if err != nil || !u.Active {
		return models.User{}, models.ErrUnauthenticated
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		_ = s.conn(ctx).Model(&models.APIToken{}).Where("id = ?", t.ID).Update("last_used_at", now).Error
	}
	return u, nil
}

// Tokens lists a user's tokens, newest first.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]models.APIToken, error) {
	var out []models.APIToken
	err := s.conn(ctx).Where("user_id = ?", userID).Order("id DESC").Limit(200).Find(&out).Error
	return out, err
}

// RevokeToken revokes one of a user's tokens.
func (s *Store) RevokeToken(ctx context.Context, actor Actor, userID, tokenID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&models.APIToken{}).Where("id = ? AND user_id = ? AND revoked_at IS NULL", tokenID, userID).Update("revoked_at", s.nowUTC())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return lookupErr(gorm.ErrRecordNotFound, "token", tokenID)
		}
		return s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "token", EntityID: tokenID, Action: "revoked"}, nil)
	})
}

// Settings returns every setting.
func (s *Store) Settings(ctx context.Context) (map[string]string, error) {
	var rows []struct{ Key, Value string }
	if err := s.conn(ctx).Table("settings").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: settings: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Key] = r.Value
	}
	return out, nil
}

// SetSettings changes several settings in one transaction and records the changes in history.
func (s *Store) SetSettings(ctx context.Context, actor Actor, values map[string]string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		ch := Changes{}
		for key, value := range values {
			var old struct{ Value string }
			res := tx.Table("settings").Select("value").Where("key = ?", key).Find(&old)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				if err := tx.Exec(`INSERT INTO settings (key, value) VALUES (?, ?)`, key, value).Error; err != nil {
					return err
				}
			} else if err := tx.Exec(`UPDATE settings SET value = ? WHERE key = ?`, value, key).Error; err != nil {
				return err
			}
			ch.diff(key, old.Value, value)
		}
		if len(ch) == 0 {
			return nil
		}
		return s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "settings", Action: "updated"}, ch)
	})
}

package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Passwords, invites and one-time links (issue 15, account features 1 and 2).

type accountLink = models.AccountLink // table account_links

// LinkGrant is a newly made one-time link: the token is in clear here only.
// With mail, Token is empty: the link is made afresh when the mail is sent.
type LinkGrant struct {
	User      models.User
	Purpose   string
	Token     string
	ExpiresAt time.Time
	Mailed    bool
}

// InviteUser creates an account without a password and a one-time invite
// link for its owner to choose one. With mail (not nil), the link is
// e-mailed instead of returned.
func (s *Store) InviteUser(ctx context.Context, actor Actor, n models.NewUser, mail *models.OutgoingMail) (LinkGrant, error) {
	email, role, err := n.ValidateProfile()
	if err != nil {
		return LinkGrant{}, err
	}
	now := s.nowUTC()
	u := models.User{Email: email, Name: strings.TrimSpace(n.Name), Role: role, Active: true, EmailNotifications: true}
	var g LinkGrant
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return models.Invalid("email", "An account with this e-mail address already exists.")
			}
			return writeErr(err, "user")
		}
		if err := s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "user", EntityID: u.ID, Action: "invited"},
			Changes{"email": {nil, u.Email}, "name": {nil, u.Name}, "role": {nil, u.Role}}); err != nil {
			return err
		}
		g, err = s.grantLink(tx, actor, u, models.LinkInvite, now, mail)
		return err
	})
	return g, err
}

// GrantLink makes a new one-time link for an account, replacing any unused
// one: an invite when the user has no password yet, else a password reset
// (valid for models.ResetLinkLifetime). Deactivated accounts get none.
func (s *Store) GrantLink(ctx context.Context, actor Actor, userID int64, mail *models.OutgoingMail) (LinkGrant, error) {
	var g LinkGrant
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var u models.User
		if err := tx.First(&u, userID).Error; err != nil {
			return lookupErr(err, "user", userID)
		}
		if !u.Active {
			return models.Invalid("", "%s is deactivated. Reactivate the account first.", u.Name)
		}
		purpose := models.LinkReset
		if !u.HasPassword() {
			purpose = models.LinkInvite
		}
		var err error
		g, err = s.grantLink(tx, actor, u, purpose, s.nowUTC(), mail)
		if err != nil {
			return err
		}
		return s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "user", EntityID: u.ID, Action: purpose + " link"},
			Changes{"expires_at": {nil, g.ExpiresAt.Format(time.RFC3339)}, "mailed": {nil, g.Mailed}})
	})
	return g, err
}

func (s *Store) grantLink(tx *gorm.DB, actor Actor, u models.User, purpose string, now time.Time, mail *models.OutgoingMail) (LinkGrant, error) {
	if err := tx.Where("user_id = ? AND used_at IS NULL", u.ID).Delete(&accountLink{}).Error; err != nil {
		return LinkGrant{}, err
	}
	life := models.ResetLinkLifetime
	if purpose == models.LinkInvite {
		life = models.InviteLinkLifetime
	}
	token := randomToken(32)
	l := accountLink{UserID: u.ID, Purpose: purpose, TokenHash: hashToken(token), CreatedAt: now, ExpiresAt: now.Add(life)}
	if actor.ID != 0 {
		l.CreatedBy = &actor.ID
	}
	if err := tx.Create(&l).Error; err != nil {
		return LinkGrant{}, writeErr(err, "link")
	}
	g := LinkGrant{User: u, Purpose: purpose, Token: token, ExpiresAt: l.ExpiresAt}
	if mail != nil {
		m := *mail
		m.UserID, m.To = u.ID, u.Email
		if err := s.queueMail(tx, m, &l.ID); err != nil {
			return LinkGrant{}, err
		}
		g.Token, g.Mailed = "", true
	}
	return g, nil
}

// Link returns the one-time link for a token and its account, or one of
// models.ErrLinkUnknown, ErrLinkUsed, ErrLinkExpired, ErrLinkAccount.
func (s *Store) Link(ctx context.Context, token string) (models.AccountLink, models.User, error) {
	return s.link(s.conn(ctx), token)
}

func (s *Store) link(tx *gorm.DB, token string) (models.AccountLink, models.User, error) {
	var l accountLink
	var u models.User
	if token == "" || len(token) > 100 {
		return l, u, models.ErrLinkUnknown
	}
	if err := tx.Where("token_hash = ?", hashToken(token)).First(&l).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return l, u, models.ErrLinkUnknown
		}
		return l, u, err
	}
	if err := tx.First(&u, l.UserID).Error; err != nil {
		return l, u, lookupErr(err, "user", l.UserID)
	}
	switch {
	case l.UsedAt != nil:
		return l, u, models.ErrLinkUsed
	case !l.ExpiresAt.After(s.nowUTC()):
		return l, u, models.ErrLinkExpired
	case !u.Active:
		return l, u, models.ErrLinkAccount
	}
	return l, u, nil
}

// UseLink sets the password of the link's account and spends the link:
// every session of the account ends (API tokens stay). The password is
// checked like any new one; a refused password leaves the link unused.
func (s *Store) UseLink(ctx context.Context, token, password string) (models.User, error) {
	var u models.User
	err := s.tx(ctx, func(tx *gorm.DB) error {
		l, lu, err := s.link(tx, token)
		if err != nil {
			return err
		}
		u = lu
		hash, err := s.checkAndHash(u, password)
		if err != nil {
			return err
		}
		now := s.nowUTC()
		res := tx.Model(&accountLink{}).Where("id = ? AND used_at IS NULL", l.ID).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 { // someone used it meanwhile
			return models.ErrLinkUsed
		}
		if err := s.setPassword(tx, u.ID, hash, ""); err != nil {
			return err
		}
		u.PasswordHash = hash
		action := "password reset"
		if l.Purpose == models.LinkInvite {
			action = "invite accepted"
		}
		return s.appendHistory(tx, ActorOf(u), models.HistoryEntry{EntityType: "user", EntityID: u.ID, Action: action}, nil)
	})
	return u, err
}

// ChangePassword changes the user's own password after checking the
// current one. Every other session of the user ends (keepSession is the
// cookie value of the one that stays); API tokens stay.
func (s *Store) ChangePassword(ctx context.Context, userID int64, current, password, keepSession string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var u models.User
		if err := tx.First(&u, userID).Error; err != nil {
			return lookupErr(err, "user", userID)
		}
		if current == "" {
			return models.Invalid("current_password", "Enter your current password.")
		}
		if !u.HasPassword() || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(current)) != nil {
			return models.Invalid("current_password", "That is not your current password.")
		}
		if password == current {
			return models.Invalid("password", "Choose a password different from your current one.")
		}
		hash, err := s.checkAndHash(u, password)
		if err != nil {
			return err
		}
		keep := ""
		if keepSession != "" {
			keep = hashToken(keepSession)
		}
		if err := s.setPassword(tx, u.ID, hash, keep); err != nil {
			return err
		}
		return s.appendHistory(tx, ActorOf(u), models.HistoryEntry{EntityType: "user", EntityID: u.ID, Action: "password changed"}, nil)
	})
}

// SetPassword sets a password from the command line: it ends every
// session of the account and spends its unused links.
func (s *Store) SetPassword(ctx context.Context, actor Actor, email, password string) (models.User, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return u, err
	}
	hash, err := s.checkAndHash(u, password)
	if err != nil {
		return u, err
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.setPassword(tx, u.ID, hash, ""); err != nil {
			return err
		}
		return s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "user", EntityID: u.ID, Action: "password set"}, nil)
	})
	return u, err
}

func (s *Store) checkAndHash(u models.User, password string) (string, error) {
	if msg := models.PasswordProblem(password, u.Email, u.Name); msg != "" {
		return "", models.Invalid("password", "%s", msg)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.passwordCost)
	if err != nil {
		return "", fmt.Errorf("store: hash password: %w", err)
	}
	return string(hash), nil
}

// setPassword stores the hash, ends the account's sessions but keep (a
// session id, or "") and deletes its unused links.
func (s *Store) setPassword(tx *gorm.DB, userID int64, hash, keep string) error {
	if err := tx.Model(&models.User{}).Where("id = ?", userID).Updates(map[string]any{"password_hash": hash, "updated_at": s.nowUTC()}).Error; err != nil {
		return writeErr(err, "user")
	}
	if err := tx.Where("user_id = ? AND id <> ?", userID, keep).Delete(&models.Session{}).Error; err != nil {
		return err
	}
	return tx.Where("user_id = ? AND used_at IS NULL", userID).Delete(&accountLink{}).Error
}

// PendingLinks returns each account's unused, unexpired link, by user id.
func (s *Store) PendingLinks(ctx context.Context) (map[int64]models.AccountLink, error) {
	var ls []accountLink
	if err := s.conn(ctx).Where("used_at IS NULL AND expires_at > ?", s.nowUTC()).Order("id").Limit(5000).Find(&ls).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]models.AccountLink, len(ls))
	for _, l := range ls {
		out[l.UserID] = l
	}
	return out, nil
}

// SetEmailNotifications turns the user's notification mails on or off.
func (s *Store) SetEmailNotifications(ctx context.Context, userID int64, on bool) error {
	return s.conn(ctx).Model(&models.User{}).Where("id = ?", userID).Updates(map[string]any{"email_notifications": on, "updated_at": s.nowUTC()}).Error
}

// recordSignIn notes when the user signed in (shown to admins).
func (s *Store) recordSignIn(ctx context.Context, userID int64) error {
	return s.conn(ctx).Model(&models.User{}).Where("id = ?", userID).UpdateColumn("last_sign_in_at", s.nowUTC()).Error
}

package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/claimdesk/claimdesk/internal/models"
)

// The e-mail outbox (issue 15, account feature 3). A request never sends
// mail: it inserts a row in the same transaction as the change that causes
// it, so a mail is queued exactly when the change commits. Senders (one
// per running instance) claim due rows with a lease, send them, and mark
// them sent or due again later with backoff. A claim is one UPDATE of rows
// nobody holds, so two instances never send the same mail; a sender that
// dies mid-send leaves its rows to be claimed again when the lease ends.

// Outbox rules.
const (
	MailLease       = 5 * time.Minute  // a claimed mail is another sender's after this
	MailGiveUpAfter = 72 * time.Hour   // a mail still failing this long after it was queued is marked failed
	mailFirstRetry  = 30 * time.Second // then doubling: 30 s, 1 min, 2 min, … up to mailMaxRetry
	mailMaxRetry    = time.Hour
	mailKeepSent    = 30 * 24 * time.Hour // sent mails are deleted after this
	notifyMaxAge    = 24 * time.Hour      // history older than this is not turned into notifications
	notifyBatch     = 500
	maxReviewers    = 100 // "waiting for your sign-off" goes to at most this many people
)

// QueuedMail is an outbox row.
type QueuedMail struct {
	ID            int64
	Kind          string
	UserID        *int64
	ToAddr        string
	Subject       string
	Body          string
	LinkID        *int64
	DedupeKey     *string
	CreatedAt     time.Time
	Attempts      int
	NextAttemptAt time.Time
	LockedBy      string
	LockedUntil   *time.Time
	SentAt        *time.Time
	FailedAt      *time.Time
	LastError     string
	// LinkToken is the fresh one-time token of a mail with a link, made
	// when the mail is claimed; it is never stored in clear.
	LinkToken string `gorm:"-"`
}

// TableName is the outbox table.
func (QueuedMail) TableName() string { return "mail_outbox" }

func (s *Store) queueMail(tx *gorm.DB, m models.OutgoingMail, linkID *int64) error {
	now := s.nowUTC()
	row := QueuedMail{Kind: m.Kind, ToAddr: m.To, Subject: m.Subject, Body: m.Body, LinkID: linkID, CreatedAt: now, NextAttemptAt: now}
	if m.UserID != 0 {
		row.UserID = &m.UserID
	}
	if m.DedupeKey != "" {
		row.DedupeKey = &m.DedupeKey
	}
	if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "dedupe_key"}}, DoNothing: true}).Create(&row).Error; err != nil {
		return fmt.Errorf("store: queue mail: %w", err)
	}
	return nil
}

// QueueMail queues one mail.
func (s *Store) QueueMail(ctx context.Context, m models.OutgoingMail) error {
	return s.queueMail(s.conn(ctx), m, nil)
}

// ClaimMail leases up to limit due mails to sender and returns them. A mail
// with a one-time link gets a fresh token (the one sent); one whose link
// was used, replaced or has expired is marked failed instead.
func (s *Store) ClaimMail(ctx context.Context, sender string, limit int) ([]QueuedMail, error) {
	// Look before taking a write transaction: on SQLite it would hold up
	// every other writer, every few seconds, for nothing.
	var due []int64
	now := s.nowUTC()
	if err := s.conn(ctx).Raw(`SELECT id FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until < ?) LIMIT 1`, now, now).Scan(&due).Error; err != nil || len(due) == 0 {
		return nil, err
	}
	var out []QueuedMail
	err := s.tx(ctx, func(tx *gorm.DB) error {
		now := s.nowUTC()
		var ids []int64
		if err := tx.Raw(`SELECT id FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until < ?) ORDER BY next_attempt_at, id LIMIT ?`+s.dialect.skipLocked(),
			now, now, limit).Scan(&ids).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		until := now.Add(MailLease)
		if err := tx.Exec(`UPDATE mail_outbox SET locked_by = ?, locked_until = ?, attempts = attempts + 1 WHERE id IN ? AND sent_at IS NULL AND failed_at IS NULL AND (locked_until IS NULL OR locked_until < ?)`,
			sender, until, ids, now).Error; err != nil {
			return err
		}
		var rows []QueuedMail
		if err := tx.Where("id IN ? AND locked_by = ? AND locked_until = ?", ids, sender, until).Order("id").Find(&rows).Error; err != nil {
			return err
		}
		for _, m := range rows {
			if m.LinkID != nil {
				tok := randomToken(32)
				res := tx.Model(&accountLink{}).Where("id = ? AND used_at IS NULL AND expires_at > ?", *m.LinkID, now).Update("token_hash", hashToken(tok))
				if res.Error != nil {
					return res.Error
				}
				if res.RowsAffected == 0 {
					if err := tx.Model(&QueuedMail{}).Where("id = ?", m.ID).Updates(map[string]any{"failed_at": now, "locked_until": nil,
						"last_error": "Not sent: the link was used, replaced by a newer one, or expired first."}).Error; err != nil {
						return err
					}
					continue
				}
				m.LinkToken = tok
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// MarkMailSent records that the mail was handed to the SMTP server.
func (s *Store) MarkMailSent(ctx context.Context, id int64, sender string) error {
	return s.conn(ctx).Model(&QueuedMail{}).Where("id = ? AND locked_by = ?", id, sender).
		Updates(map[string]any{"sent_at": s.nowUTC(), "locked_until": nil, "last_error": ""}).Error
}

// MarkMailFailed records a failed attempt: the mail is due again after a
// backoff, or marked failed when permanent (the server refused the
// recipient) or when it has failed for MailGiveUpAfter.
func (s *Store) MarkMailFailed(ctx context.Context, m QueuedMail, sender string, cause error, permanent bool) error {
	now := s.nowUTC()
	msg := cause.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	cols := map[string]any{"locked_until": nil, "last_error": msg}
	if permanent || now.Sub(m.CreatedAt) >= MailGiveUpAfter {
		cols["failed_at"] = now
	} else {
		cols["next_attempt_at"] = now.Add(MailRetryDelay(m.Attempts))
	}
	return s.conn(ctx).Model(&QueuedMail{}).Where("id = ? AND locked_by = ?", m.ID, sender).Updates(cols).Error
}

// MailRetryDelay is the wait after the given number of attempts.
func MailRetryDelay(attempts int) time.Duration {
	d := mailFirstRetry
	for i := 1; i < attempts && d < mailMaxRetry; i++ {
		d *= 2
	}
	return min(d, mailMaxRetry)
}

// RetryFailedMail makes every failed mail due again now.
func (s *Store) RetryFailedMail(ctx context.Context) (int64, error) {
	now := s.nowUTC()
	res := s.conn(ctx).Model(&QueuedMail{}).Where("failed_at IS NOT NULL AND sent_at IS NULL").
		Updates(map[string]any{"failed_at": nil, "next_attempt_at": now, "created_at": now, "attempts": 0})
	return res.RowsAffected, res.Error
}

// PruneSentMail deletes mails sent more than 30 days ago.
func (s *Store) PruneSentMail(ctx context.Context) error {
	return s.conn(ctx).Where("sent_at < ?", s.nowUTC().Add(-mailKeepSent)).Delete(&QueuedMail{}).Error
}

// MailSummary is the outbox at a glance, for admins.
type MailSummary struct {
	Queued, Failed, SentLastDay int64
	RecentFailures              []QueuedMail
}

// MailStatus summarises the outbox.
func (s *Store) MailStatus(ctx context.Context) (MailSummary, error) {
	var sum MailSummary
	db := s.conn(ctx)
	if err := db.Model(&QueuedMail{}).Where("sent_at IS NULL AND failed_at IS NULL").Count(&sum.Queued).Error; err != nil {
		return sum, err
	}
	if err := db.Model(&QueuedMail{}).Where("failed_at IS NOT NULL").Count(&sum.Failed).Error; err != nil {
		return sum, err
	}
	if err := db.Model(&QueuedMail{}).Where("sent_at > ?", s.nowUTC().Add(-24*time.Hour)).Count(&sum.SentLastDay).Error; err != nil {
		return sum, err
	}
	err := db.Select("id, kind, to_addr, subject, attempts, created_at, failed_at, last_error, next_attempt_at").
		Where("sent_at IS NULL AND last_error <> ''").Order("id DESC").Limit(20).Find(&sum.RecentFailures).Error
	return sum, err
}

// Notification kinds, made from history entries.
const (
	NotifyAssigned  = "assigned"  // a claim was assigned to the recipient
	NotifyReview    = "review"    // a claim waits for the recipient's sign-off
	NotifyPublished = "published" // a claim the recipient marked or was assigned was published
)

// Notification is one mail to compose: what happened to which claim, for whom.
type Notification struct {
	Kind         string
	Claim        models.Claim
	ArticleTitle string
	ActorName    string
	Recipient    models.User
	HistoryID    int64
}

// CollectNotifications reads the history written since the last call and
// queues the notification mails it calls for, composed by compose, for
// recipients who want them. Reading, queueing and moving the cursor are one
// transaction (the cursor row is locked on PostgreSQL), and each mail has a
// key of its history entry, kind and recipient, so no notification is
// queued twice or lost. Entries older than a day are passed over.
func (s *Store) CollectNotifications(ctx context.Context, compose func(Notification) models.OutgoingMail) (int, error) {
	var pending []int64
	if err := s.conn(ctx).Raw(`SELECT h.id FROM history_entries h, mail_cursor c WHERE c.id = 1 AND h.id > c.history_id ORDER BY h.id LIMIT 1`).Scan(&pending).Error; err != nil || len(pending) == 0 {
		return 0, err // nothing new: no write transaction
	}
	queued := 0
	for {
		n, more, err := s.collectBatch(ctx, compose)
		queued += n
		if err != nil || !more {
			return queued, err
		}
	}
}

type historyEvent struct {
	ID        int64
	ClaimID   *int64
	ActorID   *int64
	ActorName string
	Changes   string
	CreatedAt time.Time
}

func (s *Store) collectBatch(ctx context.Context, compose func(Notification) models.OutgoingMail) (queued int, more bool, err error) {
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var cursor int64
		if err := tx.Raw(`SELECT history_id FROM mail_cursor WHERE id = 1` + s.dialect.forUpdate()).Scan(&cursor).Error; err != nil {
			return err
		}
		var evs []historyEvent
		if err := tx.Table("history_entries").Select("id, claim_id, actor_id, actor_name, changes, created_at").
			Where("id > ?", cursor).Order("id").Limit(notifyBatch).Find(&evs).Error; err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		more = len(evs) == notifyBatch
		oldest := s.nowUTC().Add(-notifyMaxAge)
		for _, ev := range evs {
			if ev.ClaimID == nil || ev.CreatedAt.Before(oldest) {
				continue
			}
			ns, err := s.notificationsFor(tx, ev)
			if err != nil {
				return err
			}
			for _, n := range ns {
				m := compose(n)
				m.UserID, m.To, m.Kind = n.Recipient.ID, n.Recipient.Email, n.Kind
				m.DedupeKey = "h" + strconv.FormatInt(ev.ID, 10) + ":" + n.Kind + ":" + strconv.FormatInt(n.Recipient.ID, 10)
				if err := s.queueMail(tx, m, nil); err != nil {
					return err
				}
				queued++
			}
		}
		return tx.Exec(`UPDATE mail_cursor SET history_id = ? WHERE id = 1`, evs[len(evs)-1].ID).Error
	})
	return queued, more, err
}

// notificationsFor turns one history entry of a claim into notifications:
// a new assignee is told; a claim entering review is announced to everyone
// who may sign it off; a published claim to whoever marked it and its
// assignee. Nobody is told of their own change.
func (s *Store) notificationsFor(tx *gorm.DB, ev historyEvent) ([]Notification, error) {
	var ch map[string][2]any
	if err := json.Unmarshal([]byte(ev.Changes), &ch); err != nil {
		return nil, nil // not a change set we read
	}
	kinds := map[string]bool{}
	if v, ok := ch["assignee_id"]; ok && v[1] != nil {
		kinds[NotifyAssigned] = true
	}
	if v, ok := ch["state"]; ok {
		switch v[1] {
		case string(models.StateInReview):
			kinds[NotifyReview] = true
		case string(models.StatePublished):
			kinds[NotifyPublished] = true
		}
	}
	if len(kinds) == 0 {
		return nil, nil
	}
	var c models.Claim
	if res := tx.Where("deleted_at IS NULL").Limit(1).Find(&c, *ev.ClaimID); res.Error != nil || res.RowsAffected == 0 {
		return nil, res.Error
	}
	var title string
	if err := tx.Table("articles").Select("title").Where("id = ?", c.ArticleID).Scan(&title).Error; err != nil {
		return nil, err
	}
	actor := int64(0)
	if ev.ActorID != nil {
		actor = *ev.ActorID
	}
	var out []Notification
	add := func(kind string, users []models.User) {
		for _, u := range users {
			if u.ID != actor && u.Active && u.EmailNotifications && u.HasPassword() {
				out = append(out, Notification{Kind: kind, Claim: c, ArticleTitle: title, ActorName: ev.ActorName, Recipient: u, HistoryID: ev.ID})
			}
		}
	}
	users := func(ids ...*int64) ([]models.User, error) {
		var want []int64
		for _, id := range ids {
			if id != nil {
				want = append(want, *id)
			}
		}
		var us []models.User
		if len(want) == 0 {
			return nil, nil
		}
		err := tx.Where("id IN ?", want).Order("id").Find(&us).Error
		return us, err
	}
	if kinds[NotifyAssigned] && c.AssigneeID != nil {
		if id, ok := ch["assignee_id"][1].(float64); ok && int64(id) == *c.AssigneeID {
			us, err := users(c.AssigneeID)
			if err != nil {
				return nil, err
			}
			add(NotifyAssigned, us)
		}
	}
	if kinds[NotifyReview] && c.State == models.StateInReview {
		var us []models.User
		if err := tx.Where("role IN ? AND active = ? AND email_notifications = ?", []models.Role{models.RoleFactChecker, models.RoleAdmin}, true, true).
			Order("id").Limit(maxReviewers).Find(&us).Error; err != nil {
			return nil, err
		}
		var may []models.User
		for _, u := range us {
			if !WroteVerdict(c, u.ID) {
				may = append(may, u)
			}
		}
		add(NotifyReview, may)
	}
	if kinds[NotifyPublished] && c.State == models.StatePublished {
		ids := []*int64{&c.CreatedBy}
		if c.AssigneeID != nil && *c.AssigneeID != c.CreatedBy {
			ids = append(ids, c.AssigneeID)
		}
		us, err := users(ids...)
		if err != nil {
			return nil, err
		}
		add(NotifyPublished, us)
	}
	return out, nil
}

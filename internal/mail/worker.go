package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

// Outbox queues and sends mail. With mail off (the zero Config) it queues
// nothing and Run returns at once.
type Outbox struct {
	cfg     Config
	store   *store.Store
	log     *slog.Logger
	baseURL string
	name    string // this sender's name in the outbox's leases
	wake    chan struct{}
	// Poll is how often the sender looks for due mail and new history
	// without being woken.
	Poll time.Duration
}

// NewOutbox returns the outbox for cfg.
func NewOutbox(cfg Config, st *store.Store, log *slog.Logger, baseURL string) *Outbox {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return &Outbox{cfg: cfg, store: st, log: log, baseURL: strings.TrimRight(baseURL, "/"),
		name: host + "-" + hex.EncodeToString(b), wake: make(chan struct{}, 1), Poll: 10 * time.Second}
}

// Enabled reports whether mail is configured.
func (o *Outbox) Enabled() bool { return o != nil && o.cfg.Enabled() }

// Describe says how mail is sent, for admins (no password).
func (o *Outbox) Describe() string {
	if o == nil {
		return "off"
	}
	return o.cfg.String()
}

// Wake makes the sender look for work now (after a mail was queued).
func (o *Outbox) Wake() {
	if !o.Enabled() {
		return
	}
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Run sends mail until ctx ends: each round turns new history into
// notifications, then sends every due mail. Errors are logged and the
// round tried again later; nothing is lost.
func (o *Outbox) Run(ctx context.Context) {
	if !o.Enabled() {
		return
	}
	o.log.Info("mail: sending", "smtp", o.cfg.String(), "from", o.cfg.From)
	t := time.NewTicker(o.Poll)
	defer t.Stop()
	lastPrune := time.Time{}
	for {
		o.Round(ctx)
		if time.Since(lastPrune) > time.Hour {
			if err := o.store.PruneSentMail(ctx); err != nil && ctx.Err() == nil {
				o.log.Warn("mail: prune", "err", err)
			}
			lastPrune = time.Now()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-o.wake:
		}
	}
}

// Round does one round of work and reports how many mails it sent.
func (o *Outbox) Round(ctx context.Context) int {
	if _, err := o.store.CollectNotifications(ctx, func(n store.Notification) models.OutgoingMail {
		return Notification(o.baseURL, n)
	}); err != nil && ctx.Err() == nil {
		o.log.Warn("mail: collect notifications", "err", err)
	}
	sent := 0
	for ctx.Err() == nil {
		batch, err := o.store.ClaimMail(ctx, o.name, 20)
		if err != nil {
			if ctx.Err() == nil {
				o.log.Warn("mail: claim", "err", err)
			}
			return sent
		}
		if len(batch) == 0 {
			return sent
		}
		for _, m := range batch {
			if o.deliver(ctx, m) {
				sent++
			}
		}
	}
	return sent
}

func (o *Outbox) deliver(ctx context.Context, m store.QueuedMail) bool {
	body := m.Body
	if m.LinkToken != "" {
		body = strings.ReplaceAll(body, models.LinkPlaceholder, o.baseURL+"/account/link/"+m.LinkToken)
	}
	domain := "claimdesk.invalid"
	if i := strings.LastIndexByte(envelope(o.cfg.From), '@'); i >= 0 {
		domain = envelope(o.cfg.From)[i+1:]
	}
	err := o.cfg.send(ctx, m.ToAddr, message(o.cfg.From, m.ToAddr, m.Subject, body, time.Now(), domain))
	// Record the outcome even when ctx ended meanwhile.
	rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err != nil {
		o.log.Warn("mail: not sent", "id", m.ID, "kind", m.Kind, "attempt", m.Attempts, "err", err)
		if merr := o.store.MarkMailFailed(rec, m, o.name, err, Permanent(err)); merr != nil {
			o.log.Error("mail: record failure", "id", m.ID, "err", merr)
		}
		return false
	}
	if err := o.store.MarkMailSent(rec, m.ID, o.name); err != nil {
		o.log.Error("mail: record sent", "id", m.ID, "err", err)
	}
	o.log.Info("mail: sent", "id", m.ID, "kind", m.Kind)
	return true
}

package store

import (
	"context"
	"time"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Sign-in throttling. Three counters of failed sign-ins, all kept in
// login_failures and all keyed by the e-mail typed, whether or not an
// account has it (so throttling never tells whether an account exists):
//
//   - one client for one e-mail: after PairLimit failures in PairWindow,
//     that client is refused for that e-mail until the oldest of them
//     ages out. Other clients, the account's owner among them, are not.
//   - one e-mail from anywhere: after AccountFree failures in
//     AccountWindow, each attempt must wait a delay after the last
//     failure that doubles with each further failure (2 s, 4 s, 8 s, …),
//     up to AccountMaxDelay. An attacker spread over many addresses gets
//     about a dozen guesses an hour; the owner waits at most five minutes.
//   - one client across e-mails: after ClientLimit failures in
//     PairWindow, that client is refused for every e-mail.
//
// A refused attempt is not checked and not counted. A successful sign-in
// clears its client's counter for that e-mail. docs/security.md has the
// reasoning.
const (
	PairWindow      = 15 * time.Minute
	PairLimit       = 5
	ClientLimit     = 50
	AccountWindow   = time.Hour
	AccountFree     = 5
	AccountMaxDelay = 5 * time.Minute
)

// AccountDelay is the wait after the last failure once an e-mail has had n
// failures in AccountWindow.
func AccountDelay(n int) time.Duration {
	if n < AccountFree {
		return 0
	}
	return min(time.Second<<min(n-AccountFree+1, 20), AccountMaxDelay)
}

func pairKey(email, client string) string { return "pair:" + client + "|" + email }
func accountKey(email string) string      { return "account:" + email }
func clientKey(client string) string      { return "client:" + client }

// failureTimes returns the newest failures of key since the time given,
// newest first, at most limit of them.
func (s *Store) failureTimes(ctx context.Context, key string, since time.Time, limit int) ([]time.Time, error) {
	var ts []time.Time
	err := s.conn(ctx).Table("login_failures").Where("key = ? AND at > ?", key, since).
		Order("at DESC").Limit(limit).Pluck("at", &ts).Error
	return ts, err
}

// checkSignIn refuses an attempt that throttling does not allow yet.
func (s *Store) checkSignIn(ctx context.Context, email, client string) error {
	now := s.nowUTC()
	pair, err := s.failureTimes(ctx, pairKey(email, client), now.Add(-PairWindow), PairLimit)
	if err != nil {
		return err
	}
	if len(pair) >= PairLimit {
		return &models.ThrottledError{Reason: models.ThrottleLocked, RetryAfter: pair[PairLimit-1].Add(PairWindow).Sub(now), Failures: len(pair)}
	}
	acct, err := s.failureTimes(ctx, accountKey(email), now.Add(-AccountWindow), 64)
	if err != nil {
		return err
	}
	if d := AccountDelay(len(acct)); d > 0 && now.Before(acct[0].Add(d)) {
		return &models.ThrottledError{Reason: models.ThrottleSlowed, RetryAfter: acct[0].Add(d).Sub(now), Failures: len(acct)}
	}
	cl, err := s.failureTimes(ctx, clientKey(client), now.Add(-PairWindow), ClientLimit)
	if err != nil {
		return err
	}
	if len(cl) >= ClientLimit {
		return &models.ThrottledError{Reason: models.ThrottleClient, RetryAfter: cl[ClientLimit-1].Add(PairWindow).Sub(now), Failures: len(cl)}
	}
	return nil
}

// recordSignInFailure counts a failure on all three counters, forgets
// failures too old to matter, and tells how many more this client may
// make for this e-mail before it is locked.
func (s *Store) recordSignInFailure(ctx context.Context, email, client string) (*models.SignInFailure, error) {
	now := s.nowUTC()
	db := s.conn(ctx)
	for _, k := range []string{pairKey(email, client), accountKey(email), clientKey(client)} {
		if err := db.Exec(`INSERT INTO login_failures (key, at) VALUES (?, ?)`, k, now).Error; err != nil {
			return nil, err
		}
	}
	if err := db.Exec(`DELETE FROM login_failures WHERE at < ?`, now.Add(-AccountWindow)).Error; err != nil {
		return nil, err
	}
	pair, err := s.failureTimes(ctx, pairKey(email, client), now.Add(-PairWindow), PairLimit)
	if err != nil {
		return nil, err
	}
	return &models.SignInFailure{Left: max(PairLimit-len(pair), 0)}, nil
}

// clearSignInFailures forgets this client's failures for this e-mail.
func (s *Store) clearSignInFailures(ctx context.Context, email, client string) error {
	return s.conn(ctx).Exec(`DELETE FROM login_failures WHERE key = ?`, pairKey(email, client)).Error
}

package handlers

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

// The sign-in page's words for throttling (store/throttle.go). They speak
// of "this e-mail", never of "your account": the same words come for an
// e-mail that has no account, so the page never tells whether one exists.

// signInNotice explains a refused attempt and sets Retry-After.
func signInNotice(c echo.Context, t *models.ThrottledError) *views.SignInNotice {
	secs := int(math.Ceil(t.RetryAfter.Seconds()))
	c.Response().Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	when := "Try again in " + roughly(t.RetryAfter) + "."
	switch t.Reason {
	case models.ThrottleLocked:
		return &views.SignInNotice{Title: "Sign-in paused on this device",
			Why:    fmt.Sprintf("There were %d failed sign-ins for this e-mail from this device in the last %s, so it is paused here.", t.Failures, roughly(store.PairWindow)),
			When:   when,
			Detail: "Sign-in from other devices is not paused. If you have forgotten your password, ask an administrator to reset it."}
	case models.ThrottleSlowed:
		return &views.SignInNotice{Title: "Sign-in slowed for this e-mail",
			Why:    fmt.Sprintf("There were %d failed sign-ins for this e-mail in the last hour, from one or more places, so each attempt now has to wait a little longer.", t.Failures),
			When:   when,
			Detail: fmt.Sprintf("The wait doubles with each failure, up to %s, and stops within an hour of the last failure. If these attempts were not yours, tell an administrator.", roughly(store.AccountMaxDelay))}
	}
	return &views.SignInNotice{Title: "Sign-in paused for your network",
		Why:    fmt.Sprintf("There were %d failed sign-ins from your network address in the last %s.", t.Failures, roughly(store.PairWindow)),
		When:   when,
		Detail: "If many people share this address, ask an administrator to set CLAIMDESK_TRUSTED_PROXIES."}
}

// signInFailure is the message for a wrong e-mail or password, with a
// warning when the device is about to be paused for this e-mail.
func signInFailure(err error) string {
	msg := "Wrong e-mail or password, or the account is deactivated."
	var f *models.SignInFailure
	if !errors.As(err, &f) {
		return msg
	}
	switch {
	case f.Left == 0:
		return msg + fmt.Sprintf(" Sign-in for this e-mail is now paused on this device for %s.", roughly(store.PairWindow))
	case f.Left <= 2:
		return msg + fmt.Sprintf(" %d more failed %s and sign-in for this e-mail will be paused on this device for %s.", f.Left, plural(f.Left, "attempt", "attempts"), roughly(store.PairWindow))
	}
	return msg
}

// roughly says a duration as a person would: "40 seconds", "4 minutes".
func roughly(d time.Duration) string {
	if d < time.Minute {
		s := max(int(math.Ceil(d.Seconds())), 1)
		return fmt.Sprintf("%d %s", s, plural(s, "second", "seconds"))
	}
	m := int(math.Ceil(d.Minutes()))
	return fmt.Sprintf("%d %s", m, plural(m, "minute", "minutes"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

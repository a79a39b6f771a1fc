// Package views holds the server-rendered pages: templ components and the
// typed view models they take.
package views

import (
	"context"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Chrome is what every page's frame needs about the request: who is signed
// in, the CSRF token for forms, asset URLs and the current path. Handlers
// put it in the request context once, in middleware.
type Chrome struct {
	User  *models.User
	CSRF  string
	Asset func(name string) string
	Path  string
}

type ctxKey int

const chromeKey ctxKey = iota

// WithChrome returns ctx carrying c.
func WithChrome(ctx context.Context, c Chrome) context.Context {
	return context.WithValue(ctx, chromeKey, c)
}

func chrome(ctx context.Context) Chrome {
	c, _ := ctx.Value(chromeKey).(Chrome)
	if c.Asset == nil {
		c.Asset = func(name string) string { return "/static/" + name }
	}
	return c
}

func csrfToken(ctx context.Context) string { return chrome(ctx).CSRF }

func currentUser(ctx context.Context) *models.User { return chrome(ctx).User }

func can(ctx context.Context, a models.Action) bool {
	u := currentUser(ctx)
	return u != nil && u.Can(a)
}

func asset(ctx context.Context, name string) string { return chrome(ctx).Asset(name) }

func navCurrent(ctx context.Context, prefix string) string {
	p := chrome(ctx).Path
	if p == prefix || len(p) > len(prefix) && p[:len(prefix)] == prefix && p[len(prefix)] == '/' {
		return "page"
	}
	return ""
}

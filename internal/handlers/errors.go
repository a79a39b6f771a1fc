package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/views"
)

// apiError is the body of every JSON error.
type apiError struct {
	Error       string              `json:"error"`
	Fields      map[string]string   `json:"fields,omitempty"`
	Occurrences []models.Occurrence `json:"occurrences,omitempty"`
	Current     any                 `json:"current,omitempty"`
}

// handleError is the one place errors become responses: JSON for the API
// and for scripts that ask for it, a page for browsers. Internal details
// are logged, never shown.
func (h *handler) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, body := h.classify(err)
	if status >= 500 {
		h.log.ErrorContext(c.Request().Context(), "request failed",
			"method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if status == http.StatusUnauthorized && wantsJSON(c) {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="claimdesk"`)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if wantsJSON(c) {
		_ = c.JSON(status, body)
		return
	}
	if status == http.StatusUnauthorized {
		next := c.Request().URL.RequestURI()
		_ = c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
		return
	}
	title := http.StatusText(status)
	msg := body.Error
	if len(body.Fields) > 0 {
		var parts []string
		for _, m := range body.Fields {
			parts = append(parts, m)
		}
		msg = strings.Join(parts, " ")
	}
	if c.Get("csrf") == nil && h.assets != nil { // answered before loadSession (unknown route, body too large): give the page its stylesheet and script
		c.SetRequest(c.Request().WithContext(views.WithChrome(c.Request().Context(), views.Chrome{Asset: h.assets.URL, Path: c.Request().URL.Path})))
	}
	if rerr := render(c, status, views.ErrorPage(status, title, msg)); rerr != nil {
		h.log.Error("render error page", "err", rerr)
		_ = c.String(status, msg)
	}
}

func (h *handler) classify(err error) (int, apiError) {
	var (
		he   *echo.HTTPError
		verr models.ValidationError
		amb  *models.AmbiguousError
		conf *models.ConflictError
		bad  *badRequest
	)
	switch {
	case errors.As(err, &bad):
		return http.StatusBadRequest, apiError{Error: bad.msg, Fields: bad.fields}
	case errors.As(err, &verr):
		msg := "Some fields need attention."
		if m, ok := verr[""]; ok {
			msg = m
		}
		return http.StatusUnprocessableEntity, apiError{Error: msg, Fields: withoutGeneral(verr)}
	case errors.As(err, &amb):
		return http.StatusUnprocessableEntity, apiError{Error: amb.Error() + ": add a prefix or suffix, or give start and end.", Fields: map[string]string{"quote": "This text occurs more than once."}, Occurrences: amb.Occurrences}
	case errors.As(err, &conf):
		return http.StatusConflict, apiError{Error: conf.Message, Current: conflictCurrent(conf.Current)}
	case errors.Is(err, models.ErrConflict):
		return http.StatusConflict, apiError{Error: "That conflicts with a change someone else made."}
	case errors.Is(err, models.ErrNotFound):
		return http.StatusNotFound, apiError{Error: "We could not find that."}
	case errors.Is(err, models.ErrUnauthenticated):
		return http.StatusUnauthorized, apiError{Error: "Sign in, or send a valid API token as 'Authorization: Bearer TOKEN'."}
	case errors.Is(err, models.ErrForbidden):
		return http.StatusForbidden, apiError{Error: "Your role does not allow that."}
	case errors.Is(err, models.ErrInvalidTransition):
		return http.StatusUnprocessableEntity, apiError{Error: strings.TrimPrefix(err.Error(), models.ErrInvalidTransition.Error()+": "), Fields: map[string]string{"state": err.Error()}}
	case errors.Is(err, models.ErrTooManyAttempts):
		return http.StatusTooManyRequests, apiError{Error: "Too many failed sign-in attempts. Wait a few minutes and try again."}
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, apiError{Error: "That took too long. Try again."}
	case errors.As(err, &he):
		msg := http.StatusText(he.Code)
		switch he.Code {
		case http.StatusNotFound:
			msg = "We could not find that."
		case http.StatusRequestEntityTooLarge:
			msg = "That is too large: requests are limited to 6 MB, and articles to 5 MB."
			if s, ok := he.Message.(string); ok && s != http.StatusText(he.Code) {
				msg = s
			}
		case http.StatusUnsupportedMediaType:
			if s, ok := he.Message.(string); ok {
				msg = s
			}
		case http.StatusMethodNotAllowed:
			msg = "That method is not allowed here."
		case http.StatusForbidden:
			if s, ok := he.Message.(string); ok {
				msg = s
			}
		}
		return he.Code, apiError{Error: msg}
	}
	return http.StatusInternalServerError, apiError{Error: "Something went wrong on our side. It has been logged."}
}

func withoutGeneral(v models.ValidationError) map[string]string {
	out := make(map[string]string, len(v))
	for k, m := range v {
		if k != "" {
			out[k] = m
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func conflictCurrent(cur any) any {
	switch c := cur.(type) {
	case models.Claim:
		return map[string]any{"id": c.ID, "version": c.Version, "updated_at": c.UpdatedAt}
	case models.Verdict:
		return scaleLabelJSON{toVerdictJSON(c), c.Version}
	case models.Article: // a stale text: the revision now
		return map[string]any{"id": c.ID, "revision": c.Revision, "updated_at": c.UpdatedAt}
	}
	return nil
}

// badRequest is malformed input (not JSON, wrong types, unknown fields): 400.
type badRequest struct {
	msg    string
	fields map[string]string
}

func (b *badRequest) Error() string { return "bad request: " + b.msg }

func wantsJSON(c echo.Context) bool {
	r := c.Request()
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get("Accept"), "application/json")
}

// render writes a component into a buffer first, so a failure never sends half a page.
func render(c echo.Context, status int, page templ.Component) error {
	var buf bytes.Buffer
	if err := page.Render(c.Request().Context(), &buf); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

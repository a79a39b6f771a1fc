package handlers

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/ingest"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

const (
	sessionCookie = "claimdesk_session"
	csrfCookie    = "claimdesk_csrf" // before sign-in only; signed-in forms use the session's token
	userKey       = "claimdesk.user"
)

// loadSession finds the signed-in user, if any, and prepares the page
// chrome (user, CSRF token, asset URLs) in the request context.
func (h *handler) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		ch := views.Chrome{Asset: h.assets.URL, Path: c.Request().URL.Path}
		if ck, err := c.Cookie(sessionCookie); err == nil {
			u, sess, err := h.store.SessionUser(ctx, ck.Value)
			switch {
			case err == nil:
				ch.User, ch.CSRF = &u, sess.CSRFToken
				c.Set(userKey, u)
				keepPrivate(c) // everything a signed-in user sees may be private: see privacy.go
			case !errors.Is(err, models.ErrUnauthenticated):
				return err
			}
		}
		if ch.User == nil {
			ch.CSRF = h.preSessionToken(c)
		}
		c.Set("csrf", ch.CSRF)
		c.SetRequest(c.Request().WithContext(views.WithChrome(ctx, ch)))
		return next(c)
	}
}

func (h *handler) preSessionToken(c echo.Context) string {
	if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) >= 32 && len(ck.Value) <= 64 {
		return ck.Value
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	c.SetCookie(&http.Cookie{Name: csrfCookie, Value: tok, Path: "/", HttpOnly: true, Secure: h.secureCookies, SameSite: http.SameSiteLaxMode})
	return tok
}

// csrf refuses any state-changing page request whose token does not match
// the session's (or, before sign-in, the CSRF cookie's), or that comes
// from another origin.
func (h *handler) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		want, _ := c.Get("csrf").(string)
		got := c.Request().Header.Get("X-CSRF-Token")
		if got == "" {
			got = c.FormValue("_csrf")
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 || crossOrigin(c.Request()) {
			return echo.NewHTTPError(http.StatusForbidden, "This form has expired or came from another site. Reload the page and try again.")
		}
		return next(c)
	}
}

func crossOrigin(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return true
	}
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return origin == "null"
	}
	u, err := url.Parse(origin)
	return err != nil || !strings.EqualFold(u.Host, r.Host)
}

func (h *handler) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := c.Get(userKey).(models.User); !ok {
			return models.ErrUnauthenticated
		}
		return next(c)
	}
}

// requireToken authenticates API requests by bearer token.
func (h *handler) requireToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		auth := c.Request().Header.Get(echo.HeaderAuthorization)
		tok, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok {
			return models.ErrUnauthenticated
		}
		u, err := h.store.TokenUser(c.Request().Context(), strings.TrimSpace(tok))
		if err != nil {
			return err
		}
		c.Set(userKey, u)
		return next(c)
	}
}

// user returns the authenticated user.
func user(c echo.Context) models.User {
	u, _ := c.Get(userKey).(models.User)
	return u
}

func actor(c echo.Context) store.Actor { return store.ActorOf(user(c)) }

// must returns ErrForbidden unless the user's role allows a.
func must(c echo.Context, a models.Action) error {
	if !user(c).Can(a) {
		return models.ErrForbidden
	}
	return nil
}

func (h *handler) home(c echo.Context) error {
	if _, ok := c.Get(userKey).(models.User); ok {
		return c.Redirect(http.StatusSeeOther, "/articles")
	}
	n, err := h.store.CountUsers(c.Request().Context())
	if err != nil {
		return err
	}
	if n == 0 {
		return c.Redirect(http.StatusSeeOther, "/setup")
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}

func (h *handler) setupForm(c echo.Context) error {
	n, err := h.store.CountUsers(c.Request().Context())
	if err != nil {
		return err
	}
	if n > 0 {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	return render(c, http.StatusOK, views.SetupPage(views.UserForm{}))
}

func (h *handler) setup(c echo.Context) error {
	f := views.UserForm{Email: c.FormValue("email"), Name: c.FormValue("name")}
	u, err := h.store.CreateFirstAdmin(c.Request().Context(), models.NewUser{Email: f.Email, Name: f.Name, Password: c.FormValue("password")})
	var verr models.ValidationError
	if errors.As(err, &verr) {
		f.Errors = verr
		return render(c, http.StatusUnprocessableEntity, views.SetupPage(f))
	}
	if err != nil {
		return err
	}
	return h.signIn(c, u, "/setup/newsroom") // then who publishes: newsroom.go
}

func (h *handler) loginForm(c echo.Context) error {
	if _, ok := c.Get(userKey).(models.User); ok {
		return c.Redirect(http.StatusSeeOther, "/articles")
	}
	n, err := h.store.CountUsers(c.Request().Context())
	if err != nil {
		return err
	}
	if n == 0 {
		return c.Redirect(http.StatusSeeOther, "/setup")
	}
	return render(c, http.StatusOK, views.LoginPage(views.LoginForm{Next: localPath(c.QueryParam("next"))}))
}

func (h *handler) login(c echo.Context) error {
	f := views.LoginForm{Email: c.FormValue("email"), Next: localPath(c.FormValue("next"))}
	u, err := h.store.Authenticate(c.Request().Context(), f.Email, c.FormValue("password"), c.RealIP())
	var throttled *models.ThrottledError
	switch {
	case errors.As(err, &throttled): // signin_throttle.go
		f.Notice = signInNotice(c, throttled)
		return render(c, http.StatusTooManyRequests, views.LoginPage(f))
	case errors.Is(err, models.ErrUnauthenticated):
		f.Errors = models.ValidationError{"": signInFailure(err)}
		return render(c, http.StatusUnauthorized, views.LoginPage(f))
	case err != nil:
		return err
	}
	return h.signIn(c, u, f.Next)
}

// signIn starts a fresh session (ending any previous one on this browser).
func (h *handler) signIn(c echo.Context, u models.User, next string) error {
	ctx := c.Request().Context()
	if ck, err := c.Cookie(sessionCookie); err == nil {
		_ = h.store.DeleteSession(ctx, ck.Value)
	}
	tok, sess, err := h.store.CreateSession(ctx, u)
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: tok, Path: "/", HttpOnly: true, Secure: h.secureCookies,
		SameSite: http.SameSiteLaxMode, Expires: sess.ExpiresAt})
	if next == "" {
		next = "/articles"
	}
	return c.Redirect(http.StatusSeeOther, next)
}

func (h *handler) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if err := h.store.DeleteSession(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: h.secureCookies, SameSite: http.SameSiteLaxMode})
	return c.Redirect(http.StatusSeeOther, "/login")
}

func (h *handler) account(c echo.Context) error {
	return h.renderAccount(c, http.StatusOK, "", nil)
}

func (h *handler) renderAccount(c echo.Context, status int, newToken string, errs models.ValidationError) error {
	u := user(c)
	toks, err := h.store.Tokens(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	return render(c, status, views.AccountPage(views.AccountView{User: u, Tokens: toks, NewToken: newToken, Errors: errs, Account: h.accountExtras(c)}))
}

func (h *handler) createToken(c echo.Context) error {
	u := user(c)
	plain, _, err := h.store.CreateToken(c.Request().Context(), actor(c), u.ID, c.FormValue("label"), 0)
	var verr models.ValidationError
	if errors.As(err, &verr) {
		return h.renderAccount(c, http.StatusUnprocessableEntity, "", verr)
	}
	if err != nil {
		return err
	}
	return h.renderAccount(c, http.StatusCreated, plain, nil)
}

func (h *handler) revokeToken(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.store.RevokeToken(c.Request().Context(), actor(c), user(c).ID, id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account")
}

func (h *handler) settings(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	s, err := h.store.Settings(c.Request().Context())
	if err != nil {
		return err
	}
	flash := ""
	if c.QueryParam("saved") != "" {
		flash = "Settings saved."
	}
	head, ok, err := h.store.HistoryHead(c.Request().Context())
	if err != nil {
		return err
	}
	v := views.SettingsView{Settings: s, Flash: flash}
	if ok {
		v.Head = head.String()
	}
	return render(c, http.StatusOK, views.SettingsPage(v))
}

func (h *handler) saveSettings(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	in, errs := newsroomInput(c)
	in["required_approvals"] = strings.TrimSpace(c.FormValue("required_approvals"))
	in["private_networks"] = strings.TrimSpace(c.FormValue("private_networks"))
	if nets, err := ingest.ParseNetworks(in["private_networks"]); err != nil {
		errs.Add("private_networks", "List networks as CIDR ranges or addresses, separated by commas: "+err.Error()+".")
	} else {
		in["private_networks"] = ingest.FormatNetworks(nets)
	}
	if n, err := strconv.Atoi(in["required_approvals"]); err != nil || n < 1 || n > 5 {
		errs.Add("required_approvals", "Enter a number from 1 to 5.")
	}
	if len(errs) > 0 {
		return render(c, http.StatusUnprocessableEntity, views.SettingsPage(views.SettingsView{Settings: in, Errors: errs}))
	}
	if err := h.store.SetSettings(c.Request().Context(), actor(c), in); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/settings?saved=1")
}

func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.ErrNotFound
	}
	return id, nil
}

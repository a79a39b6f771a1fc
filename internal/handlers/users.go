package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/mail"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

// Admin user management: invites, reset links, roles, deactivation, and
// the e-mail outbox's state (routes in accountRoutes).

var userFlashes = map[string]string{
	"1":           "Saved.",
	"deactivated": "Deactivated: the user is signed out everywhere and their API tokens stop working.",
	"reactivated": "Reactivated.",
	"mailed":      "Done: the link is on its way by e-mail.",
	"retried":     "Failed mail will be tried again now.",
	"test":        "A test mail to you is queued: it should arrive within a minute, and a failure shows below.",
}

func (h *handler) users(c echo.Context) error {
	return h.renderUsers(c, http.StatusOK, views.UserForm{Role: string(models.RoleEditor)}, userFlashes[c.QueryParam("saved")], nil)
}

func (h *handler) renderUsers(c echo.Context, status int, f views.UserForm, flash string, granted *views.GrantedLink) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	noStore(c)
	ctx := c.Request().Context()
	us, err := h.store.Users(ctx)
	if err != nil {
		return err
	}
	pending, err := h.store.PendingLinks(ctx)
	if err != nil {
		return err
	}
	v := views.UsersView{Users: us, Pending: pending, Form: f, Flash: flash, Granted: granted, MailEnabled: h.mail.Enabled()}
	if v.MailEnabled {
		sum, err := h.store.MailStatus(ctx)
		if err != nil {
			return err
		}
		v.Mail = views.MailStatus{Describe: h.mail.Describe(), Queued: sum.Queued, Failed: sum.Failed, SentLastDay: sum.SentLastDay}
		for _, m := range sum.RecentFailures {
			v.Mail.Failures = append(v.Mail.Failures, views.MailFailure{To: m.ToAddr, Subject: m.Subject, Error: m.LastError, Attempts: m.Attempts, Failed: m.FailedAt != nil, Next: m.NextAttemptAt})
		}
	}
	return render(c, status, views.UsersPage(v))
}

// linkMail is the mail for a new link, or nil when it is to be shown.
func (h *handler) linkMail(ctx context.Context, actor models.User, u models.User, purpose string, send bool) *models.OutgoingMail {
	if !send || !h.mail.Enabled() {
		return nil
	}
	newsroom := "Claimdesk"
	if s, err := h.store.Settings(ctx); err == nil && s["newsroom_name"] != "" {
		newsroom = s["newsroom_name"]
	}
	m := mail.Reset(newsroom, actor.Name, u)
	if purpose == models.LinkInvite {
		m = mail.Invite(newsroom, actor.Name, u)
	}
	return &m
}

func (h *handler) linkURL(token string) string { return h.baseURL + "/account/link/" + token }

func (h *handler) inviteUser(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	ctx := c.Request().Context()
	f := views.UserForm{Email: c.FormValue("email"), Name: c.FormValue("name"), Role: c.FormValue("role")}
	n := models.NewUser{Email: f.Email, Name: f.Name, Role: f.Role}
	send := c.FormValue("send_email") == "true"
	profile := models.User{Name: f.Name, Email: models.NormalizeEmail(f.Email)}
	if r, err := models.ParseRole(f.Role); err == nil {
		profile.Role = r
	}
	g, err := h.store.InviteUser(ctx, actor(c), n, h.linkMail(ctx, user(c), profile, models.LinkInvite, send))
	var verr models.ValidationError
	if errors.As(err, &verr) {
		f.Errors = verr
		return h.renderUsers(c, http.StatusUnprocessableEntity, f, "", nil)
	}
	if err != nil {
		return err
	}
	return h.linkGranted(c, g)
}

// linkGranted answers a new link: the users page showing it once (201),
// or, when it was e-mailed, a redirect.
func (h *handler) linkGranted(c echo.Context, g store.LinkGrant) error {
	if g.Mailed {
		h.mail.Wake()
		return c.Redirect(http.StatusSeeOther, "/admin/users?saved=mailed")
	}
	return h.renderUsers(c, http.StatusCreated, views.UserForm{Role: string(models.RoleEditor)}, "",
		&views.GrantedLink{User: g.User, Purpose: g.Purpose, URL: h.linkURL(g.Token), Expires: g.ExpiresAt})
}

func (h *handler) grantLink(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := h.store.User(ctx, id)
	if err != nil {
		return err
	}
	purpose := models.LinkReset
	if !u.HasPassword() {
		purpose = models.LinkInvite
	}
	g, err := h.store.GrantLink(ctx, actor(c), id, h.linkMail(ctx, user(c), u, purpose, c.FormValue("send_email") == "true"))
	var verr models.ValidationError
	if errors.As(err, &verr) {
		return h.renderUsers(c, http.StatusUnprocessableEntity, views.UserForm{Role: string(models.RoleEditor), Errors: verr}, "", nil)
	}
	if err != nil {
		return err
	}
	return h.linkGranted(c, g)
}

func (h *handler) updateUserRole(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	role := c.FormValue("role-" + strconv.FormatInt(id, 10))
	if role == "" {
		role = c.FormValue("role")
	}
	if _, err := h.store.UpdateUser(c.Request().Context(), actor(c), id, store.UserUpdate{Role: &role}); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users?saved=1")
}

func (h *handler) deactivateUser(c echo.Context) error { return h.setActive(c, false) }
func (h *handler) reactivateUser(c echo.Context) error { return h.setActive(c, true) }

func (h *handler) setActive(c echo.Context, active bool) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = h.store.UpdateUser(c.Request().Context(), actor(c), id, store.UserUpdate{Active: &active})
	var verr models.ValidationError
	if errors.As(err, &verr) {
		return h.renderUsers(c, http.StatusUnprocessableEntity, views.UserForm{Role: string(models.RoleEditor), Errors: verr}, "", nil)
	}
	if err != nil {
		return err
	}
	flash := "deactivated"
	if active {
		flash = "reactivated"
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users?saved="+flash)
}

func (h *handler) retryMail(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	if _, err := h.store.RetryFailedMail(c.Request().Context()); err != nil {
		return err
	}
	h.mail.Wake()
	return c.Redirect(http.StatusSeeOther, "/admin/users?saved=retried#mail")
}

// testMail queues a mail to the admin, to check the SMTP settings.
func (h *handler) testMail(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	if !h.mail.Enabled() {
		return models.Invalid("", "E-mail is off: set CLAIMDESK_SMTP_URL first.")
	}
	u := user(c)
	err := h.store.QueueMail(c.Request().Context(), models.OutgoingMail{Kind: "test", UserID: u.ID, To: u.Email, Subject: "Claimdesk test mail",
		Body: "Hello " + u.Name + ",\n\nThis is the test mail you asked for on " + h.baseURL + "/admin/users: Claimdesk can send e-mail through " + h.mail.Describe() + ".\n"})
	if err != nil {
		return err
	}
	h.mail.Wake()
	return c.Redirect(http.StatusSeeOther, "/admin/users?saved=test#mail")
}

// --- API (admin) ---

type linkJSON struct {
	Purpose   string `json:"purpose"`
	URL       string `json:"url,omitempty"`
	ExpiresAt string `json:"expires_at"`
	Mailed    bool   `json:"mailed"`
}

func (h *handler) grantJSON(g store.LinkGrant) map[string]any {
	l := linkJSON{Purpose: g.Purpose, ExpiresAt: g.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"), Mailed: g.Mailed}
	if g.Mailed {
		h.mail.Wake()
	} else {
		l.URL = h.linkURL(g.Token)
	}
	return map[string]any{"user": toAccountJSON(g.User), "link": l}
}

func (h *handler) apiUsers(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	us, err := h.store.Users(c.Request().Context())
	if err != nil {
		return err
	}
	noStore(c)
	return jsonItems(c, us, toAccountJSON)
}

func (h *handler) apiInviteUser(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	var in struct {
		Email     string `json:"email"`
		Name      string `json:"name"`
		Role      string `json:"role"`
		SendEmail bool   `json:"send_email"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	profile := models.User{Name: in.Name, Email: models.NormalizeEmail(in.Email)}
	if r, err := models.ParseRole(in.Role); err == nil {
		profile.Role = r
	}
	g, err := h.store.InviteUser(ctx, actor(c), models.NewUser{Email: in.Email, Name: in.Name, Role: in.Role}, h.linkMail(ctx, user(c), profile, models.LinkInvite, in.SendEmail))
	if err != nil {
		return err
	}
	noStore(c)
	return c.JSON(http.StatusCreated, h.grantJSON(g))
}

func (h *handler) apiGrantLink(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in struct {
		SendEmail bool `json:"send_email"`
	}
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	ctx := c.Request().Context()
	u, err := h.store.User(ctx, id)
	if err != nil {
		return err
	}
	purpose := models.LinkReset
	if !u.HasPassword() {
		purpose = models.LinkInvite
	}
	g, err := h.store.GrantLink(ctx, actor(c), id, h.linkMail(ctx, user(c), u, purpose, in.SendEmail))
	if err != nil {
		return err
	}
	noStore(c)
	return c.JSON(http.StatusCreated, h.grantJSON(g))
}

func (h *handler) apiUpdateUser(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in struct {
		Name   *string `json:"name"`
		Role   *string `json:"role"`
		Active *bool   `json:"active"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Name == nil && in.Role == nil && in.Active == nil {
		return &badRequest{msg: "Send at least one of name, role, active."}
	}
	u, err := h.store.UpdateUser(c.Request().Context(), actor(c), id, store.UserUpdate{Name: in.Name, Role: in.Role, Active: in.Active})
	if err != nil {
		return err
	}
	noStore(c)
	return c.JSON(http.StatusOK, toAccountJSON(u))
}

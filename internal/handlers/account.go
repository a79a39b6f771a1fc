package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/views"
)

// Passwords, one-time links, invites and e-mail settings (issue 15,
// account features 1–3). Admin user management is in users.go.
func (h *handler) accountRoutes(pages, signedIn, api *echo.Group) {
	pages.GET("/account/link/:token", h.linkForm)
	pages.POST("/account/link/:token", h.useLink)
	signedIn.POST("/account/password", h.changePassword)
	signedIn.POST("/account/notifications", h.saveNotifications)
	signedIn.GET("/admin/users", h.users)
	signedIn.POST("/admin/users", h.inviteUser)
	signedIn.POST("/admin/users/:id", h.updateUserRole)
	signedIn.POST("/admin/users/:id/link", h.grantLink)
	signedIn.POST("/admin/users/:id/deactivate", h.deactivateUser)
	signedIn.POST("/admin/users/:id/reactivate", h.reactivateUser)
	signedIn.POST("/admin/mail/retry", h.retryMail)
	signedIn.POST("/admin/mail/test", h.testMail)
	api.GET("/account", h.apiAccount)
	api.PATCH("/account", h.apiUpdateAccount)
	api.POST("/account/password", h.apiChangePassword)
	api.GET("/users", h.apiUsers)
	api.POST("/users", h.apiInviteUser)
	api.PATCH("/users/:id", h.apiUpdateUser)
	api.POST("/users/:id/link", h.apiGrantLink)
}

// noStore marks a response that shows a secret or private data: no cache
// may keep it.
func noStore(c echo.Context) {
	c.Response().Header().Set("Cache-Control", "private, no-store")
}

const (
	flashPassword      = "password"
	flashNotifications = "notifications"
)

func (h *handler) accountExtras(c echo.Context) views.AccountExtras {
	noStore(c)
	x := views.AccountExtras{MailEnabled: h.mail.Enabled()}
	switch c.QueryParam("saved") {
	case flashPassword:
		x.Flash = "Password changed. You were signed out on every other browser; your API tokens still work (revoke any you no longer trust below)."
	case flashNotifications:
		x.Flash = "Notification setting saved."
	}
	return x
}

func (h *handler) changePassword(c echo.Context) error {
	u := user(c)
	password := c.FormValue("password")
	var errs models.ValidationError
	if password != c.FormValue("password_confirm") {
		errs = models.ValidationError{"password_confirm": "The two new passwords differ. Type the same password twice."}
	} else {
		keep := ""
		if ck, err := c.Cookie(sessionCookie); err == nil {
			keep = ck.Value
		}
		err := h.store.ChangePassword(c.Request().Context(), u.ID, c.FormValue("current_password"), password, keep)
		if !errors.As(err, &errs) && err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return h.renderAccount(c, http.StatusUnprocessableEntity, "", errs)
	}
	return c.Redirect(http.StatusSeeOther, "/account?saved="+flashPassword+"#change-password")
}

func (h *handler) saveNotifications(c echo.Context) error {
	on := c.FormValue("email_notifications") == "true"
	if err := h.store.SetEmailNotifications(c.Request().Context(), user(c).ID, on); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account?saved="+flashNotifications+"#email-notifications")
}

// linkForm shows the page a one-time link opens.
func (h *handler) linkForm(c echo.Context) error {
	noStore(c)
	c.Response().Header().Set("Referrer-Policy", "same-origin") // no-referrer would make the form post Origin: null
	l, u, err := h.store.Link(c.Request().Context(), c.Param("token"))
	if err != nil {
		return h.linkProblem(c, err)
	}
	return render(c, http.StatusOK, views.LinkPage(views.LinkView{User: u, Purpose: l.Purpose, Token: c.Param("token"), Expires: l.ExpiresAt}))
}

// useLink sets the password through a one-time link and signs the user in.
func (h *handler) useLink(c echo.Context) error {
	noStore(c)
	c.Response().Header().Set("Referrer-Policy", "same-origin") // no-referrer would make the form post Origin: null
	ctx := c.Request().Context()
	token := c.Param("token")
	l, u, err := h.store.Link(ctx, token)
	if err != nil {
		return h.linkProblem(c, err)
	}
	v := views.LinkView{User: u, Purpose: l.Purpose, Token: token, Expires: l.ExpiresAt}
	password := c.FormValue("password")
	if password != c.FormValue("password_confirm") {
		v.Errors = models.ValidationError{"password_confirm": "The two passwords differ. Type the same password twice."}
		return render(c, http.StatusUnprocessableEntity, views.LinkPage(v))
	}
	u, err = h.store.UseLink(ctx, token, password)
	if errors.As(err, &v.Errors) {
		return render(c, http.StatusUnprocessableEntity, views.LinkPage(v))
	}
	if err != nil {
		return h.linkProblem(c, err)
	}
	return h.signIn(c, u, "/articles")
}

// linkProblem answers a link that cannot be used: 404 for one that does
// not exist, 410 for one used or expired, each saying what to do.
func (h *handler) linkProblem(c echo.Context, err error) error {
	status := http.StatusGone
	switch {
	case errors.Is(err, models.ErrLinkUnknown):
		status = http.StatusNotFound
	case errors.Is(err, models.ErrLinkUsed), errors.Is(err, models.ErrLinkExpired), errors.Is(err, models.ErrLinkAccount):
	default:
		return err
	}
	return render(c, status, views.LinkProblemPage(err.Error()))
}

// --- API: your own account ---

type accountJSON struct {
	ID                 int64      `json:"id"`
	Email              string     `json:"email"`
	Name               string     `json:"name"`
	Role               string     `json:"role"`
	Active             bool       `json:"active"`
	Invited            bool       `json:"invited"`
	EmailNotifications bool       `json:"email_notifications"`
	LastSignInAt       *time.Time `json:"last_sign_in_at"`
	CreatedAt          time.Time  `json:"created_at"`
}

func toAccountJSON(u models.User) accountJSON {
	return accountJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), Active: u.Active, Invited: !u.HasPassword(),
		EmailNotifications: u.EmailNotifications, LastSignInAt: u.LastSignInAt, CreatedAt: u.CreatedAt}
}

func (h *handler) apiAccount(c echo.Context) error {
	noStore(c)
	return c.JSON(http.StatusOK, toAccountJSON(user(c)))
}

func (h *handler) apiUpdateAccount(c echo.Context) error {
	var in struct {
		EmailNotifications *bool `json:"email_notifications"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.EmailNotifications == nil {
		return &badRequest{msg: "Send {\"email_notifications\": true or false}.", fields: map[string]string{"email_notifications": "Required: true or false."}}
	}
	ctx := c.Request().Context()
	if err := h.store.SetEmailNotifications(ctx, user(c).ID, *in.EmailNotifications); err != nil {
		return err
	}
	u, err := h.store.User(ctx, user(c).ID)
	if err != nil {
		return err
	}
	noStore(c)
	return c.JSON(http.StatusOK, toAccountJSON(u))
}

func (h *handler) apiChangePassword(c echo.Context) error {
	var in struct {
		CurrentPassword *string `json:"current_password"`
		Password        *string `json:"password"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	errs := models.ValidationError{}
	if in.CurrentPassword == nil {
		errs.Add("current_password", "Required: your current password.")
	}
	if in.Password == nil {
		errs.Add("password", "Required: the new password.")
	}
	if len(errs) > 0 {
		return &badRequest{msg: "Send {\"current_password\": …, \"password\": …}.", fields: errs}
	}
	if err := h.store.ChangePassword(c.Request().Context(), user(c).ID, *in.CurrentPassword, *in.Password, ""); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

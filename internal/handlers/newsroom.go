package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/views"
)

// The newsroom's identity: its name, public web address and logo, the
// author of every published fact-check. Asked for at first run, right
// after the administrator is created, and editable in Settings.

func (h *handler) newsroomRoutes(pages *echo.Group) {
	pages.GET("/setup/newsroom", h.newsroomSetup)
	pages.POST("/setup/newsroom", h.saveNewsroomSetup)
}

// newsroomInput reads and checks the newsroom fields of a form.
func newsroomInput(c echo.Context) (map[string]string, models.ValidationError) {
	in := map[string]string{
		"newsroom_name":     strings.TrimSpace(c.FormValue("newsroom_name")),
		"newsroom_url":      strings.TrimSpace(c.FormValue("newsroom_url")),
		"newsroom_logo_url": strings.TrimSpace(c.FormValue("newsroom_logo_url")),
	}
	errs := models.ValidationError{}
	if in["newsroom_name"] == "" || len([]rune(in["newsroom_name"])) > 200 {
		errs.Add("newsroom_name", "Enter the newsroom's name (200 characters at most).")
	}
	for _, f := range []string{"newsroom_url", "newsroom_logo_url"} {
		if in[f] == "" {
			continue
		}
		if _, err := models.ParseWebURL(in[f]); err != nil {
			errs.Add(f, err.Error())
		}
	}
	return in, errs
}

func (h *handler) newsroomSetup(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	s, err := h.store.Settings(c.Request().Context())
	if err != nil {
		return err
	}
	if s["newsroom_name"] == views.DefaultNewsroomName {
		s["newsroom_name"] = "" // a placeholder, not a name to keep
	}
	return render(c, http.StatusOK, views.NewsroomSetupPage(s, nil))
}

func (h *handler) saveNewsroomSetup(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	in, errs := newsroomInput(c)
	if len(errs) > 0 {
		return render(c, http.StatusUnprocessableEntity, views.NewsroomSetupPage(in, errs))
	}
	if err := h.store.SetSettings(c.Request().Context(), actor(c), in); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/articles/new")
}

package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

// verdictRoutes registers the verdict scale, which admins edit.
func (h *handler) verdictRoutes(pages, api *echo.Group) {
	pages.GET("/admin/verdicts", h.scale)
	pages.POST("/admin/verdicts", h.addVerdict)
	pages.GET("/admin/verdicts/:id", h.verdictPage)
	pages.POST("/admin/verdicts/:id", h.editVerdict)
	pages.POST("/admin/verdicts/:id/move", h.moveVerdict)
	pages.POST("/admin/verdicts/:id/delete", h.deleteVerdict)
	api.POST("/verdicts", h.apiCreateVerdict)
	api.PATCH("/verdicts/:id", h.apiUpdateVerdict)
	api.DELETE("/verdicts/:id", h.apiDeleteVerdict)
}

func verdictInputFromForm(c echo.Context) (store.VerdictInput, views.VerdictForm) {
	f := views.VerdictForm{Label: c.FormValue("label"), Value: c.FormValue("value"), Colour: c.FormValue("colour"),
		Description: textareaValue(c, "description"), NotCheckable: c.FormValue("not_checkable") == "true"}
	return store.VerdictInput{Label: f.Label, Value: f.Value, Colour: f.Colour, Description: f.Description, NotCheckable: f.NotCheckable}, f
}

func (h *handler) scale(c echo.Context) error {
	flash := ""
	switch {
	case c.QueryParam("saved") != "":
		flash = "The scale was saved."
	case c.QueryParam("deleted") != "":
		flash = "The label was deleted."
		if n, _ := strconv.Atoi(c.QueryParam("moved")); n > 0 {
			flash = fmt.Sprintf("The label was deleted; %d claims were moved.", n)
		}
	}
	return h.renderScale(c, http.StatusOK, views.ScaleView{Flash: flash})
}

func (h *handler) renderScale(c echo.Context, status int, v views.ScaleView) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	ctx := c.Request().Context()
	scale, err := h.store.Verdicts(ctx)
	if err != nil {
		return err
	}
	used, err := h.store.VerdictUsage(ctx)
	if err != nil {
		return err
	}
	for _, s := range scale {
		v.Items = append(v.Items, views.ScaleItem{Verdict: s, Used: used[s.ID]})
	}
	if v.New.Colour == "" && len(v.New.Errors) == 0 {
		v.New.Colour = "#57606a"
	}
	return render(c, status, views.ScalePage(v))
}

func (h *handler) addVerdict(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	in, f := verdictInputFromForm(c)
	vd, err := h.store.CreateVerdict(c.Request().Context(), actor(c), in)
	var verr models.ValidationError
	switch {
	case errors.As(err, &verr):
		f.Errors = verr
		return h.renderScale(c, http.StatusUnprocessableEntity, views.ScaleView{New: f})
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/verdicts?saved=1#verdict-"+itoa(vd.ID))
}

// verdictPage is one label's page: its edit form and its delete form.
func (h *handler) verdictPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return h.renderVerdict(c, http.StatusOK, id, nil, views.VerdictForm{}, "")
}

// renderVerdict shows a label's page; form, when not nil, replaces the
// stored values in the edit form.
func (h *handler) renderVerdict(c echo.Context, status int, id int64, form *views.VerdictForm, del views.VerdictForm, conflict string) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	ctx := c.Request().Context()
	scale, err := h.store.Verdicts(ctx)
	if err != nil {
		return err
	}
	used, err := h.store.VerdictUsage(ctx)
	if err != nil {
		return err
	}
	v := views.ScaleEditView{Delete: del, Conflict: conflict}
	found := false
	for _, s := range scale {
		if s.ID == id {
			v.Item, found = views.ScaleItem{Verdict: s, Used: used[s.ID]}, true
		} else {
			v.Others = append(v.Others, s)
		}
	}
	if !found {
		return echo.ErrNotFound
	}
	v.Form = views.VerdictFormOf(v.Item.Verdict)
	if form != nil {
		v.Form = *form
	}
	return render(c, status, views.ScaleEditPage(v))
}

func (h *handler) editVerdict(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in, f := verdictInputFromForm(c)
	f.Version, _ = strconv.Atoi(c.FormValue("version"))
	_, err = h.store.UpdateVerdict(c.Request().Context(), actor(c), id, f.Version, in)
	var (
		verr models.ValidationError
		conf *models.ConflictError
	)
	switch {
	case errors.As(err, &verr):
		f.Errors = verr
		return h.renderVerdict(c, http.StatusUnprocessableEntity, id, &f, views.VerdictForm{}, "")
	case errors.As(err, &conf):
		// Keep the admin's values; the form now carries the current version,
		// so saving again applies them over the other change, knowingly.
		msg := conf.Message
		if cur, ok := conf.Current.(models.Verdict); ok {
			f.Version = cur.Version
			msg += fmt.Sprintf(" It is now “%s”, %s, value %s: “%s”. Your values are in the form.", cur.Label, cur.Colour, valueWords(cur.Value), cur.Description)
		}
		return h.renderVerdict(c, http.StatusConflict, id, &f, views.VerdictForm{}, msg)
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/verdicts?saved=1#verdict-"+itoa(id))
}

func valueWords(p *int) string {
	if p == nil {
		return "none"
	}
	return strconv.Itoa(*p)
}

func (h *handler) moveVerdict(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	by, err := strconv.Atoi(c.FormValue("by"))
	if err != nil || (by != -1 && by != 1) {
		return &badRequest{msg: "Move a label up (-1) or down (1).", fields: map[string]string{"by": "Use -1 or 1."}}
	}
	if err := h.store.MoveVerdict(c.Request().Context(), actor(c), id, by); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/verdicts?saved=1#verdict-"+itoa(id))
}

func (h *handler) deleteVerdict(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f := views.VerdictForm{MoveTo: c.FormValue("move_to")}
	var moveTo int64
	if f.MoveTo != "" {
		if moveTo, err = strconv.ParseInt(f.MoveTo, 10, 64); err != nil || moveTo <= 0 {
			f.Errors = models.ValidationError{"move_to": "Choose a label from the list."}
		}
	}
	var moved int
	if len(f.Errors) == 0 {
		moved, err = h.store.DeleteVerdict(c.Request().Context(), actor(c), id, moveTo)
		var verr models.ValidationError
		switch {
		case errors.As(err, &verr):
			f.Errors = verr
		case err != nil:
			return err
		}
	}
	if len(f.Errors) > 0 {
		return h.renderVerdict(c, http.StatusUnprocessableEntity, id, nil, f, "")
	}
	return c.Redirect(http.StatusSeeOther, "/admin/verdicts?deleted=1&moved="+strconv.Itoa(moved))
}

// optInt is a JSON field that may be absent, null or a whole number.
type optInt struct {
	set bool
	v   *int
}

func (o *optInt) UnmarshalJSON(b []byte) error {
	o.set = true
	if string(b) == "null" {
		o.v = nil
		return nil
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	o.v = &n
	return nil
}

type verdictRequest struct {
	Label        *string `json:"label"`
	Value        optInt  `json:"value"`
	Colour       *string `json:"colour"`
	Description  *string `json:"description"`
	NotCheckable *bool   `json:"not_checkable"`
	Version      *int    `json:"version"`
}

// input merges the request over the current label (zero for a new one).
func (r verdictRequest) input(cur models.Verdict) store.VerdictInput {
	in := store.VerdictInput{Label: cur.Label, Colour: cur.Colour, Description: cur.Description, NotCheckable: cur.NotCheckable}
	if cur.Value != nil {
		in.Value = strconv.Itoa(*cur.Value)
	}
	if r.Label != nil {
		in.Label = *r.Label
	}
	if r.Value.set {
		in.Value = ""
		if r.Value.v != nil {
			in.Value = strconv.Itoa(*r.Value.v)
		}
	}
	if r.Colour != nil {
		in.Colour = *r.Colour
	}
	if r.Description != nil {
		in.Description = *r.Description
	}
	if r.NotCheckable != nil {
		in.NotCheckable = *r.NotCheckable
	}
	return in
}

type scaleLabelJSON struct {
	verdictJSON
	Version int `json:"version"`
}

func (h *handler) apiCreateVerdict(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	var r verdictRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	vd, err := h.store.CreateVerdict(c.Request().Context(), actor(c), r.input(models.Verdict{}))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, scaleLabelJSON{toVerdictJSON(vd), vd.Version})
}

func (h *handler) apiUpdateVerdict(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r verdictRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	ctx := c.Request().Context()
	scale, err := h.store.Verdicts(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(scale, func(v models.Verdict) bool { return v.ID == id })
	if i < 0 {
		return echo.ErrNotFound
	}
	version := 0
	if r.Version != nil {
		version = *r.Version
	}
	vd, err := h.store.UpdateVerdict(ctx, actor(c), id, version, r.input(scale[i]))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, scaleLabelJSON{toVerdictJSON(vd), vd.Version})
}

func (h *handler) apiDeleteVerdict(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	moveTo, err := optionalID(c, "move_to")
	if err != nil {
		return err
	}
	moved, err := h.store.DeleteVerdict(c.Request().Context(), actor(c), id, moveTo)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"moved": moved})
}

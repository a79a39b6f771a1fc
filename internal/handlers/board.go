package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

// boardRoutes registers the claims board, the personal queue and the dashboard.
func (h *handler) boardRoutes(pages, api *echo.Group) {
	pages.GET("/board", h.board)
	pages.GET("/queue", h.queue)
	pages.GET("/dashboard", h.dashboard)
	api.GET("/claims", h.apiBoard)
}

// queryID reads an optional positive id query parameter (0 when absent).
func optionalID(c echo.Context, name string) (int64, error) {
	s := c.QueryParam(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		return 0, &badRequest{msg: "Bad query parameter.", fields: map[string]string{name: "Must be a positive whole number (an id)."}}
	}
	return n, nil
}

// boardFilter reads the board's query parameters; every one is validated
// here or by the store.
func boardFilter(c echo.Context) (store.BoardFilter, views.BoardFilterForm, error) {
	form := views.BoardFilterForm{State: strings.TrimSpace(c.QueryParam("state")), Verdict: strings.TrimSpace(c.QueryParam("verdict")),
		Assignee: strings.TrimSpace(c.QueryParam("assignee")), MarkedBy: strings.TrimSpace(c.QueryParam("marked_by")), Claimant: strings.TrimSpace(c.QueryParam("claimant")),
		Article: strings.TrimSpace(c.QueryParam("article")), Q: strings.TrimSpace(c.QueryParam("q"))}
	bad := map[string]string{}
	flag := func(name string) bool {
		switch strings.ToLower(c.QueryParam(name)) {
		case "", "0", "false", "no", "off":
			return false
		case "1", "true", "yes", "on":
			return true
		}
		bad[name] = "Use true or false."
		return false
	}
	form.Overdue, form.NoEvidence = flag("overdue"), flag("no_evidence")
	page, err := queryInt(c, "page", 1, store.MaxBoardPage)
	if err != nil {
		return store.BoardFilter{}, form, err
	}
	per, err := queryInt(c, "per_page", 50, 200)
	if err != nil {
		return store.BoardFilter{}, form, err
	}
	if len(bad) > 0 {
		return store.BoardFilter{}, form, &badRequest{msg: "Bad query parameter.", fields: bad}
	}
	return store.BoardFilter{State: form.State, Verdict: form.Verdict, Assignee: form.Assignee, MarkedBy: form.MarkedBy, Claimant: form.Claimant, Article: form.Article,
		Overdue: form.Overdue, NoEvidence: form.NoEvidence, Q: form.Q, Me: user(c).ID, Page: page, PerPage: per}, form, nil
}

func (h *handler) board(c echo.Context) error {
	f, form, err := boardFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v := views.BoardView{Filter: form, Page: f.Page, Today: todayUTC()}
	if v.Scale, err = h.store.Verdicts(ctx); err != nil {
		return err
	}
	users, err := h.store.Users(ctx)
	if err != nil {
		return err
	}
	v.Reviewers, v.Markers = userOptions(users, models.ActReview), userOptions(users, models.ActMarkClaims)
	p, err := h.store.Board(ctx, f)
	var verr models.ValidationError
	switch {
	case errors.As(err, &verr):
		v.Errors = verr
		return render(c, http.StatusUnprocessableEntity, views.BoardPage(v))
	case err != nil:
		return err
	}
	v.Items, v.Counts, v.AtLeast, v.Total, v.TotalAtLeast, v.PerPage, v.HasNext = p.Items, p.Counts, p.AtLeast, p.Total, p.TotalAtLeast, p.PerPage, p.HasNext
	for _, n := range p.Counts {
		v.All += n
	}
	return render(c, http.StatusOK, views.BoardPage(v))
}

func (h *handler) queue(c echo.Context) error {
	u := user(c)
	q, err := h.store.Queue(c.Request().Context(), u, 100)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.QueuePage(views.QueueView{Name: u.Name, Assigned: q.Assigned, AssignedTotal: q.AssignedTotal, AssignedAtLeast: q.AssignedAtLeast,
		SignOff: q.SignOff, SignOffTotal: q.SignOffTotal, SignOffAtLeast: q.SignOffAtLeast, CanReview: u.Can(models.ActReview),
		Marked: q.Marked, MarkedTotal: q.MarkedTotal, MarkedAtLeast: q.MarkedAtLeast, CanMark: u.Can(models.ActMarkClaims), Today: q.Today}))
}

func (h *handler) dashboard(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := h.store.Dashboard(ctx, 12)
	if err != nil {
		return err
	}
	scale, err := h.store.Verdicts(ctx)
	if err != nil {
		return err
	}
	v := views.DashboardView{Total: d.Total, ByState: d.ByState, Overdue: d.Overdue, OverdueItems: d.OverdueItems, Today: d.Today}
	for _, s := range scale {
		v.Verdicts = append(v.Verdicts, views.VerdictCount{ID: s.ID, Label: s.Label, Colour: s.Colour, N: d.ByVerdict[s.ID]})
	}
	v.Verdicts = append(v.Verdicts, views.VerdictCount{Label: "No verdict yet", N: d.NoVerdict})
	for _, w := range d.Weeks {
		v.Weeks = append(v.Weeks, views.WeekCount{Start: w.Start, Opened: w.Opened, Closed: w.Closed})
	}
	return render(c, http.StatusOK, views.DashboardPage(v))
}

type boardJSON struct {
	Items        []claimJSON    `json:"items"`
	Counts       map[string]int `json:"counts"`
	CountsCapped []string       `json:"counts_capped"` // states whose count is store.CountCap or more
	Total        int            `json:"total"`
	TotalCapped  bool           `json:"total_capped"`
	Page         int            `json:"page"`
	PerPage      int            `json:"per_page"`
	Next         *string        `json:"next"`
}

func (h *handler) apiBoard(c echo.Context) error {
	f, form, err := boardFilter(c)
	if err != nil {
		return err
	}
	p, err := h.store.Board(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := boardJSON{Items: make([]claimJSON, len(p.Items)), Counts: map[string]int{}, CountsCapped: []string{},
		Total: p.Total, TotalCapped: p.TotalAtLeast, Page: p.Page, PerPage: p.PerPage}
	for i, d := range p.Items {
		out.Items[i] = toClaimJSON(d)
	}
	for _, s := range models.States {
		out.Counts[string(s)] = p.Counts[s]
		if p.AtLeast[s] {
			out.CountsCapped = append(out.CountsCapped, string(s))
		}
	}
	if p.HasNext {
		q := form.Query()
		q.Set("page", strconv.Itoa(p.Page+1))
		if p.PerPage != 50 {
			q.Set("per_page", strconv.Itoa(p.PerPage))
		}
		next := "/api/v1/claims?" + q.Encode()
		out.Next = &next
	}
	return c.JSON(http.StatusOK, out)
}

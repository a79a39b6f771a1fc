package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

// reanchorRoutes registers the re-anchor review screen (what a revision did
// to each claim) and retiring a claim whose sentence was removed.
func (h *handler) reanchorRoutes(pages, api *echo.Group) {
	pages.GET("/articles/:id/reanchor", h.reanchorReview)
	pages.POST("/claims/:id/retire", h.retireClaim)
	api.POST("/claims/:id/retire", h.apiRetireClaim)
}

// reanchorReview lists what the latest revision did to each claim, and the
// claims that need a person: changed ones with a word-level diff of the old
// and new quote, orphaned ones to re-attach or retire.
func (h *handler) reanchorReview(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a, err := h.store.Article(ctx, id)
	if err != nil {
		return err
	}
	claims, err := h.store.ArticleClaims(ctx, id)
	if err != nil {
		return err
	}
	outcomes, err := h.store.ReanchorOutcomes(ctx, id)
	if err != nil {
		return err
	}
	v := views.ReanchorReviewView{Article: a}
	for _, cl := range claims {
		item := views.ReanchorItem{Claim: cl}
		switch {
		case cl.AnchorState == models.AnchorChanged:
			item.Diff = wordDiff(cl.PreviousQuote, cl.Quote)
			v.Changed = append(v.Changed, item)
		case cl.AnchorState == models.AnchorOrphaned:
			v.Orphaned = append(v.Orphaned, item)
		case outcomes[cl.ID] == store.ActionConfirmed:
			v.Confirmed++
		case outcomes[cl.ID] == store.ActionReattached:
			v.Reattached++
		default:
			v.Anchored++
		}
	}
	for _, action := range outcomes {
		if action == store.ActionRetired {
			v.Retired++
		}
	}
	if done, err := strconv.ParseInt(c.QueryParam("done"), 10, 64); err == nil {
		if d, err := h.store.Claim(ctx, done); err == nil && d.ArticleID == a.ID {
			v.Done = views.ClaimLabel(d.Claim) + " is attached to “" + d.Quote + "”."
			if outcomes[d.ID] == store.ActionConfirmed {
				v.Done = views.ClaimLabel(d.Claim) + ": the new text is confirmed."
			}
		}
	}
	if n, err := strconv.Atoi(c.QueryParam("retired")); err == nil && n > 0 {
		v.Done = "Claim " + strconv.Itoa(n) + " is retired: out of the article, kept in its history."
	}
	if st, ok := c.Get(reanchorErrorKey).(reanchorError); ok {
		v.ErrorClaim, v.Error, v.Reason = st.claimID, st.message, st.reason
	}
	status := http.StatusOK
	if v.Error != "" {
		status = http.StatusUnprocessableEntity
	}
	return render(c, status, views.ReanchorReviewPage(v))
}

const reanchorErrorKey = "claimdesk.reanchor"

type reanchorError struct {
	claimID int64
	message string
	reason  string // what was typed, shown again
}

// retireClaim retires an orphaned claim from the review screen and comes
// back to it.
func (h *handler) retireClaim(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cl, err := h.store.Claim(ctx, id)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	err = h.store.RetireClaim(ctx, actor(c), id, version, textareaValue(c, "reason"))
	if msg := failureMessage(err); msg != "" {
		c.Set(reanchorErrorKey, reanchorError{claimID: id, message: msg, reason: textareaValue(c, "reason")})
		c.SetParamNames("id")
		c.SetParamValues(itoa(cl.ArticleID))
		return h.reanchorReview(c)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/articles/"+itoa(cl.ArticleID)+"/reanchor?retired="+itoa(cl.Number))
}

// failureMessage is what to tell a person about a refused change (bad
// input or a stale version), "" for other errors.
func failureMessage(err error) string {
	var (
		verr models.ValidationError
		conf *models.ConflictError
	)
	switch {
	case errors.As(err, &verr):
		msgs := make([]string, 0, len(verr))
		for _, m := range verr {
			msgs = append(msgs, m)
		}
		slices.Sort(msgs)
		return strings.Join(msgs, " ")
	case errors.As(err, &conf):
		return conf.Message
	}
	return ""
}

type retireRequest struct {
	Version *int    `json:"version"`
	Reason  *string `json:"reason"`
}

// apiRetireClaim is POST /api/v1/claims/{id}/retire.
func (h *handler) apiRetireClaim(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r retireRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	if r.Version == nil {
		return models.ValidationError{"version": "Send the version of the claim your change is based on."}
	}
	if err := h.store.RetireClaim(c.Request().Context(), actor(c), id, *r.Version, deref(r.Reason)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

package handlers

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

// commentRoutes registers a claim's discussion. Comments are added, never
// edited.
func (h *handler) commentRoutes(pages, api *echo.Group) {
	pages.POST("/claims/:id/comments", h.addComment)
	api.GET("/claims/:id/comments", h.apiComments)
	api.POST("/claims/:id/comments", h.apiAddComment)
}

// addComment posts to the claim's discussion.
func (h *handler) addComment(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f := views.ReviewForm{Form: "comment", Comment: textareaValue(c, "body")}
	cm, err := h.store.AddComment(c.Request().Context(), actor(c), id, f.Comment)
	if err != nil {
		return h.reviewFailed(c, id, f, 0, err)
	}
	return c.Redirect(http.StatusSeeOther, "/claims/"+itoa(id)+"#comment-"+itoa(cm.ID))
}

type commentJSON struct {
	ID        int64     `json:"id"`
	ClaimID   int64     `json:"claim_id"`
	Author    userRef   `json:"author"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

func toCommentJSON(cm store.Comment) commentJSON {
	return commentJSON{ID: cm.ID, ClaimID: cm.ClaimID, Author: userRef{ID: cm.UserID, Name: cm.UserName}, Body: cm.Body, CreatedAt: cm.CreatedAt}
}

func (h *handler) apiComments(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	after, err := optionalID(c, "after")
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", 100, 500)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.store.Claim(ctx, id); err != nil {
		return err
	}
	cs, err := h.store.Comments(ctx, id, after, limit)
	if err != nil {
		return err
	}
	out := make([]commentJSON, len(cs))
	for i, cm := range cs {
		out[i] = toCommentJSON(cm)
	}
	var next *string
	if len(cs) == limit {
		s := fmt.Sprintf("/api/v1/claims/%d/comments?after=%d&limit=%d", id, cs[len(cs)-1].ID, limit)
		next = &s
	}
	return c.JSON(http.StatusOK, map[string]any{"items": out, "next": next})
}

func (h *handler) apiAddComment(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r struct {
		Body *string `json:"body"`
	}
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	cm, err := h.store.AddComment(c.Request().Context(), actor(c), id, deref(r.Body))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toCommentJSON(cm))
}

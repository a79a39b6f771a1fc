package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/views"
)

// reviewRoutes registers the review workflow's routes.
func (h *handler) reviewRoutes(pages, api *echo.Group) {}

// reviewSection builds the claim page's review part.
func (h *handler) reviewSection(c echo.Context, d models.ClaimDetail) (views.ReviewSection, error) {
	return views.ReviewSection{ClaimID: d.ID}, nil
}

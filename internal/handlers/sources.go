package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/views"
)

// sourceRoutes registers the routes of claimants, sources and evidence.
func (h *handler) sourceRoutes(pages, api *echo.Group) {}

// evidenceSection builds the claim page's evidence part.
func (h *handler) evidenceSection(c echo.Context, d models.ClaimDetail) (views.EvidenceSection, error) {
	return views.EvidenceSection{ClaimID: d.ID}, nil
}

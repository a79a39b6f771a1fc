package handlers

import (
	"github.com/labstack/echo/v4"
)

// exportRoutes registers exports, imports and the public claim page's helpers.
func (h *handler) exportRoutes(public, pages, api *echo.Group) {}

// publicClaim is the claim page for visitors who are not signed in: only
// published claims are visible; others are a 404.
func (h *handler) publicClaim(c echo.Context, id int64) error {
	return echo.ErrNotFound
}

package handlers

import "github.com/labstack/echo/v4"

// revisionRoutes registers article revisions and re-anchoring.
func (h *handler) revisionRoutes(pages, api *echo.Group) {}

package handlers

import "github.com/labstack/echo/v4"

// keepPrivate marks the response as one no cache may store: neither a
// shared proxy nor the browser's own history and disk cache. Every page a
// signed-in user gets carries it: new API tokens, unpublished claims,
// internal notes, the users list. (The JSON API needs no such header:
// caches do not store responses to requests with an Authorization header,
// and its ETags are for clients that revalidate on their own.)
func keepPrivate(c echo.Context) {
	c.Response().Header().Set(echo.HeaderCacheControl, "private, no-store")
}

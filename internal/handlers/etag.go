package handlers

import (
	"bytes"
	"fmt"
	"hash/crc64"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

var etagTable = crc64.MakeTable(crc64.ECMA)

// renderTagged renders a signed-in page that is shown often unchanged (the
// reading page), tags it with a hash of its bytes, and answers 304 Not
// Modified to a client that sends that tag back in If-None-Match: the page
// is not sent, nor compressed, again. The tag is of the bytes themselves, so
// it changes with anything the page shows (claims, names, the signed-in
// user, the CSRF token) and never serves a stale page. "private, no-cache"
// lets the browser keep its copy and ask each time.
func renderTagged(c echo.Context, page templ.Component) error {
	var buf bytes.Buffer
	if err := page.Render(c.Request().Context(), &buf); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	etag := fmt.Sprintf(`"p%016x-%x"`, crc64.Checksum(buf.Bytes(), etagTable), buf.Len())
	h := c.Response().Header()
	h.Set("ETag", etag)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "private, no-cache")
	}
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

package handlers

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
)

// bodyTooLarge makes a body over the limit a 413 however it arrives.
// middleware.BodyLimit answers 413 itself when Content-Length says too
// much, but a chunked body has no length: the limit is hit while a
// handler reads, as a read error, which JSON decoding would report as a
// 400 and a form parser would swallow (leaving empty fields, so a 403 or
// 422). This notes the hit and answers that 413 instead of whatever error
// the request ended with. It must come after every limit (BodyLimit, the
// fact-check import's own).
func bodyTooLarge(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Body == nil || req.Body == http.NoBody {
			return next(c)
		}
		w := &limitWatch{ReadCloser: req.Body}
		req.Body = w
		err := next(c)
		if w.hit != nil && !c.Response().Committed {
			return w.hit
		}
		return err
	}
}

type limitWatch struct {
	io.ReadCloser
	hit *echo.HTTPError // the 413 a limit (ours or a route's own) failed a read with
}

func (w *limitWatch) Read(p []byte) (int, error) {
	n, err := w.ReadCloser.Read(p)
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
		w.hit = he
	}
	return n, err
}

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
// 422). This notes the hit and answers 413 instead of whatever error the
// request ended with. It must come right after BodyLimit.
func bodyTooLarge(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Body == nil || req.Body == http.NoBody {
			return next(c)
		}
		w := &limitWatch{ReadCloser: req.Body}
		req.Body = w
		err := next(c)
		if w.hit && !c.Response().Committed {
			return echo.ErrStatusRequestEntityTooLarge
		}
		return err
	}
}

type limitWatch struct {
	io.ReadCloser
	hit bool
}

func (w *limitWatch) Read(p []byte) (int, error) {
	n, err := w.ReadCloser.Read(p)
	if errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
		w.hit = true
	}
	return n, err
}

package handlers

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/compress"
)

// compressResponses encodes responses with brotli or gzip when the client
// accepts it (package compress decides what is worth it) and says
// Vary: Accept-Encoding on every response that could be encoded. Errors are
// rendered inside it, so error pages are encoded too. A response that
// already has a Content-Encoding (the precompressed static files) passes
// through untouched.
func compressResponses(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method == http.MethodHead {
			return next(c)
		}
		res := c.Response()
		cw := &compressWriter{ResponseWriter: res.Writer, enc: compress.Negotiate(c.Request().Header.Get(echo.HeaderAcceptEncoding))}
		res.Writer = cw
		finished := false
		defer func() {
			if !finished { // a panic: hand the original writer back for the recover middleware's page
				res.Writer = cw.ResponseWriter
			}
		}()
		if err := next(c); err != nil {
			c.Error(err)
		}
		finished = true
		err := cw.finish()
		res.Writer = cw.ResponseWriter
		return err
	}
}

// compressWriter holds back the start of a body until it knows whether to
// encode it: at MinSize bytes, or when the handler finishes or flushes.
type compressWriter struct {
	http.ResponseWriter
	enc     string // what the client accepts; "" for none
	status  int
	buf     []byte
	decided bool
	out     io.Writer // the encoder, or nil to write as is
	done    func() error
}

func (w *compressWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	if code < 200 || code == http.StatusNoContent || code == http.StatusNotModified {
		w.decide(false)
	}
}

func (w *compressWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if !w.decided {
		w.buf = append(w.buf, p...)
		if len(w.buf) >= compress.MinSize {
			if err := w.decide(true); err != nil {
				return 0, err
			}
		}
		return len(p), nil
	}
	if w.out != nil {
		return w.out.Write(p)
	}
	return w.ResponseWriter.Write(p)
}

// decide sends the header, encoded or not, and what was held back. big
// says whether the body reached MinSize.
func (w *compressWriter) decide(big bool) error {
	if w.decided {
		return nil
	}
	w.decided = true
	h := w.Header()
	if h.Get(echo.HeaderContentType) == "" && len(w.buf) > 0 {
		h.Set(echo.HeaderContentType, http.DetectContentType(w.buf))
	}
	eligible := h.Get(echo.HeaderContentEncoding) == "" && compress.Compressible(h.Get(echo.HeaderContentType)) &&
		w.status != http.StatusNoContent && w.status != http.StatusNotModified && w.status >= 200 &&
		w.status != http.StatusPartialContent // a range is of the unencoded bytes
	if eligible {
		h.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	}
	if eligible && big && w.enc != "" {
		h.Del(echo.HeaderContentLength)
		h.Set(echo.HeaderContentEncoding, w.enc)
		w.out, w.done = compress.NewWriter(w.ResponseWriter, w.enc)
	}
	if w.status != 0 {
		w.ResponseWriter.WriteHeader(w.status)
	}
	if len(w.buf) == 0 {
		return nil
	}
	buf := w.buf
	w.buf = nil
	var err error
	if w.out != nil {
		_, err = w.out.Write(buf)
	} else {
		_, err = w.ResponseWriter.Write(buf)
	}
	return err
}

// finish writes what is still held back and ends the encoded stream.
func (w *compressWriter) finish() error {
	if !w.decided {
		if w.status == 0 && len(w.buf) == 0 {
			w.decided = true
			return nil // nothing was written: leave the response to whoever comes next
		}
		if err := w.decide(false); err != nil {
			return err
		}
	}
	if w.done != nil {
		return w.done()
	}
	return nil
}

// Flush sends what is held back now (a streaming handler wants it sent).
func (w *compressWriter) Flush() {
	_ = w.decide(true)
	if f, ok := w.out.(interface{ Flush() error }); ok {
		_ = f.Flush()
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack lets a handler take the connection (never done today; kept so the
// writer does not hide the ability).
func (w *compressWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := w.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("compress: the connection cannot be hijacked")
}

func (w *compressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

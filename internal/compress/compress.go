// Package compress chooses and applies HTTP content encodings: brotli
// where the client asks for it, else gzip. It never compresses what is
// already compressed (a Content-Encoding is set, or the type is an image,
// archive, PDF, font or media) nor bodies under MinSize, where the encoding
// would cost more than it saves.
package compress

import (
	"bytes"
	"compress/gzip"
	"io"
	"mime"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// MinSize is the smallest body worth compressing: below it the gzip or
// brotli framing and the CPU outweigh the bytes saved.
const MinSize = 1024

// Encodings, as in Accept-Encoding and Content-Encoding.
const (
	Brotli = "br"
	Gzip   = "gzip"
)

// Negotiate returns the encoding to use for a request's Accept-Encoding:
// "br" when the client accepts it, else "gzip", else "" (identity). A
// q-value of 0 refuses an encoding; "*" stands for those not named.
func Negotiate(acceptEncoding string) string {
	if acceptEncoding == "" {
		return ""
	}
	q := map[string]float64{}
	for _, part := range strings.Split(acceptEncoding, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		v := 1.0
		if p, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil {
				continue
			}
			v = f
		}
		if name != "" {
			q[name] = v
		}
	}
	accepts := func(enc string) bool {
		if v, ok := q[enc]; ok {
			return v > 0
		}
		v, ok := q["*"]
		return ok && v > 0
	}
	switch {
	case accepts(Brotli):
		return Brotli
	case accepts(Gzip):
		return Gzip
	}
	return ""
}

// Compressible reports whether a Content-Type is worth compressing: text,
// JSON, XML, JavaScript, CSS, SVG and the like. Images (but SVG), audio,
// video, fonts in compressed formats, archives and PDF are not.
func Compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"):
		return true
	case mt == "image/svg+xml":
		return true
	case strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	switch mt {
	case "application/json", "application/javascript", "application/xml", "application/xhtml+xml",
		"application/ld+json", "application/atom+xml", "application/rss+xml", "application/x-ndjson",
		"application/wasm", "font/ttf", "font/otf":
		return true
	}
	return false
}

// Writers are pooled: a brotli or gzip writer holds tens or hundreds of
// kilobytes of state, which a request should not allocate anew.
var (
	gzipPool   = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzipLevel); return w }}
	brotliPool = sync.Pool{New: func() any { return brotli.NewWriterLevel(io.Discard, brotliLevel) }}
)

// Levels for responses made per request: fast ones, since a request waits
// for them (gzip 5 and brotli 4 give most of the saving of the best levels
// on HTML and JSON at a fraction of the time).
const (
	gzipLevel   = 5
	brotliLevel = 4
)

// NewWriter returns a writer that encodes into w, and a function that
// finishes the stream and returns the writer to its pool. enc must be
// Brotli or Gzip.
func NewWriter(w io.Writer, enc string) (io.Writer, func() error) {
	if enc == Brotli {
		bw := brotliPool.Get().(*brotli.Writer)
		bw.Reset(w)
		return bw, func() error { err := bw.Close(); bw.Reset(io.Discard); brotliPool.Put(bw); return err }
	}
	gw := gzipPool.Get().(*gzip.Writer)
	gw.Reset(w)
	return gw, func() error { err := gw.Close(); gw.Reset(io.Discard); gzipPool.Put(gw); return err }
}

// Best encodes body once, at the best level, for what is served many times
// (static assets). It returns nil when the encoding does not make it smaller.
func Best(body []byte, enc string) []byte {
	var buf bytes.Buffer
	var w io.WriteCloser
	if enc == Brotli {
		w = brotli.NewWriterLevel(&buf, brotli.BestCompression)
	} else {
		w, _ = gzip.NewWriterLevel(&buf, gzip.BestCompression)
	}
	if _, err := w.Write(body); err != nil || w.Close() != nil || buf.Len() >= len(body) {
		return nil
	}
	return buf.Bytes()
}

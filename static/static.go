// Package static embeds the stylesheets and scripts and serves them under
// content-hashed names (app.css → app.3f2a1b9c.css), so browsers may cache
// them for a year and a new build is fetched at once.
package static

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/claimdesk/claimdesk/internal/compress"
)

//go:embed css js img
var files embed.FS

type asset struct {
	name string
	body []byte
	etag string
	// The body encoded once at start, at the best levels; nil where the
	// encoding does not make it smaller (see package compress).
	br, gz []byte
}

// Assets serves embedded files by hashed name.
type Assets struct {
	byHashed map[string]asset
	hashed   map[string]string // plain name → hashed name
}

// Load reads every embedded file and computes its hashed name.
func Load() (*Assets, error) {
	a := &Assets{byHashed: map[string]asset{}, hashed: map[string]string{}}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:])[:12]
		ext := path.Ext(p)
		hashed := strings.TrimSuffix(p, ext) + "." + h + ext
		a.hashed[p] = hashed
		f := asset{name: p, body: body, etag: `"` + h + `"`}
		if compress.Compressible(mime.TypeByExtension(ext)) && len(body) >= compress.MinSize {
			f.br, f.gz = compress.Best(body, compress.Brotli), compress.Best(body, compress.Gzip)
		}
		a.byHashed[hashed] = f
		return nil
	})
	return a, err
}

// URL returns the public URL of an asset, e.g. URL("css/app.css").
// It panics on an unknown name, which tests catch at once.
func (a *Assets) URL(name string) string {
	h, ok := a.hashed[name]
	if !ok {
		panic("static: no asset " + name)
	}
	return "/static/" + h
}

// ServeHTTP serves /static/<hashed name> with long-lived caching.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	f, ok := a.byHashed[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(f.name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	body, etag := f.body, f.etag
	if f.br != nil || f.gz != nil {
		w.Header().Add("Vary", "Accept-Encoding")
		switch enc := compress.Negotiate(r.Header.Get("Accept-Encoding")); {
		case enc == compress.Brotli && f.br != nil:
			body, etag = f.br, strings.TrimSuffix(etag, `"`)+`-br"`
			w.Header().Set("Content-Encoding", compress.Brotli)
		case enc != "" && f.gz != nil:
			body, etag = f.gz, strings.TrimSuffix(etag, `"`)+`-gz"`
			w.Header().Set("Content-Encoding", compress.Gzip)
		}
	}
	w.Header().Set("ETag", etag)
	http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(body))
}

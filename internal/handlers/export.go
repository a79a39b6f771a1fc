package handlers

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/unicode/norm"

	"github.com/claimdesk/claimdesk/internal/export"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

// exportFormat is one way to download an article (docs/export.md).
type exportFormat struct {
	suffix, ext string // file name: {slug}{suffix}-{date}.{ext}
	contentType string
	write       func(io.Writer, export.Document) error
}

var exportFormats = map[string]exportFormat{
	"html":        {"", "html", "text/html; charset=utf-8", export.WriteHTML},
	"md":          {"", "md", "text/markdown; charset=utf-8", export.WriteMarkdown},
	"csv":         {"-claims", "csv", "text/csv; charset=utf-8", export.WriteCSV},
	"annotations": {"-annotations", "jsonld", export.AnnotationMediaType, export.WriteAnnotations},
	"claimreview": {"-claimreview", "json", "application/ld+json", writePublishedClaimReview},
}

// exportRoutes registers exports, imports, the backup download and the
// annotations API. The public claim page is /claims/{id} (showClaim).
func (h *handler) exportRoutes(public, pages, api *echo.Group) {
	for ext, format := range map[string]string{"html": "html", "md": "md", "csv": "csv", "jsonld": "annotations", "claimreview.json": "claimreview"} {
		pages.GET("/articles/:id/export."+ext, h.exportDownload(format))
	}
	for format := range exportFormats {
		api.GET("/articles/:id/export/"+format, h.exportDownload(format))
	}
	pages.GET("/articles/:id/import", h.importForm)
	pages.POST("/articles/:id/import", h.importUpload)
	pages.GET("/admin/backup", h.backupPage)
	pages.GET("/admin/backup.jsonl", h.backupDownload)
	api.GET("/articles/:id/annotations", h.apiAnnotations)
	api.GET("/claims/:id/annotation", h.apiAnnotation)
	api.POST("/articles/:id/import", h.apiImport)
}

// document turns what the store loaded into what the encoders take.
func (h *handler) document(c echo.Context, d store.ExportData, now time.Time) export.Document {
	return export.Document{
		Article: d.Article, Claims: d.Claims, Evidence: d.Evidence, Appearances: d.Appearances,
		Creators: d.Creators, Scale: d.Scale, BaseURL: h.base(c), Generated: now,
		Newsroom:    export.Newsroom{Name: d.Newsroom.Name, URL: d.Newsroom.URL, LogoURL: d.Newsroom.LogoURL},
		Corrections: d.Corrections,
	}
}

// exportDownload sends an article in one format as a file to download.
func (h *handler) exportDownload(format string) echo.HandlerFunc {
	f := exportFormats[format]
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		data, err := h.store.ArticleExport(c.Request().Context(), id)
		if err != nil {
			return err
		}
		now := time.Now().UTC().Truncate(time.Second)
		var buf bytes.Buffer
		if err := f.write(&buf, h.document(c, data, now)); err != nil {
			return err
		}
		name := slug(data.Article.Title, id) + f.suffix + "-" + now.Format("2006-01-02") + "." + f.ext
		hd := c.Response().Header()
		hd.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		hd.Set("Cache-Control", "private, no-store") // exports carry internal notes
		return c.Blob(http.StatusOK, f.contentType, buf.Bytes())
	}
}

// writePublishedClaimReview writes ClaimReview for the public fact-checks
// only (published once, not withdrawn), as the public sees them: each
// one's url is its public page, which other claims do not have.
func writePublishedClaimReview(w io.Writer, d export.Document) error {
	var published []models.ClaimDetail
	for _, c := range d.Claims {
		if c.Public() && c.State != models.StateWithdrawn {
			published = append(published, export.PublicFace(c, d.Scale))
		}
	}
	d.Claims = published
	return export.WriteClaimReview(w, d)
}

// letters spells out the Latin letters that do not decompose into a base
// letter and an accent.
var letters = strings.NewReplacer("ø", "o", "æ", "ae", "œ", "oe", "ß", "ss", "đ", "d", "ł", "l", "þ", "th", "ð", "d", "ı", "i")

// slug makes a file name from a title: lower-case ASCII letters and digits
// joined by hyphens, accents dropped, at most 60 characters; article-{id}
// when nothing is left (a title in another script).
func slug(title string, id int64) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(letters.Replace(strings.ToLower(title))) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		case unicode.Is(unicode.Mn, r) || r == '\'' || r == '’':
			// accents and apostrophes vanish: "Sørensen's" → "sorensens"
		default:
			dash = true
		}
	}
	s := b.String()
	if len(s) > 60 {
		s = s[:60]
		if i := strings.LastIndexByte(s, '-'); i > 30 {
			s = s[:i]
		}
	}
	if s == "" {
		return "article-" + itoa(id)
	}
	return s
}

// apiAnnotations serves the article's claims as a W3C AnnotationCollection
// whose first page is embedded, or that page alone with ?page=0.
func (h *handler) apiAnnotations(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	page := c.QueryParam("page")
	if page != "" && page != "0" {
		return echo.ErrNotFound // one page holds every annotation
	}
	data, err := h.store.ArticleExport(c.Request().Context(), id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.WriteAnnotations(&buf, h.document(c, data, time.Now().UTC().Truncate(time.Second))); err != nil {
		return err
	}
	body := buf.Bytes()
	if page == "0" {
		var coll map[string]any
		if err := json.Unmarshal(body, &coll); err != nil {
			return err
		}
		p, _ := coll["first"].(map[string]any)
		p["@context"], p["partOf"] = export.AnnotationContext, coll["id"]
		if body, err = json.Marshal(p); err != nil {
			return err
		}
	}
	return annotationBlob(c, body)
}

// apiAnnotation serves one claim as a W3C Web Annotation.
func (h *handler) apiAnnotation(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	data, err := h.store.ClaimExport(c.Request().Context(), id)
	if err != nil {
		return err
	}
	d := h.document(c, data, time.Now().UTC().Truncate(time.Second))
	body, err := json.Marshal(export.Annotation(d, data.Claims[0]))
	if err != nil {
		return err
	}
	return annotationBlob(c, body)
}

func annotationBlob(c echo.Context, body []byte) error {
	hd := c.Response().Header()
	hd.Set("Link", `<http://www.w3.org/ns/ldp#Resource>; rel="type"`)
	hd.Set("Allow", "GET, HEAD, OPTIONS")
	return c.Blob(http.StatusOK, export.AnnotationMediaType, append(body, '\n'))
}

// backupPage explains backups to administrators and offers the download.
func (h *handler) backupPage(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.BackupPage(views.BackupView{Dialect: h.store.Dialect()}))
}

// backupDownload streams the whole database as JSON Lines. A failure after
// the first bytes cannot change the status any more: the file then lacks
// its last line, and a restore refuses it.
func (h *handler) backupDownload(c echo.Context) error {
	if err := must(c, models.ActAdmin); err != nil {
		return err
	}
	name := "claimdesk-backup-" + time.Now().UTC().Format("2006-01-02-150405") + ".jsonl"
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentType, "application/jsonl; charset=utf-8")
	hd.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	hd.Set("Cache-Control", "private, no-store")
	rep, err := h.store.ExportBackup(c.Request().Context(), c.Response())
	switch {
	case err != nil && !c.Response().Committed: // nothing sent yet: an error page, not a file
		hd.Del(echo.HeaderContentDisposition)
		hd.Del(echo.HeaderContentType)
		return err
	case err != nil:
		h.log.Error("backup download failed; the file sent is incomplete", "err", err)
		return nil
	}
	h.log.Info("backup downloaded", "user", user(c).ID, "rows", rep.Rows)
	return nil
}

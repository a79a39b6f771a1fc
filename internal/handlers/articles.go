package handlers

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/ingest"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

// articleInput is a new article from a form or the API: metadata and
// exactly one of pasted text, HTML, an uploaded file or a URL to fetch.
type articleInput struct {
	Meta     models.ArticleMeta
	Text     string
	HTML     string
	URL      string
	FileName string
	File     []byte
}

// createArticle turns input into canonical text and stores the article.
func (h *handler) createArticleFrom(ctx context.Context, a store.Actor, in articleInput) (models.Article, error) {
	given := 0
	for _, s := range []bool{strings.TrimSpace(in.Text) != "", strings.TrimSpace(in.HTML) != "", strings.TrimSpace(in.URL) != "", in.FileName != ""} {
		if s {
			given++
		}
	}
	switch {
	case given == 0:
		return models.Article{}, models.ValidationError{"text": "Paste the article's text, upload a file, or give its address."}
	case given > 1:
		return models.Article{}, models.ValidationError{"text": "Give the article one way only: pasted text, a file, or an address."}
	}
	var (
		doc ingest.Doc
		err error
	)
	switch {
	case in.FileName != "":
		doc, err = ingest.FromUpload(in.FileName, in.File)
	case strings.TrimSpace(in.HTML) != "":
		if len(in.HTML) > models.MaxUploadBytes {
			return models.Article{}, models.ValidationError{"html": "The HTML is larger than 5 MB."}
		}
		doc, err = ingest.FromHTML([]byte(in.HTML), nil)
	case strings.TrimSpace(in.URL) != "":
		var f ingest.Fetcher
		f, err = h.fetcher(ctx)
		if err == nil {
			doc, err = f.Fetch(ctx, in.URL)
		}
		if in.Meta.SourceURL == "" {
			in.Meta.SourceURL = strings.TrimSpace(in.URL)
		}
	default:
		if len(in.Text) > models.MaxUploadBytes {
			return models.Article{}, models.ValidationError{"text": "The text is larger than 5 MB: split the article or trim it."}
		}
		doc, err = ingest.FromText([]byte(in.Text))
	}
	if err != nil {
		return models.Article{}, err
	}
	meta := in.Meta
	if strings.TrimSpace(meta.Title) == "" {
		meta.Title = doc.Title
	}
	if meta.Outlet == "" {
		meta.Outlet = doc.Outlet
	}
	if meta.Byline == "" {
		meta.Byline = doc.Byline
	}
	if meta.Language == "" {
		meta.Language = doc.Language
	}
	published, verr := meta.Validate()
	if published == nil && meta.PublishedAt == "" {
		published = doc.PublishedAt
	}
	if len(verr) > 0 {
		return models.Article{}, verr
	}
	return h.store.CreateArticle(ctx, a, models.Article{
		Title: meta.Title, Outlet: meta.Outlet, Byline: meta.Byline, SourceURL: meta.SourceURL,
		PublishedAt: published, Language: meta.Language, Text: doc.Text, HTML: doc.HTML,
	})
}

// fetcher returns the URL fetcher with the admin's network setting.
func (h *handler) fetcher(ctx context.Context) (ingest.Fetcher, error) {
	s, err := h.store.Settings(ctx)
	if err != nil {
		return ingest.Fetcher{}, err
	}
	allow, err := ingest.ParseNetworks(s["private_networks"]) // validated when saved
	if err != nil {
		return ingest.Fetcher{}, err
	}
	return ingest.Fetcher{Allow: allow, Timeout: h.fetchTimeout, UserAgent: "Claimdesk/1.0 (+fact-checking)"}, nil
}

func (h *handler) listArticles(c echo.Context) error {
	v := views.ArticleListView{Q: c.QueryParam("q"), From: c.QueryParam("from"), To: c.QueryParam("to"), Errors: models.ValidationError{}}
	q, err := articleQuery(c, v.Errors)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	p, err := h.store.Articles(c.Request().Context(), q)
	if err != nil {
		return err
	}
	v.Items, v.Page, v.HasNext = p.Items, p.Page, p.HasNext
	return render(c, status, views.ArticlesPage(v))
}

func articleQuery(c echo.Context, errs models.ValidationError) (store.ArticleQuery, error) {
	page, err := queryInt(c, "page", 1, 100000)
	if err != nil {
		return store.ArticleQuery{}, err
	}
	per, err := queryInt(c, "per_page", 25, 100)
	if err != nil {
		return store.ArticleQuery{}, err
	}
	q := strings.TrimSpace(c.QueryParam("q"))
	if len(q) > 200 {
		errs.Add("q", "Keep the search under 200 characters.")
		q = q[:200]
	}
	return store.ArticleQuery{Q: q, From: queryDate(c, "from", errs), To: queryDate(c, "to", errs), Page: page, PerPage: per}, nil
}

func (h *handler) newArticleForm(c echo.Context) error {
	if err := must(c, models.ActEditArticles); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.NewArticlePage(views.ArticleForm{}))
}

func (h *handler) createArticle(c echo.Context) error {
	if err := must(c, models.ActEditArticles); err != nil {
		return err
	}
	f := views.ArticleForm{
		Title: c.FormValue("title"), Outlet: c.FormValue("outlet"), Byline: c.FormValue("byline"),
		SourceURL: c.FormValue("source_url"), Published: c.FormValue("published_at"), Language: c.FormValue("language"),
		Text: c.FormValue("text"), URL: c.FormValue("url"),
	}
	in := articleInput{
		Meta: models.ArticleMeta{Title: f.Title, Outlet: f.Outlet, Byline: f.Byline, SourceURL: f.SourceURL, PublishedAt: f.Published, Language: f.Language},
		Text: f.Text, URL: f.URL,
	}
	var err error
	if in.FileName, in.File, err = uploadedFile(c); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), h.fetchTimeout+5*time.Second)
	defer cancel()
	held, err := h.takeHeldUpload(c, &in)
	if err != nil {
		return err
	}
	a, err := h.createArticleFrom(ctx, actor(c), in)
	var verr models.ValidationError
	if errors.As(err, &verr) {
		f.Errors = verr
		if err := h.holdUpload(c, &f, in, held); err != nil {
			return err
		}
		status := http.StatusUnprocessableEntity
		if isSizeError(verr) {
			status = http.StatusRequestEntityTooLarge
		}
		return render(c, status, views.NewArticlePage(f))
	}
	if err != nil {
		return err
	}
	if held != "" {
		if err := h.store.ReleaseUpload(c.Request().Context(), held); err != nil {
			c.Logger().Warnf("release held upload: %v", err)
		}
	}
	return c.Redirect(http.StatusSeeOther, "/articles/"+itoa(a.ID))
}

// takeHeldUpload fills in the file a failed form kept (its upload_token),
// when no new file was chosen and the user did not drop it. It returns the
// token in use, or "".
func (h *handler) takeHeldUpload(c echo.Context, in *articleInput) (string, error) {
	token := c.FormValue("upload_token")
	if token == "" || in.FileName != "" || c.FormValue("drop_upload") != "" {
		return "", nil
	}
	name, content, ok, err := h.store.HeldUpload(c.Request().Context(), user(c).ID, token)
	if err != nil || !ok {
		return "", err // an expired hold: the form simply has no file
	}
	in.FileName, in.File = name, content
	return token, nil
}

// holdUpload keeps the form's file on the server when the form failed for
// another reason than the file itself, so that it comes back chosen.
func (h *handler) holdUpload(c echo.Context, f *views.ArticleForm, in articleInput, held string) error {
	if in.FileName == "" || f.Errors["file"] != "" {
		return nil
	}
	if held == "" {
		var err error
		if held, err = h.store.HoldUpload(c.Request().Context(), user(c).ID, in.FileName, in.File); err != nil {
			return err
		}
	}
	f.HeldFile, f.UploadToken = in.FileName, held
	return nil
}

func isSizeError(v models.ValidationError) bool {
	for _, m := range v {
		if strings.Contains(m, "5 MB") || strings.Contains(m, "larger than") {
			return true
		}
	}
	return false
}

func (h *handler) showArticle(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return h.renderArticle(c, id, http.StatusOK, views.ClaimForm{Type: string(models.TypeStatement)})
}

// renderArticle shows the reading page. Its costly parts (the highlighted
// body and the claim list) come from h.pages while the article's revision
// and page stamp are unchanged; the stamp is read first, so parts rendered
// from claims read after it are never older than their key.
func (h *handler) renderArticle(c echo.Context, id int64, status int, form views.ClaimForm) error {
	ctx := c.Request().Context()
	stamp, err := h.store.PageStamp(ctx, id)
	if err != nil {
		return err
	}
	a, err := h.store.Article(ctx, id)
	if err != nil {
		return err
	}
	key := pageKey{article: id, revision: a.Revision, stamp: stamp}
	parts, cached := h.pages.get(key)
	reattach := c.QueryParam("reattach")
	if reattach != "" && !user(c).Can(models.ActMarkClaims) {
		reattach = ""
	}
	var claims []models.ClaimDetail
	if !cached || reattach != "" {
		if claims, err = h.store.ArticleReadingClaims(ctx, id); err != nil {
			return err
		}
		if parts, err = views.NewArticleParts(a, claims); err != nil {
			return err
		}
		h.pages.put(key, parts)
	}
	v := views.NewArticleView(a, parts)
	v.Form = form
	for i := range claims {
		if itoa(claims[i].ID) == reattach {
			v.Reattach = &claims[i]
		}
	}
	if status == http.StatusOK && v.Reattach == nil && c.Request().Method == http.MethodGet {
		return renderTagged(c, views.ArticlePage(v)) // etag.go: 304 to If-None-Match
	}
	return render(c, status, views.ArticlePage(v))
}

// uploadedFile reads the form's optional "file" field: its name and at most
// one byte more than the upload limit (ingest refuses larger files with a
// message). No file gives "", nil.
func uploadedFile(c echo.Context) (string, []byte, error) {
	fh, err := c.FormFile("file")
	if err != nil || fh.Filename == "" {
		return "", nil, nil
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, models.MaxUploadBytes+1))
	return fh.Filename, b, err
}

// API

type articleJSON struct {
	ID          int64      `json:"id"`
	Title       string     `json:"title"`
	Outlet      string     `json:"outlet"`
	Byline      string     `json:"byline"`
	SourceURL   string     `json:"source_url"`
	PublishedAt *string    `json:"published_at"`
	Language    string     `json:"language"`
	Revision    int        `json:"revision"`
	Text        string     `json:"text,omitempty"`
	HTML        string     `json:"html,omitempty"`
	ClaimCount  *int       `json:"claim_count,omitempty"`
	Length      int        `json:"length,omitempty"` // code points
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   *time.Time `json:"updated_at,omitempty"`
}

func dateString(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format("2006-01-02")
	return &s
}

func toArticleJSON(a models.Article) articleJSON {
	return articleJSON{ID: a.ID, Title: a.Title, Outlet: a.Outlet, Byline: a.Byline, SourceURL: a.SourceURL,
		PublishedAt: dateString(a.PublishedAt), Language: a.Language, Revision: a.Revision, Text: a.Text, HTML: a.HTML,
		Length: len([]rune(a.Text)), CreatedAt: a.CreatedAt, UpdatedAt: &a.UpdatedAt}
}

type articleRequest struct {
	Title       *string `json:"title"`
	Text        *string `json:"text"`
	HTML        *string `json:"html"`
	URL         *string `json:"url"`
	Outlet      *string `json:"outlet"`
	Byline      *string `json:"byline"`
	SourceURL   *string `json:"source_url"`
	PublishedAt *string `json:"published_at"`
	Language    *string `json:"language"`
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (h *handler) apiCreateArticle(c echo.Context) error {
	if err := must(c, models.ActEditArticles); err != nil {
		return err
	}
	var r articleRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), h.fetchTimeout+5*time.Second)
	defer cancel()
	a, err := h.createArticleFrom(ctx, actor(c), articleInput{
		Meta: models.ArticleMeta{Title: deref(r.Title), Outlet: deref(r.Outlet), Byline: deref(r.Byline), SourceURL: deref(r.SourceURL),
			PublishedAt: deref(r.PublishedAt), Language: deref(r.Language)},
		Text: deref(r.Text), HTML: deref(r.HTML), URL: deref(r.URL),
	})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/articles/"+itoa(a.ID))
	return c.JSON(http.StatusCreated, toArticleJSON(a))
}

func (h *handler) apiArticle(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := h.store.Article(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toArticleJSON(a))
}

func (h *handler) apiListArticles(c echo.Context) error {
	errs := models.ValidationError{}
	q, err := articleQuery(c, errs)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return &badRequest{msg: "Bad query parameter.", fields: errs}
	}
	p, err := h.store.Articles(c.Request().Context(), q)
	if err != nil {
		return err
	}
	items := make([]articleJSON, len(p.Items))
	for i, a := range p.Items {
		n := a.ClaimCount
		items[i] = articleJSON{ID: a.ID, Title: a.Title, Outlet: a.Outlet, Byline: a.Byline, PublishedAt: dateString(a.PublishedAt),
			Language: a.Language, Revision: a.Revision, ClaimCount: &n, CreatedAt: a.CreatedAt}
	}
	var next *int
	if p.HasNext {
		n := p.Page + 1
		next = &n
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "page": p.Page, "per_page": p.PerPage, "next_page": next})
}

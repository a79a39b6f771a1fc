package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"
	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/claimdesk/claimdesk/internal/anchor"
	"github.com/claimdesk/claimdesk/internal/ingest"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

// revisionRoutes registers article revisions and re-anchoring.
func (h *handler) revisionRoutes(pages, api *echo.Group) {
	pages.GET("/articles/:id/edit", h.editTextForm)
	pages.POST("/articles/:id/text", h.saveText)
	pages.POST("/articles/:id/delete", h.deleteArticle)
	pages.GET("/articles/:id/revisions", h.revisions)
	pages.GET("/articles/:id/revisions/:n", h.revisionText)
	pages.GET("/articles/:id/diff", h.diff)
	pages.POST("/claims/:id/reattach", h.reattach)

	api.PUT("/articles/:id/text", h.apiSaveText)
	api.DELETE("/articles/:id", h.apiDeleteArticle)
	api.GET("/articles/:id/revisions", h.apiRevisions)
	api.GET("/articles/:id/revisions/:n", h.apiRevision)
	api.POST("/claims/:id/reattach", h.apiReattach)
}

// newText canonicalises a new version given as text, HTML, a file or a URL.
func (h *handler) newText(ctx context.Context, text, html, rawURL, fileName string, file []byte) (ingest.Doc, error) {
	switch {
	case fileName != "":
		return ingest.FromUpload(fileName, file)
	case strings.TrimSpace(rawURL) != "":
		f, err := h.fetcher(ctx)
		if err != nil {
			return ingest.Doc{}, err
		}
		return f.Fetch(ctx, rawURL)
	case html != "":
		if len(html) > models.MaxUploadBytes {
			return ingest.Doc{}, models.ValidationError{"html": "The HTML is larger than 5 MB."}
		}
		return ingest.FromHTML([]byte(html), nil)
	case strings.TrimSpace(text) == "":
		return ingest.Doc{}, models.ValidationError{"text": "The new text is empty. To remove the article, delete it instead."}
	}
	if len(text) > models.MaxUploadBytes {
		return ingest.Doc{}, models.ValidationError{"text": "The new text is larger than 5 MB."}
	}
	return ingest.FromText([]byte(text))
}

func (h *handler) editTextForm(c echo.Context) error {
	if err := must(c, models.ActEditArticles); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := h.store.Article(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.EditTextPage(views.EditTextView{Article: a, Text: a.Text, URL: a.SourceURL}))
}

func (h *handler) saveText(c echo.Context) error {
	if err := must(c, models.ActEditArticles); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), h.fetchTimeout+10*time.Second)
	defer cancel()
	a, err := h.store.Article(ctx, id)
	if err != nil {
		return err
	}
	v := views.EditTextView{Article: a, Text: c.FormValue("text"), Note: c.FormValue("note"), URL: c.FormValue("url")}
	base, err := strconv.Atoi(c.FormValue("revision"))
	if err != nil {
		base = -1
	}
	fileName, file, err := uploadedFile(c)
	if err != nil {
		return err
	}
	url := v.URL
	if url == a.SourceURL && fileName == "" && strings.TrimSpace(v.Text) != "" {
		url = "" // the address field shows the original; the text wins unless the editor changed it
	}
	if strings.TrimSpace(v.Text) != "" && (fileName != "" || url != "") {
		v.Text = ""
	}
	doc, err := h.newText(ctx, v.Text, "", url, fileName, file)
	if err == nil && c.FormValue("confirm_published") != "1" {
		var ok bool
		if ok, err = h.confirmTouchedPublished(c, &v, doc, url); ok || err != nil {
			return err
		}
	}
	if err == nil {
		var res store.RevisionResult
		res, err = h.store.SaveRevision(ctx, actor(c), store.NewRevision{ArticleID: id, Base: base, Text: doc.Text, HTML: doc.HTML, Note: v.Note})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/articles/"+itoa(id)+"/reanchor?rev="+itoa(res.Revision))
		}
	}
	var (
		verr models.ValidationError
		conf *models.ConflictError
	)
	switch {
	case errors.As(err, &verr):
		v.Errors = verr
		return render(c, http.StatusUnprocessableEntity, views.EditTextPage(v))
	case errors.As(err, &conf):
		cur, aerr := h.store.Article(ctx, id)
		if aerr != nil {
			return aerr
		}
		v.Article = cur
		v.Errors = models.ValidationError{"": conf.Message}
		return render(c, http.StatusConflict, views.EditTextPage(v))
	}
	return err
}

// confirmTouchedPublished shows the edit page again, with nothing saved,
// when the new text would change published fact-checks: the editor
// confirms (confirm_published=1) before they go under re-verification.
// ok is true when the page was rendered.
func (h *handler) confirmTouchedPublished(c echo.Context, v *views.EditTextView, doc ingest.Doc, url string) (bool, error) {
	touched, err := h.store.TouchedPublished(c.Request().Context(), v.Article.ID, doc.Text)
	if err != nil || len(touched) == 0 {
		return false, err
	}
	if url == "" { // a file or typed text: confirm the text as read (an address is fetched again)
		v.Text = doc.Text
	}
	for _, t := range touched {
		v.Touched = append(v.Touched, views.TouchedFactCheck{ID: t.ID, Quote: t.Quote, NewQuote: t.NewQuote, Verdict: t.Verdict})
	}
	return true, render(c, http.StatusOK, views.EditTextPage(*v))
}

func (h *handler) deleteArticle(c echo.Context) error {
	if err := must(c, models.ActEditArticles); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.store.DeleteArticle(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/articles")
}

func (h *handler) revisions(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a, err := h.store.Article(ctx, id)
	if err != nil {
		return err
	}
	revs, err := h.store.Revisions(ctx, id)
	if err != nil {
		return err
	}
	names, err := h.userNames(ctx)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.RevisionsPage(views.RevisionsView{Article: a, Revisions: revs, Authors: names}))
}

func (h *handler) userNames(ctx context.Context) (map[int64]string, error) {
	us, err := h.store.Users(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(us))
	for _, u := range us {
		out[u.ID] = u.Name
	}
	return out, nil
}

func revisionNumber(c echo.Context, name string) (int, error) {
	n, err := strconv.Atoi(c.Param(name))
	if err != nil || n < 1 {
		return 0, echo.ErrNotFound
	}
	return n, nil
}

func (h *handler) revisionText(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	n, err := revisionNumber(c, "n")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a, err := h.store.Article(ctx, id)
	if err != nil {
		return err
	}
	r, err := h.store.Revision(ctx, id, n)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.RevisionTextPage(views.RevisionTextView{Article: a, Revision: r}))
}

// diff compares any two revisions, word by word where it reads better.
func (h *handler) diff(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a, err := h.store.Article(ctx, id)
	if err != nil {
		return err
	}
	from, ferr := strconv.Atoi(c.QueryParam("from"))
	to, terr := strconv.Atoi(c.QueryParam("to"))
	if ferr != nil || terr != nil || from < 1 || to < 1 || from > a.Revision || to > a.Revision {
		return &badRequest{msg: "Choose two revisions to compare.", fields: map[string]string{"from": "Pick revisions from 1 to " + itoa(a.Revision) + "."}}
	}
	older, err := h.store.Revision(ctx, id, from)
	if err != nil {
		return err
	}
	newer, err := h.store.Revision(ctx, id, to)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.DiffPage(textDiff(a, from, to, older.Text, newer.Text)))
}

// textDiff compares two revisions' texts word by word (see wordDiff).
func textDiff(a models.Article, from, to int, older, newer string) views.DiffView {
	v := views.DiffView{Article: a, From: from, To: to, Parts: wordDiff(older, newer)}
	for _, p := range v.Parts {
		switch p.Op {
		case 1:
			v.Inserted += len([]rune(p.Text))
		case -1:
			v.Deleted += len([]rune(p.Text))
		}
	}
	return v
}

// wordDiff compares two texts word by word (a changed figure shows as
// "−12 +13", not "1−2+3"): each word, run of spaces or punctuation mark
// becomes one symbol for the diff.
func wordDiff(older, newer string) []views.DiffPart {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 2 * time.Second
	var vocab []string
	index := map[string]rune{}
	encode := func(s string) []rune {
		var out []rune
		for _, tok := range wordTokens(s) {
			r, ok := index[tok]
			if !ok {
				r = rune(len(vocab) + 0xE000) // private use area, then beyond: any rune works as a symbol
				if r >= 0xF900 {
					r += 0x10000 - 0xF900 + 0xE000
				}
				index[tok] = r
				vocab = append(vocab, tok)
			}
			out = append(out, r)
		}
		return out
	}
	decode := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			i := int(r) - 0xE000
			if r >= 0x10000 {
				i = int(r) - 0x10000 + (0xF900 - 0xE000)
			}
			b.WriteString(vocab[i])
		}
		return b.String()
	}
	diffs := dmp.DiffMainRunes(encode(older), encode(newer), false)
	for i := range diffs {
		diffs[i].Text = decode(diffs[i].Text)
	}
	parts := make([]views.DiffPart, len(diffs))
	for i, d := range diffs {
		op := 0
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = 1
		case diffmatchpatch.DiffDelete:
			op = -1
		}
		parts[i] = views.DiffPart{Op: op, Text: d.Text}
	}
	return parts
}

// reattach anchors a claim to a span a person chose: by the script's UTF-16
// offsets, by code points (the confirm button), or by quoting the words.
func (h *handler) reattach(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cl, err := h.store.Claim(ctx, id)
	if err != nil {
		return err
	}
	a, err := h.store.Article(ctx, cl.ArticleID)
	if err != nil {
		return err
	}
	var r anchorRequest
	var ints [5]*int
	for i, name := range []string{"start", "end", "start16", "end16", "version"} {
		if ints[i], err = formInt(c, name); err != nil {
			return err
		}
	}
	if ints[4] == nil {
		return models.ValidationError{"version": "The form is missing the claim's version. Reload the page."}
	}
	r.Start, r.End, r.Start16, r.End16, r.Quote = ints[0], ints[1], ints[2], ints[3], c.FormValue("quote")
	n, err := resolveAnchor(anchor.NewText(a.Text), r)
	if err != nil {
		return err
	}
	d, err := h.store.ReattachClaim(ctx, actor(c), id, *ints[4], n.Start, n.End)
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusOK, toClaimJSON(d))
	}
	return c.Redirect(http.StatusSeeOther, "/articles/"+itoa(a.ID)+"/reanchor?done="+itoa(id))
}

// wordTokens splits s into words, runs of spaces and single other characters.
func wordTokens(s string) []string {
	var out []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i + 1
		switch {
		case unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]):
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || unicode.Is(unicode.Mn, rs[j])) {
				j++
			}
		case rs[i] == ' ':
			for j < len(rs) && rs[j] == ' ' {
				j++
			}
		}
		out = append(out, string(rs[i:j]))
		i = j
	}
	return out
}

// API

type textRequest struct {
	Text     *string `json:"text"`
	HTML     *string `json:"html"`
	Note     *string `json:"note"`
	Revision *int    `json:"revision"`
}

func (h *handler) apiSaveText(c echo.Context) error {
	if err := must(c, models.ActEditArticles); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r textRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	if (r.Text == nil) == (r.HTML == nil) {
		return models.ValidationError{"text": "Send the new version as either \"text\" or \"html\"."}
	}
	ctx := c.Request().Context()
	a, err := h.store.Article(ctx, id)
	if err != nil {
		return err
	}
	base := a.Revision
	if r.Revision != nil {
		base = *r.Revision
	}
	doc, err := h.newText(ctx, deref(r.Text), deref(r.HTML), "", "", nil)
	if err != nil {
		return err
	}
	res, err := h.store.SaveRevision(ctx, actor(c), store.NewRevision{ArticleID: id, Base: base, Text: doc.Text, HTML: doc.HTML, Note: deref(r.Note)})
	if err != nil {
		return err
	}
	touched := res.Published
	if touched == nil {
		touched = []store.TouchedClaim{}
	}
	return c.JSON(http.StatusOK, map[string]any{"revision": res.Revision, "reanchor": res.Summary, "published_claims": touched})
}

func (h *handler) apiDeleteArticle(c echo.Context) error {
	if err := must(c, models.ActEditArticles); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.store.DeleteArticle(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type revisionJSON struct {
	Number    int       `json:"number"`
	Note      string    `json:"note"`
	AuthorID  int64     `json:"author_id"`
	CreatedAt time.Time `json:"created_at"`
	Text      string    `json:"text,omitempty"`
	HTML      string    `json:"html,omitempty"`
}

func (h *handler) apiRevisions(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.store.Article(ctx, id); err != nil {
		return err
	}
	revs, err := h.store.Revisions(ctx, id)
	if err != nil {
		return err
	}
	out := make([]revisionJSON, len(revs))
	for i, r := range revs {
		out[i] = revisionJSON{Number: r.Number, Note: r.Note, AuthorID: r.AuthorID, CreatedAt: r.CreatedAt}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": out})
}

func (h *handler) apiRevision(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	n, err := revisionNumber(c, "n")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.store.Article(ctx, id); err != nil {
		return err
	}
	r, err := h.store.Revision(ctx, id, n)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, revisionJSON{Number: r.Number, Note: r.Note, AuthorID: r.AuthorID, CreatedAt: r.CreatedAt, Text: r.Text, HTML: r.HTML})
}

type reattachRequest struct {
	Version *int    `json:"version"`
	Start   *int    `json:"start"`
	End     *int    `json:"end"`
	Quote   *string `json:"quote"`
	Prefix  *string `json:"prefix"`
	Suffix  *string `json:"suffix"`
}

func (h *handler) apiReattach(c echo.Context) error {
	if err := must(c, models.ActMarkClaims); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r reattachRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	if r.Version == nil {
		return models.ValidationError{"version": "Send the version of the claim your change is based on."}
	}
	ctx := c.Request().Context()
	cl, err := h.store.Claim(ctx, id)
	if err != nil {
		return err
	}
	a, err := h.store.Article(ctx, cl.ArticleID)
	if err != nil {
		return err
	}
	n, err := resolveAnchor(anchor.NewText(a.Text), anchorRequest{Start: r.Start, End: r.End, Quote: deref(r.Quote), Prefix: deref(r.Prefix), Suffix: deref(r.Suffix)})
	if err != nil {
		return err
	}
	d, err := h.store.ReattachClaim(ctx, actor(c), id, *r.Version, n.Start, n.End)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toClaimJSON(d))
}

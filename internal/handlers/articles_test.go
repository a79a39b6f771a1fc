package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

func TestCreateArticleByPasteAndUpload(t *testing.T) {
	a := newApp(t)
	b := a.signIn(models.RoleEditor)
	b.get("/articles/new")
	res := b.postForm("/articles", url.Values{"title": {"Methane deal"}, "outlet": {"Wire"}, "published_at": {"2024-05-07"}, "text": {wireReport}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("paste: %d %s", res.StatusCode, res.Body)
	}
	page := b.get(res.Header.Get("Location"))
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Delegates cheered 👏") || !strings.Contains(page.Body, "Methane deal") {
		t.Fatalf("reading page: %d", page.StatusCode)
	}
	b.get("/articles/new")
	res = b.postFile("/articles", url.Values{"title": {"Uploaded"}}, "file", "story.txt", []byte(wireReport))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload .txt: %d %s", res.StatusCode, res.Body)
	}
	b.get("/articles/new")
	html := `<html><body><h1>Hostile</h1><p onclick="steal()">Paragraph one with <a href="javascript:alert(1)">a link</a>.</p><script>alert("x")</script><p>Paragraph two.</p></body></html>`
	res = b.postFile("/articles", url.Values{"title": {"Hostile HTML"}}, "file", "story.html", []byte(html))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload .html: %d %s", res.StatusCode, res.Body)
	}
	id := strings.TrimPrefix(res.Header.Get("Location"), "/articles/")
	art := mustArticle(t, a, id)
	for _, bad := range []string{"<script", "onclick", "javascript:", "alert("} {
		if strings.Contains(art.HTML, bad) || strings.Contains(art.Text, bad) {
			t.Errorf("stored article keeps %q: html=%q text=%q", bad, art.HTML, art.Text)
		}
	}
	if !strings.Contains(art.Text, "Paragraph one with a link.\n\nParagraph two.") {
		t.Errorf("canonical text = %q", art.Text)
	}
}

func mustArticle(t *testing.T, a *app, id string) models.Article {
	t.Helper()
	var n int64
	for _, r := range id {
		n = n*10 + int64(r-'0')
	}
	art, err := a.store.Article(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	return art
}

func TestCreateArticleBadInput(t *testing.T) {
	a := newApp(t)
	b := a.signIn(models.RoleEditor)
	tests := []struct {
		name     string
		send     func() response
		status   int
		contains string
	}{
		{"empty paste", func() response { return b.postForm("/articles", url.Values{"title": {"T"}, "text": {"  \n "}}) }, 422, "Paste the article"},
		{"huge paste", func() response {
			return b.postForm("/articles", url.Values{"title": {"T"}, "text": {strings.Repeat("word ", 1<<20+10)}})
		}, 413, "5 MB"},
		{"huge upload", func() response {
			return b.postFile("/articles", url.Values{"title": {"T"}}, "file", "x.txt", []byte(strings.Repeat("word ", 1<<20+10)))
		}, 413, "5 MB"},
		{"binary upload", func() response {
			return b.postFile("/articles", url.Values{"title": {"T"}}, "file", "x.txt", []byte("\x00\x01\x02ELF\x00\x00binary"))
		}, 422, ""},
		{"non-UTF-8 upload", func() response {
			return b.postFile("/articles", url.Values{"title": {"T"}}, "file", "x.txt", []byte("Caf\xe9 cr\xe8me, na\xefve"))
		}, 422, "UTF-8"},
		{"unknown file type", func() response {
			return b.postFile("/articles", url.Values{"title": {"T"}}, "file", "x.pdf", []byte("%PDF-1.4"))
		}, 422, ""},
		{"two sources at once", func() response {
			return b.postForm("/articles", url.Values{"title": {"T"}, "text": {"x"}, "url": {"https://example.org/"}})
		}, 422, "one way only"},
		{"loopback URL", func() response {
			return b.postForm("/articles", url.Values{"title": {"T"}, "url": {"http://127.0.0.1:9/story"}})
		}, 422, "private"},
		{"metadata address", func() response {
			return b.postForm("/articles", url.Values{"title": {"T"}, "url": {"http://169.254.169.254/latest/meta-data/"}})
		}, 422, ""},
		{"javascript URL", func() response {
			return b.postForm("/articles", url.Values{"title": {"T"}, "url": {"javascript:alert(1)"}})
		}, 422, ""},
		{"bad date", func() response {
			return b.postForm("/articles", url.Values{"title": {"T"}, "text": {"Some text."}, "published_at": {"16/07/2018"}})
		}, 422, "2018-07-16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.get("/articles/new")
			res := tt.send()
			if res.StatusCode != tt.status || !strings.Contains(res.Body, tt.contains) {
				t.Fatalf("status %d (want %d); body has %q: %v", res.StatusCode, tt.status, tt.contains, strings.Contains(res.Body, tt.contains))
			}
			if !strings.Contains(res.Body, `class="error-text"`) && !strings.Contains(res.Body, `role="alert"`) {
				t.Errorf("no message shown in the page")
			}
		})
	}
	p, _ := a.store.Articles(context.Background(), store.ArticleQuery{})
	if len(p.Items) != 0 {
		t.Errorf("bad input stored %d articles", len(p.Items))
	}
}

func TestFetchArticleFromURL(t *testing.T) {
	a := newApp(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/story", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><html lang="en"><head><title>Summit ends - Example News</title></head><body><nav>Home | World</nav><article><h1>Summit ends</h1><p>` + strings.Repeat("The leaders met for two hours and agreed to meet again. ", 8) + `</p><p>Officials said the talks were “frank”.</p></article><footer>© Example</footer></body></html>`))
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	site := httptest.NewServer(mux)
	defer site.Close()
	admin := a.signIn(models.RoleAdmin)
	b := a.signIn(models.RoleEditor)
	b.get("/articles/new")
	if res := b.postForm("/articles", url.Values{"url": {site.URL + "/story"}}); res.StatusCode != 422 || !strings.Contains(res.Body, "private") {
		t.Fatalf("loopback site with the default setting: %d", res.StatusCode)
	}
	admin.get("/admin/settings")
	if res := admin.postForm("/admin/settings", url.Values{"newsroom_name": {"Desk"}, "required_approvals": {"1"}, "private_networks": {"127.0.0.1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("settings: %d %s", res.StatusCode, res.Body)
	}
	b.get("/articles/new")
	res := b.postForm("/articles", url.Values{"url": {site.URL + "/story"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("fetch: %d %s", res.StatusCode, res.Body)
	}
	art := mustArticle(t, a, strings.TrimPrefix(res.Header.Get("Location"), "/articles/"))
	if !strings.Contains(art.Title, "Summit ends") || strings.Contains(art.Text, "Home | World") || !strings.Contains(art.Text, "“frank”") || art.SourceURL != site.URL+"/story" {
		t.Fatalf("fetched article: title %q source %q text %q", art.Title, art.SourceURL, art.Text)
	}
	b.get("/articles/new")
	if res := b.postForm("/articles", url.Values{"url": {site.URL + "/loop"}, "title": {"Loop"}}); res.StatusCode != 422 || !strings.Contains(strings.ToLower(res.Body), "redirect") {
		t.Fatalf("redirect loop: %d", res.StatusCode)
	}
	site.Close()
	b.get("/articles/new")
	if res := b.postForm("/articles", url.Values{"url": {site.URL + "/story"}, "title": {"Gone"}}); res.StatusCode != 422 {
		t.Fatalf("unreachable: %d", res.StatusCode)
	}
}

func TestArticleAPI(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	code, art, hdr := c.call("POST", "/api/v1/articles", map[string]any{"title": "Methane deal", "text": wireReport + "\r\n\r\n\r\nLast  line.", "outlet": "Wire", "published_at": "2024-05-07", "language": "en"})
	if code != http.StatusCreated || hdr.Get("Location") == "" {
		t.Fatalf("create: %d %v", code, art)
	}
	if !strings.HasSuffix(art["text"].(string), "alone.\n\nLast line.") || num(art, "revision") != 1 {
		t.Fatalf("canonical text: %q", art["text"])
	}
	id := itoa(int64(num(art, "id")))
	if code, got, _ := c.call("GET", "/api/v1/articles/"+id, nil); code != 200 || got["title"] != "Methane deal" || got["published_at"] != "2024-05-07" {
		t.Fatalf("get: %d %v", code, got)
	}
	for i := 0; i < 3; i++ {
		c.call("POST", "/api/v1/articles", map[string]any{"title": "Other " + itoa(int64(i)), "text": "Text."})
	}
	code, list, _ := c.call("GET", "/api/v1/articles?q=methane", nil)
	if items, _ := list["items"].([]any); code != 200 || len(items) != 1 {
		t.Fatalf("search: %d %v", code, list)
	}
	code, list, _ = c.call("GET", "/api/v1/articles?per_page=2&page=2", nil)
	if items, _ := list["items"].([]any); code != 200 || len(items) != 2 || list["next_page"] != nil {
		t.Fatalf("page 2: %d %v", code, list)
	}
	bad := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"unknown field", map[string]any{"title": "T", "text": "x", "colour": "red"}, 400, "colour"},
		{"wrong type", map[string]any{"title": 42, "text": "x"}, 400, "title"},
		{"not JSON", "{title: T", 400, ""},
		{"array", "[]", 400, ""},
		{"missing title", map[string]any{"text": "Some text."}, 422, "title"},
		{"missing text", map[string]any{"title": "T"}, 422, "text"},
		{"bad date", map[string]any{"title": "T", "text": "x", "published_at": "yesterday"}, 422, "published_at"},
		{"html with script only", map[string]any{"title": "T", "html": "<script>alert(1)</script>"}, 422, "html"},
		{"private URL", map[string]any{"title": "T", "url": "http://10.0.0.1/x"}, 422, "url"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := c.call("POST", "/api/v1/articles", tt.body)
			if code != tt.status {
				t.Fatalf("status %d, want %d: %v", code, tt.status, body)
			}
			if msg, _ := body["error"].(string); msg == "" {
				t.Errorf("no error message: %v", body)
			}
			if tt.field != "" && fields(body)[tt.field] == nil {
				t.Errorf("fields = %v, want a message for %q", fields(body), tt.field)
			}
		})
	}
	if code, _, _ := c.call("GET", "/api/v1/articles?page=0", nil); code != 400 {
		t.Errorf("page=0: %d, want 400", code)
	}
	if code, _, _ := c.call("GET", "/api/v1/articles/999999", nil); code != 404 {
		t.Errorf("missing article: %d, want 404", code)
	}
	if code, _, _ := c.call("GET", "/api/v1/articles/abc", nil); code != 404 {
		t.Errorf("bad id: %d, want 404", code)
	}
}

package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"github.com/claimdesk/claimdesk/internal/browsertest"
	"github.com/claimdesk/claimdesk/internal/export"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// helsinkiReport is made up for these tests, in the style of a wire report
// on the 2018 Helsinki summit (the shared corpus text is not copied): curly
// quotes, and an emoji with a variation selector before the third claim.
const helsinkiReport = "HELSINKI (Wire) — The presidents of the United States and Russia met for more than two hours on Monday at the presidential palace, their first formal summit.\n\n" +
	"“The Russian state has never interfered and is not going to interfere in internal American affairs, including the election process,” the Russian president told a joint news conference.\n\n" +
	"On Friday a federal grand jury indicted 12 Russian intelligence officers on charges of hacking Democratic Party computers 🎙️ in 2016.\n\n" +
	"Before the meeting, the US president said relations between the two countries had “never been worse”."

const (
	putinQuote      = "The Russian state has never interfered and is not going to interfere in internal American affairs, including the election process"
	indictmentQuote = "a federal grand jury indicted 12 Russian intelligence officers"
	worseQuote      = "relations between the two countries had “never been worse”"
)

// exTexts are the user-written texts of the fixture, so that the same
// fixture can carry exHostile text.
type exTexts struct {
	title, summary, notes, explanation, sourceTitle, claimant string
}

var helsinkiTexts = exTexts{
	title:       "Helsinki summit: Putin denies election interference",
	summary:     "Russia has never interfered in US elections",
	notes:       "Compare with the indictment of 13 July.",
	explanation: "Three days earlier a US grand jury indicted 12 officers of Russia’s military intelligence for hacking in the 2016 election.",
	sourceTitle: "Indictment: United States v. Netyksho et al.",
	claimant:    "Vladimir Putin",
}

// exFixture is the fixture as loaded into an app.
type exFixture struct {
	articleID                 int64
	putin, indictment, worse  int64 // the first two are published, the third is new
	title                     string
	editorEmail, editorTokenP string
}

// seedHelsinki fills the app's empty database with the fixture. The claims
// are marked and reviewed through the store in a scratch database; the rows
// that other parts of the app write (sources, evidence, appearances,
// claimant details, publication) are added to that database's backup,
// which is then restored into the app. So the fixture depends on no other
// feature's code, and the restore is exercised too.
func seedHelsinki(t *testing.T, a *app, tx exTexts) exFixture {
	t.Helper()
	ctx := context.Background()
	scratch := storetest.New(t)
	editor := storetest.User(t, scratch, models.RoleEditor)
	checker := storetest.User(t, scratch, models.RoleFactChecker)
	admin := storetest.User(t, scratch, models.RoleAdmin)
	if err := scratch.SetSettings(ctx, store.ActorOf(admin), map[string]string{"newsroom_name": "Example Fact Desk", "newsroom_url": "https://factdesk.example.org/"}); err != nil {
		t.Fatal(err)
	}
	pub, _ := models.ParseDate("2018-07-16")
	art, err := scratch.CreateArticle(ctx, store.ActorOf(editor), models.Article{Title: tx.title, Outlet: "Wire", Byline: "Staff reporter",
		SourceURL: "https://news.example.com/2018/07/16/helsinki-summit", PublishedAt: &pub, Language: "en", Text: helsinkiReport})
	if err != nil {
		t.Fatal(err)
	}
	mark := func(quote, claimant, summary, notes, typ string) models.ClaimDetail {
		i := strings.Index(helsinkiReport, quote)
		start := len([]rune(helsinkiReport[:i]))
		when := "2018-07-16"
		in := models.ClaimInput{Claimant: &claimant, ClaimedAt: &when, Type: &typ}
		if summary != "" {
			in.Summary = &summary
		}
		if notes != "" {
			in.Notes = &notes
		}
		c, err := scratch.CreateClaim(ctx, store.ActorOf(editor), store.NewClaim{ArticleID: art.ID, Revision: 1, Start: start, End: start + len([]rune(quote)),
			Quote: quote, Prefix: "", Suffix: "", Input: in})
		if err != nil {
			t.Fatalf("mark %q: %v", quote, err)
		}
		return c
	}
	putin := mark(putinQuote, tx.claimant, tx.summary, tx.notes, "quote")
	indictment := mark(indictmentQuote, "US Department of Justice", "", "", "statement")
	worse := mark(worseQuote, "Donald Trump", "", "", "statement")
	review := func(c models.ClaimDetail, verdict, explanation string) {
		researching, inReview := "researching", "in_review"
		c, err := scratch.UpdateClaim(ctx, store.ActorOf(checker), c.ID, store.ClaimPatch{Version: c.Version, Verdict: &verdict, Explanation: &explanation, State: &researching})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := scratch.UpdateClaim(ctx, store.ActorOf(checker), c.ID, store.ClaimPatch{Version: c.Version, State: &inReview}); err != nil {
			t.Fatal(err)
		}
	}
	review(putin, "False", tx.explanation)
	review(indictment, "True", "The Justice Department published the indictment on 13 July 2018.")

	var backup bytes.Buffer
	if _, err := scratch.ExportBackup(ctx, &backup); err != nil {
		t.Fatal(err)
	}
	published := map[float64]bool{float64(putin.ID): true, float64(indictment.ID): true}
	file := rewriteBackup(t, backup.Bytes(), func(table string, row map[string]any) {
		switch {
		case table == "claims" && published[row["id"].(float64)]:
			row["state"] = "published"
		case table == "claimants" && row["name"] == tx.claimant:
			row["title"] = "President of Russia"
			row["same_as"] = `["https://www.wikidata.org/wiki/Q7747","https://en.wikipedia.org/wiki/Vladimir_Putin"]`
		case table == "claimants" && row["name"] == "US Department of Justice":
			row["kind"] = "organization"
		}
	}, map[string][]map[string]any{
		"sources": {
			{"id": 1, "url": "https://www.justice.gov/file/1080281/download", "title": tx.sourceTitle, "publisher": "US Department of Justice",
				"kind": "court_filing", "published_at": "2018-07-13T00:00:00Z", "accessed_at": "2018-07-17T00:00:00Z",
				"archive_url": "https://archive.example.org/2018/justice.gov/indictment", "notes": "", "created_by": checker.ID,
				"created_at": "2018-07-17T09:00:00Z", "updated_at": "2018-07-17T09:00:00Z"},
			{"id": 2, "url": "https://transcripts.example.org/2018/07/16/helsinki-news-conference", "title": "Joint news conference, Helsinki", "publisher": "Transcripts",
				"kind": "transcript", "published_at": "2018-07-16T00:00:00Z", "accessed_at": nil, "archive_url": "", "notes": "", "created_by": checker.ID,
				"created_at": "2018-07-17T09:05:00Z", "updated_at": "2018-07-17T09:05:00Z"},
		},
		"evidence": {
			{"id": 1, "claim_id": putin.ID, "source_id": 1, "stance": "refutes", "passage": "conspiracy to commit an offense against the United States",
				"note": "Counts 1 to 10.", "added_by": checker.ID, "created_at": "2018-07-17T09:01:00Z", "updated_at": "2018-07-17T09:01:00Z"},
			{"id": 2, "claim_id": putin.ID, "source_id": 2, "stance": "origin", "passage": "", "note": "", "added_by": checker.ID,
				"created_at": "2018-07-17T09:06:00Z", "updated_at": "2018-07-17T09:06:00Z"},
			{"id": 3, "claim_id": indictment.ID, "source_id": 1, "stance": "supports", "passage": "", "note": "", "added_by": checker.ID,
				"created_at": "2018-07-17T09:07:00Z", "updated_at": "2018-07-17T09:07:00Z"},
		},
		"appearances": {
			{"id": 1, "claim_id": putin.ID, "url": "https://transcripts.example.org/2018/07/16/helsinki-news-conference", "first": true},
			{"id": 2, "claim_id": putin.ID, "url": "https://tv.example.net/2018/07/16/summit-live", "first": false},
		},
	})
	if _, err := a.store.RestoreBackup(ctx, bytes.NewReader(file)); err != nil {
		t.Fatalf("restore the fixture: %v", err)
	}
	tok, _, err := a.store.CreateToken(ctx, store.ActorOf(editor), editor.ID, "fixture", 0)
	if err != nil {
		t.Fatal(err)
	}
	return exFixture{articleID: art.ID, putin: putin.ID, indictment: indictment.ID, worse: worse.ID, title: tx.title, editorEmail: editor.Email, editorTokenP: tok}
}

// rewriteBackup edits the rows of a backup and adds rows to it, keeping
// the tables in the header's order and fixing the row counts. Columns an
// added row does not give are null, or 1 for "version".
func rewriteBackup(t *testing.T, file []byte, edit func(table string, row map[string]any), extra map[string][]map[string]any) []byte {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(file))
	sc.Buffer(nil, 64<<20)
	var header struct {
		Tables []struct {
			Name    string   `json:"name"`
			Columns []string `json:"columns"`
		} `json:"tables"`
	}
	rows := map[string][]map[string]any{}
	var first []byte
	for i := 0; sc.Scan(); i++ {
		if i == 0 {
			first = slices.Clone(sc.Bytes())
			if err := json.Unmarshal(first, &header); err != nil {
				t.Fatal(err)
			}
			continue
		}
		var line struct {
			T string         `json:"t"`
			R map[string]any `json:"r"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		if line.T != "" {
			edit(line.T, line.R)
			rows[line.T] = append(rows[line.T], line.R)
		}
	}
	var out bytes.Buffer
	out.Write(first)
	out.WriteByte('\n')
	counts := map[string]int{}
	enc := json.NewEncoder(&out)
	for _, tb := range header.Tables {
		for _, add := range extra[tb.Name] {
			row := map[string]any{}
			for _, c := range tb.Columns {
				v, ok := add[c]
				if !ok && c == "version" {
					v = 1
				}
				row[c] = v
			}
			rows[tb.Name] = append(rows[tb.Name], row)
		}
		for _, r := range rows[tb.Name] {
			if err := enc.Encode(map[string]any{"t": tb.Name, "r": r}); err != nil {
				t.Fatal(err)
			}
			counts[tb.Name]++
		}
	}
	if err := enc.Encode(map[string]any{"end": true, "rows": counts}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// exDownload is one export fetched through a route.
type exDownload struct {
	status      int
	contentType string
	filename    string
	body        string
}

func (b *browser) exportGet(path string) exDownload {
	b.a.t.Helper()
	res := b.get(path)
	return exDownloadOf(b.a.t, res.StatusCode, res.Header, res.Body)
}

func (c *client) exportGet(path string) exDownload {
	c.a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.a.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.a.t.Fatal(err)
	}
	defer res.Body.Close()
	var body bytes.Buffer
	_, _ = body.ReadFrom(res.Body)
	return exDownloadOf(c.a.t, res.StatusCode, res.Header, body.String())
}

func exDownloadOf(t *testing.T, status int, h http.Header, body string) exDownload {
	t.Helper()
	d := exDownload{status: status, contentType: h.Get("Content-Type"), body: body}
	if cd := h.Get("Content-Disposition"); cd != "" {
		kind, params, err := mime.ParseMediaType(cd)
		if err != nil || kind != "attachment" {
			t.Fatalf("Content-Disposition %q: %v", cd, err)
		}
		d.filename = params["filename"]
	}
	if status == http.StatusOK && h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("export without X-Content-Type-Options: nosniff")
	}
	return d
}

// exCheckFormats checks what each format must hold for the Helsinki fixture.
func exCheckFormats(t *testing.T, fx exFixture, get func(format string) exDownload, formats map[string]string) {
	t.Helper()
	today := time.Now().UTC().Format("2006-01-02")
	wantName := map[string]string{
		"html":        "helsinki-summit-putin-denies-election-interference-" + today + ".html",
		"md":          "helsinki-summit-putin-denies-election-interference-" + today + ".md",
		"csv":         "helsinki-summit-putin-denies-election-interference-claims-" + today + ".csv",
		"annotations": "helsinki-summit-putin-denies-election-interference-annotations-" + today + ".jsonld",
		"claimreview": "helsinki-summit-putin-denies-election-interference-claimreview-" + today + ".json",
	}
	wantType := map[string]string{
		"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8", "csv": "text/csv; charset=utf-8",
		"annotations": export.AnnotationMediaType, "claimreview": "application/ld+json",
	}
	for format, path := range formats {
		t.Run(format, func(t *testing.T) {
			d := get(path)
			if d.status != http.StatusOK || d.contentType != wantType[format] || d.filename != wantName[format] {
				t.Fatalf("GET %s: %d %q %q; want 200 %q %q", path, d.status, d.contentType, d.filename, wantType[format], wantName[format])
			}
			switch format {
			case "html":
				doc, err := html.Parse(strings.NewReader(d.body))
				if err != nil {
					t.Fatal(err)
				}
				marks := 0
				exWalk(doc, func(n *html.Node) {
					if n.Type == html.ElementNode && n.Data == "mark" {
						marks++
					}
				})
				if marks != 3 || !strings.Contains(d.body, "False") || !strings.Contains(d.body, "Indictment: United States v. Netyksho et al.") {
					t.Errorf("HTML: %d marks (want 3), verdict or evidence missing", marks)
				}
			case "md":
				for _, want := range []string{"# Helsinki summit: Putin denies election interference", "[^1]", "[^3]", "[^1]: ", "False", "(<https://www.justice.gov/file/1080281/download>)"} {
					if !strings.Contains(d.body, want) {
						t.Errorf("Markdown lacks %q", want)
					}
				}
			case "csv":
				recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(d.body, "\uFEFF"))).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				if len(recs) != 4 {
					t.Fatalf("CSV: %d records, want a header and 3 claims", len(recs))
				}
				col := slices.Index(recs[0], "quote")
				state := slices.Index(recs[0], "state")
				if recs[1][col] != putinQuote || recs[1][state] != "published" || recs[3][state] != "new" {
					t.Errorf("CSV rows: %q / %q / %q", recs[1][col], recs[1][state], recs[3][state])
				}
			case "annotations":
				var coll map[string]any
				if err := json.Unmarshal([]byte(d.body), &coll); err != nil {
					t.Fatal(err)
				}
				items := coll["first"].(map[string]any)["items"].([]any)
				if coll["type"] != "AnnotationCollection" || coll["total"] != float64(3) || len(items) != 3 ||
					coll["id"] != "http://claims.test/api/v1/articles/"+itoa(fx.articleID)+"/annotations" {
					t.Errorf("annotations: %v", coll)
				}
			case "claimreview":
				var crs []map[string]any
				if err := json.Unmarshal([]byte(d.body), &crs); err != nil {
					t.Fatal(err)
				}
				if len(crs) != 2 || crs[0]["url"] != "http://claims.test/claims/"+itoa(fx.putin) || crs[1]["url"] != "http://claims.test/claims/"+itoa(fx.indictment) {
					t.Errorf("ClaimReview: %d reviews (want the 2 published claims): %v", len(crs), crs)
				}
			}
		})
	}
}

func exWalk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		exWalk(c, fn)
	}
}

func TestExportRoutesAllFormats(t *testing.T) {
	a := newApp(t)
	fx := seedHelsinki(t, a, helsinkiTexts)
	base := "/articles/" + itoa(fx.articleID)
	t.Run("pages", func(t *testing.T) {
		b := a.signIn(models.RoleViewer)
		exCheckFormats(t, fx, b.exportGet, map[string]string{
			"html": base + "/export.html", "md": base + "/export.md", "csv": base + "/export.csv",
			"annotations": base + "/export.jsonld", "claimreview": base + "/export.claimreview.json",
		})
		// The article page offers every format in its Export menu.
		page := b.get(base)
		for _, ext := range []string{"html", "md", "csv", "jsonld", "claimreview.json"} {
			if !strings.Contains(page.Body, `href="`+base+`/export.`+ext+`"`) {
				t.Errorf("article page lacks the export link %s", ext)
			}
		}
		if strings.Contains(page.Body, base+"/import") {
			t.Errorf("a viewer is offered the import")
		}
	})
	t.Run("api", func(t *testing.T) {
		c := a.apiClient(models.RoleViewer)
		paths := map[string]string{}
		for _, f := range []string{"html", "md", "csv", "annotations", "claimreview"} {
			paths[f] = "/api/v1" + base + "/export/" + f
		}
		exCheckFormats(t, fx, c.exportGet, paths)
		if d := c.exportGet("/api/v1" + base + "/export/pdf"); d.status != http.StatusNotFound {
			t.Errorf("unknown format: %d", d.status)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		anon := a.anonymous()
		if res := anon.get(base + "/export.html"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous export: %d, want a redirect to sign in", res.StatusCode)
		}
		if code, _, _ := (&client{a: a}).call("GET", "/api/v1"+base+"/export/csv", nil); code != http.StatusUnauthorized {
			t.Errorf("API export without a token: %d", code)
		}
		b := a.signIn(models.RoleViewer)
		if res := b.get("/articles/999999/export.csv"); res.StatusCode != http.StatusNotFound {
			t.Errorf("export of a missing article: %d", res.StatusCode)
		}
	})
}

// TestClaimReviewOfPutinClaim: every field Google marks required or
// recommended (reference/factchecking.md §2.2), through the route.
func TestClaimReviewOfPutinClaim(t *testing.T) {
	a := newApp(t)
	fx := seedHelsinki(t, a, helsinkiTexts)
	d := a.apiClient(models.RoleViewer).exportGet("/api/v1/articles/" + itoa(fx.articleID) + "/export/claimreview")
	var crs []map[string]any
	if err := json.Unmarshal([]byte(d.body), &crs); err != nil || len(crs) == 0 {
		t.Fatalf("ClaimReview: %v %s", err, d.body)
	}
	cr := crs[0]
	get := func(path string) any {
		var v any = cr
		for _, k := range strings.Split(path, ".") {
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		}
		return v
	}
	want := map[string]any{
		"@context":                         "https://schema.org",
		"@type":                            "ClaimReview",
		"url":                              "http://claims.test/claims/" + itoa(fx.putin), // required
		"claimReviewed":                    "Russia has never interfered in US elections", // required, no verdict in it
		"reviewRating.@type":               "Rating",
		"reviewRating.alternateName":       "False", // required
		"reviewRating.ratingValue":         float64(0),
		"reviewRating.bestRating":          float64(5),
		"reviewRating.worstRating":         float64(0),
		"reviewRating.ratingExplanation":   helsinkiTexts.explanation,
		"author.@type":                     "Organization", // recommended
		"author.name":                      "Example Fact Desk",
		"author.url":                       "https://factdesk.example.org/",
		"itemReviewed.@type":               "Claim", // recommended
		"itemReviewed.text":                putinQuote,
		"itemReviewed.author.@type":        "Person",
		"itemReviewed.author.name":         "Vladimir Putin",
		"itemReviewed.author.jobTitle":     "President of Russia",
		"itemReviewed.datePublished":       "2018-07-16", // when the claim was made
		"itemReviewed.firstAppearance.url": "https://transcripts.example.org/2018/07/16/helsinki-news-conference",
		"inLanguage":                       "en",
	}
	for path, w := range want {
		if got := get(path); got != w {
			t.Errorf("%s = %v, want %v", path, got, w)
		}
	}
	for _, path := range []string{"datePublished", "dateModified"} {
		if s, _ := get(path).(string); !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).MatchString(s) {
			t.Errorf("%s = %q, want an ISO 8601 time", path, s)
		}
	}
	same, _ := get("itemReviewed.author.sameAs").([]any)
	if len(same) != 2 || same[0] != "https://www.wikidata.org/wiki/Q7747" {
		t.Errorf("claimant sameAs = %v", same)
	}
	apps, _ := get("itemReviewed.appearance").([]any)
	urls := []string{}
	for _, ap := range apps {
		urls = append(urls, ap.(map[string]any)["url"].(string))
	}
	if !slices.Contains(urls, "https://tv.example.net/2018/07/16/summit-live") || !slices.Contains(urls, "https://news.example.com/2018/07/16/helsinki-summit") {
		t.Errorf("appearance = %v, want the other appearance and the article", urls)
	}
	if strings.Contains(strings.ToLower(cr["claimReviewed"].(string)), "false") {
		t.Errorf("claimReviewed carries the verdict")
	}
}

func TestAnnotationRoutes(t *testing.T) {
	a := newApp(t)
	fx := seedHelsinki(t, a, helsinkiTexts)
	c := a.apiClient(models.RoleViewer)
	one := c.exportGet("/api/v1/claims/" + itoa(fx.putin) + "/annotation")
	var ann map[string]any
	if err := json.Unmarshal([]byte(one.body), &ann); err != nil || one.contentType != export.AnnotationMediaType {
		t.Fatalf("annotation: %d %q %v", one.status, one.contentType, err)
	}
	target := ann["target"].(map[string]any)
	sels := target["selector"].([]any)
	pos := sels[1].(map[string]any)
	start := len([]rune(helsinkiReport[:strings.Index(helsinkiReport, putinQuote)]))
	if ann["@context"] != export.AnnotationContext || ann["id"] != "http://claims.test/api/v1/claims/"+itoa(fx.putin)+"/annotation" ||
		target["source"] != "https://news.example.com/2018/07/16/helsinki-summit" ||
		sels[0].(map[string]any)["exact"] != putinQuote || pos["start"] != float64(start) {
		t.Errorf("annotation = %v", ann)
	}
	pg := c.exportGet("/api/v1/articles/" + itoa(fx.articleID) + "/annotations?page=0")
	var p map[string]any
	if err := json.Unmarshal([]byte(pg.body), &p); err != nil || p["type"] != "AnnotationPage" || p["@context"] != export.AnnotationContext ||
		p["partOf"] != "http://claims.test/api/v1/articles/"+itoa(fx.articleID)+"/annotations" || len(p["items"].([]any)) != 3 {
		t.Errorf("page 0 = %v, %v", p, err)
	}
	if d := c.exportGet("/api/v1/articles/" + itoa(fx.articleID) + "/annotations?page=1"); d.status != http.StatusNotFound {
		t.Errorf("page 1: %d, want 404", d.status)
	}
	if d := c.exportGet("/api/v1/claims/999999/annotation"); d.status != http.StatusNotFound {
		t.Errorf("annotation of a missing claim: %d", d.status)
	}
}

// exScripts returns the contents of the page's application/ld+json scripts
// and the src of every other script.
func exScripts(t *testing.T, body string) (blocks []string, others []string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	exWalk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode || n.Data != "script" {
			return
		}
		typ, src := "", ""
		for _, at := range n.Attr {
			switch at.Key {
			case "type":
				typ = at.Val
			case "src":
				src = at.Val
			}
		}
		if typ == "application/ld+json" {
			var b strings.Builder
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				b.WriteString(c.Data)
			}
			blocks = append(blocks, b.String())
			return
		}
		others = append(others, src)
	})
	return blocks, others
}

func TestPublicClaimPage(t *testing.T) {
	a := newApp(t)
	fx := seedHelsinki(t, a, helsinkiTexts)
	anon := a.anonymous()
	res := anon.get("/claims/" + itoa(fx.putin))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("public page of a published claim: %d", res.StatusCode)
	}
	for _, want := range []string{
		"Russia has never interfered in US elections", // what is checked
		putinQuote, "internal American affairs", // the claim in context
		"Vladimir Putin, President of Russia", // claimant
		"False", helsinkiTexts.explanation,    // verdict and explanation
		"Indictment: United States v. Netyksho et al.", "conspiracy to commit an offense against the United States", "Refutes the claim", // evidence
		"Example Fact Desk",
	} {
		if !strings.Contains(res.Body, html.EscapeString(want)) {
			t.Errorf("public page lacks %q", want)
		}
	}
	if strings.Contains(res.Body, helsinkiTexts.notes) {
		t.Errorf("the public page shows the claim's internal notes")
	}
	if res.Header.Get("Vary") != "Cookie" {
		t.Errorf("Vary = %q, want Cookie", res.Header.Get("Vary"))
	}
	blocks, others := exScripts(t, res.Body)
	if len(blocks) != 1 {
		t.Fatalf("%d ld+json blocks, want 1", len(blocks))
	}
	var cr map[string]any
	if err := json.Unmarshal([]byte(blocks[0]), &cr); err != nil || cr["@type"] != "ClaimReview" || cr["url"] != "http://claims.test/claims/"+itoa(fx.putin) {
		t.Errorf("embedded ClaimReview: %v %v", err, cr)
	}
	for _, src := range others {
		if src == "" {
			t.Errorf("an inline executable script is on the page")
		}
	}
	// Not published: not visible, the same 404 as a claim that does not exist.
	for _, id := range []int64{fx.worse, 999999} {
		if res := anon.get("/claims/" + itoa(id)); res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, "never been worse") {
			t.Errorf("anonymous GET /claims/%d: %d", id, res.StatusCode)
		}
	}
	// Signed-in people get the working page.
	b := a.signIn(models.RoleViewer)
	if res := b.get("/claims/" + itoa(fx.worse)); res.StatusCode != http.StatusOK || strings.Contains(res.Body, "application/ld+json") {
		t.Errorf("signed-in GET of an unpublished claim: %d", res.StatusCode)
	}
}

// exHostile is in every user-written field of the fixture.
const exHostile = `</style><script>alert("x")</script> "quoted" <img src=x onerror=alert(1)>`

var exHostileTexts = exTexts{
	title:       "Summit " + exHostile,
	summary:     "Russia never interfered " + exHostile,
	notes:       "=HYPERLINK(\"http://evil.example\") " + exHostile,
	explanation: "Indicted 12 officers " + exHostile,
	sourceTitle: "Indictment " + exHostile,
	claimant:    "Vladimir Putin " + exHostile,
}

// TestExportsKeepHostileTextInert: text with <script>, " and </style> in
// the title, summary, notes, explanation, source title and claimant stays
// text in every format through the routes, and on the public page.
func TestExportsKeepHostileTextInert(t *testing.T) {
	a := newApp(t)
	fx := seedHelsinki(t, a, exHostileTexts)
	b := a.signIn(models.RoleViewer)
	base := "/articles/" + itoa(fx.articleID) + "/export."
	t.Run("html", func(t *testing.T) {
		d := b.exportGet(base + "html")
		doc, err := html.Parse(strings.NewReader(d.body))
		if err != nil {
			t.Fatal(err)
		}
		styles := 0
		exWalk(doc, func(n *html.Node) {
			if n.Type != html.ElementNode {
				return
			}
			switch n.Data {
			case "script", "img", "iframe", "object", "embed", "link":
				t.Errorf("HTML export has a <%s> element", n.Data)
			case "style":
				styles++
			}
			for _, at := range n.Attr {
				if strings.HasPrefix(at.Key, "on") {
					t.Errorf("HTML export has an %s attribute on <%s>", at.Key, n.Data)
				}
			}
		})
		if styles != 1 || !strings.Contains(d.body, "&lt;/style&gt;&lt;script&gt;") {
			t.Errorf("%d style elements; exHostile text escaped: %v", styles, strings.Contains(d.body, "&lt;/style&gt;"))
		}
		if !regexp.MustCompile(`^[a-z0-9-]+\.html$`).MatchString(d.filename) {
			t.Errorf("file name %q", d.filename)
		}
	})
	t.Run("markdown", func(t *testing.T) {
		d := b.exportGet(base + "md")
		if strings.Contains(d.body, "<script") || strings.Contains(d.body, "</style") || strings.Contains(d.body, "<img") {
			t.Errorf("Markdown has raw markup:\n%s", d.body)
		}
	})
	t.Run("csv", func(t *testing.T) {
		d := b.exportGet(base + "csv")
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(d.body, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		notes := slices.Index(recs[0], "notes")
		for _, r := range recs[1:] {
			for _, cell := range r {
				if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) && !regexp.MustCompile(`^-?\d+$`).MatchString(cell) {
					t.Errorf("CSV cell starts a formula: %q", cell)
				}
			}
		}
		if recs[1][notes] != "'"+exHostileTexts.notes {
			t.Errorf("notes cell = %q, want the text behind an apostrophe", recs[1][notes])
		}
	})
	t.Run("json", func(t *testing.T) {
		for _, ext := range []string{"jsonld", "claimreview.json"} {
			d := b.exportGet(base + ext)
			if strings.ContainsAny(d.body, "<>") || !json.Valid([]byte(d.body)) {
				t.Errorf("%s has raw < or >, or is not JSON", ext)
			}
			if !strings.Contains(d.body, `\u003c/style\u003e\u003cscript\u003e`) {
				t.Errorf("%s lost the exHostile text instead of escaping it", ext)
			}
		}
	})
	t.Run("public page", func(t *testing.T) {
		res := a.anonymous().get("/claims/" + itoa(fx.putin))
		blocks, others := exScripts(t, res.Body)
		if len(blocks) != 1 || strings.ContainsAny(blocks[0], "<>") {
			t.Fatalf("ld+json blocks: %q", blocks)
		}
		var cr map[string]any
		if err := json.Unmarshal([]byte(blocks[0]), &cr); err != nil || !strings.Contains(cr["claimReviewed"].(string), "</script>") {
			t.Errorf("the ClaimReview does not carry the text as data: %v", err)
		}
		for _, src := range others {
			if !strings.HasPrefix(src, "/static/") {
				t.Errorf("scripts on the public page: %q, want only the site's own files", others)
			}
		}
		if strings.Contains(res.Body, "<img") {
			t.Errorf("an <img> reached the public page")
		}
	})
}

// TestBackupRoute: administrators download the whole database from the
// admin page; restored into a fresh instance it gives back the same rows.
func TestBackupRoute(t *testing.T) {
	a := newApp(t)
	seedHelsinki(t, a, helsinkiTexts)
	if res := a.signIn(models.RoleFactChecker).get("/admin/backup.jsonl"); res.StatusCode != http.StatusForbidden {
		t.Errorf("backup by a fact-checker: %d, want 403", res.StatusCode)
	}
	b := a.signIn(models.RoleAdmin)
	if page := b.get("/admin/backup"); page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `href="/admin/backup.jsonl"`) {
		t.Fatalf("backup page: %d", page.StatusCode)
	}
	res := b.get("/admin/backup.jsonl")
	_, params, _ := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(params["filename"], "claimdesk-backup-") || !strings.HasSuffix(params["filename"], ".jsonl") {
		t.Fatalf("backup download: %d %v", res.StatusCode, params)
	}
	ctx := context.Background()
	fresh := storetest.New(t)
	rep, err := fresh.RestoreBackup(ctx, strings.NewReader(res.Body))
	if err != nil {
		t.Fatalf("restore the downloaded backup: %v", err)
	}
	// The backup of the fresh instance has the same rows, table by table.
	var again bytes.Buffer
	if _, err := fresh.ExportBackup(ctx, &again); err != nil {
		t.Fatal(err)
	}
	rowsOf := func(file string) []string {
		ls := strings.Split(strings.TrimSpace(file), "\n")
		rows := slices.Clone(ls[1:])
		slices.Sort(rows)
		return rows
	}
	got, want := rowsOf(again.String()), rowsOf(res.Body)
	if rep.Rows == 0 || !slices.Equal(got, want) {
		t.Errorf("restored instance differs: %d lines, %d before", len(got), len(want))
	}
	ex, err := fresh.ArticleExport(ctx, 1)
	if err != nil || len(ex.Claims) != 3 || len(ex.Evidence[ex.Claims[0].ID])+len(ex.Evidence[ex.Claims[1].ID]) != 3 {
		t.Errorf("restored export data: %v", err)
	}
}

func TestSlugFileNames(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	today := time.Now().UTC().Format("2006-01-02")
	tests := map[string]string{
		"Helsinki summit: Trump meets Putin":   "helsinki-summit-trump-meets-putin",
		"Ana Sørensen’s “largest” deal — café": "ana-sorensens-largest-deal-cafe",
		"Саммит в Хельсинки":                   "article-",
		strings.Repeat("long words ", 20):      "long-words-long-words-long-words-long-words-long-words-long",
	}
	for title, want := range tests {
		code, art, _ := c.call("POST", "/api/v1/articles", map[string]any{"title": title, "text": "Some text."})
		if code != http.StatusCreated {
			t.Fatalf("create: %d", code)
		}
		id := itoa(int64(num(art, "id")))
		if want == "article-" {
			want += id
		}
		d := c.exportGet("/api/v1/articles/" + id + "/export/md")
		if d.filename != want+"-"+today+".md" {
			t.Errorf("title %q: file name %q, want %q", title, d.filename, want+"-"+today+".md")
		}
	}
}

// TestBrowserHTMLExport opens the HTML export of the Helsinki article in
// Chromium, as a file, at desktop and phone widths, and prints it.
func TestBrowserHTMLExport(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a := newApp(t)
	fx := seedHelsinki(t, a, helsinkiTexts)
	d := a.signIn(models.RoleViewer).exportGet("/articles/" + itoa(fx.articleID) + "/export.html")
	path := filepath.Join(t.TempDir(), d.filename)
	if err := os.WriteFile(path, []byte(d.body), 0o644); err != nil {
		t.Fatal(err)
	}
	browsertest.Navigate(ctx, t, "file://"+path)
	if n := browsertest.Eval[int](ctx, t, `document.querySelectorAll("mark").length`); n != 3 {
		t.Errorf("%d highlighted segments, want 3", n)
	}
	if n := browsertest.Eval[int](ctx, t, `document.querySelectorAll("script, img, link").length`); n != 0 {
		t.Errorf("%d script/img/link elements", n)
	}
	browsertest.Screenshot(ctx, t, "export/helsinki-desktop")
	pdf := browsertest.PDF(ctx, t)
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(pdf) < 10000 {
		t.Errorf("PDF: %d bytes, starts %q", len(pdf), pdf[:min(8, len(pdf))])
	}
	if dir := os.Getenv(browsertest.EnvScreenshots); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "export", "helsinki.pdf"), pdf, 0o644)
	}
	browsertest.Do(ctx, t, chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile), chromedp.Reload())
	if w := browsertest.Eval[int](ctx, t, `document.documentElement.scrollWidth`); w > 375 {
		t.Errorf("on a phone the page is %d px wide, more than the 375 px screen", w)
	}
	browsertest.Screenshot(ctx, t, "export/helsinki-phone")
}

// cspWatch records Content-Security-Policy violations from the start of
// every document, before the page's own content runs.
const cspWatch = `window.__csp = []; document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));`

func watchCSP() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspWatch})
		return err
	})
}

// TestBrowserPublicClaimCSP: the public page's ld+json block is data, not
// script, so the site's CSP (script-src 'self') reports no violation. The
// watcher is shown to work on a page with an inline script under the same
// policy.
func TestBrowserPublicClaimCSP(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a := newApp(t)
	fx := seedHelsinki(t, a, helsinkiTexts)
	browsertest.Do(ctx, t, watchCSP())

	control := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'")
		_, _ = w.Write([]byte(`<!DOCTYPE html><title>x</title><script>window.ran = true</script><script type="application/ld+json">{"a":1}</script>`))
	}))
	t.Cleanup(control.Close)
	browsertest.Navigate(ctx, t, control.URL)
	if v := browsertest.Eval[[]string](ctx, t, `window.__csp`); len(v) == 0 {
		t.Fatalf("the watcher saw no violation for an inline script: it cannot be trusted")
	}

	browsertest.Navigate(ctx, t, a.srv.URL+"/claims/"+itoa(fx.putin))
	if v := browsertest.Eval[[]string](ctx, t, `window.__csp`); len(v) != 0 {
		t.Errorf("CSP violations on the public claim page: %v", v)
	}
	ld := browsertest.Eval[string](ctx, t, `JSON.parse(document.querySelector('script[type="application/ld+json"]').textContent)["@type"]`)
	if ld != "ClaimReview" {
		t.Errorf("ld+json @type = %q", ld)
	}
	browsertest.Screenshot(ctx, t, "export/public-claim")
}

// exSignIn signs in through the login form in the browser.
func exSignIn(ctx context.Context, t *testing.T, base, email string) {
	t.Helper()
	browsertest.Navigate(ctx, t, base+"/login")
	browsertest.Do(ctx, t,
		chromedp.SendKeys("#email", email),
		chromedp.SendKeys("#password", storetest.Password),
		chromedp.Submit("#password"),
	)
	waitSignedIn(ctx, t)
}

// TestBrowserExportMenuAndImport: the article page's Export menu, the
// import of an annotation file through the page, and the backup page.
func TestBrowserExportMenuAndImport(t *testing.T) {
	ctx := browsertest.Chromium(t)
	a := newApp(t)
	fx := seedHelsinki(t, a, helsinkiTexts)
	editor := storetest.User(t, a.store, models.RoleEditor)
	base := a.srv.URL
	exSignIn(ctx, t, base, editor.Email)

	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(fx.articleID))
	browsertest.Do(ctx, t, chromedp.Click(`[data-testid="export-menu"] summary`), chromedp.WaitVisible(`[data-testid="export-menu"] li a`))
	links := browsertest.Eval[[]string](ctx, t, `[...document.querySelectorAll('[data-testid="export-menu"] a')].map(a => a.getAttribute("href"))`)
	if len(links) != 6 || links[5] != "/articles/"+itoa(fx.articleID)+"/import" {
		t.Errorf("Export menu links = %v, want 5 formats and the import", links)
	}
	browsertest.Screenshot(ctx, t, "export/article-export-menu")

	file := filepath.Join(t.TempDir(), "hypothesis.json")
	src := "https://news.example.com/2018/07/16/helsinki-summit"
	body, _ := json.Marshal(map[string]any{"type": "AnnotationPage", "items": []any{
		map[string]any{"type": "Annotation", "id": "urn:1", "target": map[string]any{"source": src, "selector": map[string]any{"type": "TextQuoteSelector", "exact": "met for more than two hours"}},
			"body": map[string]any{"type": "TextualBody", "value": "Timing from the pool report."}},
		map[string]any{"type": "Annotation", "id": "urn:2", "target": map[string]any{"source": src, "selector": map[string]any{"type": "TextQuoteSelector", "exact": "Moscow admitted everything"}}},
		map[string]any{"type": "Annotation", "id": "urn:3", "target": map[string]any{"source": src, "selector": map[string]any{"type": "TextQuoteSelector", "exact": "Russian"}}},
		map[string]any{"type": "Annotation", "id": "urn:4", "target": map[string]any{"source": "https://other.example.org/story", "selector": map[string]any{"type": "TextQuoteSelector", "exact": "Russian president"}}},
	}})
	if err := os.WriteFile(file, body, 0o644); err != nil {
		t.Fatal(err)
	}
	browsertest.Navigate(ctx, t, base+"/articles/"+itoa(fx.articleID)+"/import")
	browsertest.Do(ctx, t,
		chromedp.SetUploadFiles("#file", []string{file}),
		chromedp.Click(`form[enctype="multipart/form-data"] button[type="submit"]`),
		chromedp.WaitVisible(`[data-testid="import-report"]`),
	)
	if got := browsertest.Text(ctx, t, `#report-heading`); got != "Imported 1 claim of 4 annotations" {
		t.Errorf("report heading = %q", got)
	}
	reasons := browsertest.Eval[[]string](ctx, t, `[...document.querySelectorAll('[data-testid="import-failed"] tr[data-reason]')].map(r => r.dataset.reason)`)
	if !slices.Equal(reasons, []string{"not_found", "ambiguous", "other_document"}) {
		t.Errorf("failure reasons = %v", reasons)
	}
	browsertest.Screenshot(ctx, t, "export/import-report")

	admin := storetest.User(t, a.store, models.RoleAdmin)
	browsertest.Do(ctx, t, chromedp.Click(`form[action="/logout"] button`), chromedp.WaitVisible("#email"))
	exSignIn(ctx, t, base, admin.Email)
	browsertest.Navigate(ctx, t, base+"/admin/backup")
	if href := browsertest.Eval[string](ctx, t, `document.querySelector('[data-testid="backup-download"]').getAttribute("href")`); href != "/admin/backup.jsonl" {
		t.Errorf("backup link = %q", href)
	}
	browsertest.Screenshot(ctx, t, "export/admin-backup")
}

// TestExportCorpusHelsinki exports the real Helsinki report of the shared
// corpus (../shared/corpus, present in CI) with two claims marked through
// the API, in all five formats through the API routes.
func TestExportCorpusHelsinki(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "corpus", "helsinki-summit.txt"))
	if err != nil {
		t.Skipf("shared corpus not available (%v); it lives at ../shared/corpus next to the repository", err)
	}
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	code, art, _ := c.call("POST", "/api/v1/articles", map[string]any{"title": "Helsinki summit", "text": string(raw), "language": "en"})
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, art)
	}
	id := itoa(int64(num(art, "id")))
	quotes := []string{
		"The Russian state has never interfered and is not going to interfere in internal American affairs including the election process",
		"a grand jury indicted 12 Russian intelligence officers",
	}
	for _, q := range quotes {
		if code, cl, _ := c.call("POST", "/api/v1/articles/"+id+"/claims", map[string]any{"quote": q, "claimant": "Vladimir Putin"}); code != http.StatusCreated {
			t.Fatalf("mark %q: %d %v", q, code, cl)
		}
	}
	for _, f := range []string{"html", "md", "csv", "annotations", "claimreview"} {
		d := c.exportGet("/api/v1/articles/" + id + "/export/" + f)
		if d.status != http.StatusOK || d.filename == "" {
			t.Errorf("%s: %d %q", f, d.status, d.filename)
			continue
		}
		if f == "claimreview" {
			if strings.TrimSpace(d.body) != "[]" {
				t.Errorf("ClaimReview of unpublished claims = %s, want []", d.body)
			}
			continue
		}
		for _, q := range quotes {
			if !strings.Contains(d.body, q) {
				t.Errorf("%s export lacks the claim %q", f, q)
			}
		}
	}
}

package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
)

// summitReport is our own fixture in the shape of the Helsinki story.
const summitReport = `President Donald Trump said he raised election interference at a summit with Vladimir Putin on Monday.

"Once again President Trump mentioned the issue of the so-called interference," Putin said. "The Russian state has never interfered and is not going to interfere in internal American affairs including the election process."

Trump faced renewed pressure after a grand jury indicted 12 Russian intelligence officers on Friday. The agents are accused of hacking e-mail accounts.

Unemployment fell to 4.2% in May, the labour ministry said.`

func markQuote(t *testing.T, c *client, articleID int64, quote string) int64 {
	t.Helper()
	code, cl, _ := c.call("POST", "/api/v1/articles/"+itoa(articleID)+"/claims", map[string]any{"quote": quote})
	if code != http.StatusCreated {
		t.Fatalf("mark %q: %d %v", quote, code, cl)
	}
	return int64(num(cl, "id"))
}

func getClaim(t *testing.T, c *client, id int64) map[string]any {
	t.Helper()
	code, cl, _ := c.call("GET", "/api/v1/claims/"+itoa(id), nil)
	if code != 200 {
		t.Fatalf("get claim %d: %d", id, code)
	}
	return cl
}

func TestRevisionReanchorsClaims(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	id, text := createArticle(t, c, summitReport)
	putin := markQuote(t, c, id, "The Russian state has never interfered and is not going to interfere in internal American affairs including the election process")
	indict := markQuote(t, c, id, "a grand jury indicted 12 Russian intelligence officers")
	jobs := markQuote(t, c, id, "Unemployment fell to 4.2% in May")
	paras := strings.Split(text, "\n\n")
	// Move Putin's paragraph to the top, reword the indictment, and delete the jobs sentence.
	reworded := strings.Replace(paras[2], "a grand jury indicted 12 Russian intelligence officers", "a grand jury charged 12 Russian military intelligence officers", 1)
	newText := strings.Join([]string{paras[1], paras[0], reworded}, "\n\n")
	code, body, _ := c.call("PUT", "/api/v1/articles/"+itoa(id)+"/text", map[string]any{"text": newText, "note": "Moved the indictment up; reworded", "revision": 1})
	if code != 200 || num(body, "revision") != 2 {
		t.Fatalf("PUT text: %d %v", code, body)
	}
	re := body["reanchor"].(map[string]any)
	if num(re, "anchored") != 1 || num(re, "changed") != 1 || num(re, "orphaned") != 1 {
		t.Fatalf("reanchor summary = %v, want 1 anchored, 1 changed, 1 orphaned", re)
	}
	p := getClaim(t, c, putin)
	if p["anchor"].(map[string]any)["state"] != "anchored" || num(p, "start") != cp(newText, "The Russian state") || p["state"] != "new" {
		t.Fatalf("Putin's claim: %v", p)
	}
	in := getClaim(t, c, indict)
	anc := in["anchor"].(map[string]any)
	if anc["state"] != "changed" || anc["previous_quote"] != "a grand jury indicted 12 Russian intelligence officers" || in["state"] != "new" || !strings.Contains(in["quote"].(string), "charged 12 Russian military") {
		t.Fatalf("reworded claim: %v", in)
	}
	if num(anc, "revision") != 2 {
		t.Fatalf("anchor revision = %v", anc)
	}
	j := getClaim(t, c, jobs)
	if j["anchor"].(map[string]any)["state"] != "orphaned" || j["quote"] != "Unemployment fell to 4.2% in May" || j["state"] != "new" {
		t.Fatalf("deleted sentence: %v", j)
	}
	// Revisions are kept and listed.
	code, revs, _ := c.call("GET", "/api/v1/articles/"+itoa(id)+"/revisions", nil)
	if items, _ := revs["items"].([]any); code != 200 || len(items) != 2 {
		t.Fatalf("revisions: %d %v", code, revs)
	}
	if code, r1, _ := c.call("GET", "/api/v1/articles/"+itoa(id)+"/revisions/1", nil); code != 200 || r1["text"] != text {
		t.Fatalf("revision 1: %d", code)
	}
	// Re-attach the orphan by quoting; confirm the changed claim where it is.
	code, ra, _ := c.call("POST", "/api/v1/claims/"+itoa(jobs)+"/reattach", map[string]any{"version": num(j, "version"), "quote": "Putin said"})
	if code != 200 || ra["anchor"].(map[string]any)["state"] != "anchored" || ra["quote"] != "Putin said" {
		t.Fatalf("reattach: %d %v", code, ra)
	}
	h, _ := a.store.History(context.Background(), historyQuery(indict))
	if len(h) < 2 || h[len(h)-1].Action != "reanchored" || !strings.Contains(h[len(h)-1].Changes, `"anchor_state":["anchored","changed"]`) {
		t.Fatalf("history of the changed claim: %+v", h)
	}
}

func TestRevisionBadInput(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	id, text := createArticle(t, c, summitReport)
	path := "/api/v1/articles/" + itoa(id) + "/text"
	tests := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"empty text", map[string]any{"text": "  "}, 422, "text"},
		{"5 MB", map[string]any{"text": strings.Repeat("Grand jury. ", 5<<20/12+10)}, 422, "text"},
		{"html that sanitises to nothing", map[string]any{"html": "<script>alert(1)</script><style>p{}</style>"}, 422, "html"},
		{"both text and html", map[string]any{"text": "a", "html": "<p>b</p>"}, 422, "text"},
		{"neither", map[string]any{"note": "x"}, 422, "text"},
		{"unchanged", map[string]any{"text": text}, 422, "text"},
		{"unknown field", map[string]any{"text": "x", "title": "y"}, 400, "title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := c.call("PUT", path, tt.body)
			if code != tt.status || fields(body)[tt.field] == nil {
				t.Fatalf("status %d (want %d), fields %v (want %q)", code, tt.status, fields(body), tt.field)
			}
		})
	}
	if code, _, _ := c.call("PUT", path, map[string]any{"text": text + "\n\nA new paragraph.", "revision": 1}); code != 200 {
		t.Fatalf("first save: %d", code)
	}
	code, body, _ := c.call("PUT", path, map[string]any{"text": text + "\n\nAnother paragraph.", "revision": 1})
	if code != http.StatusConflict || !strings.Contains(body["error"].(string), "revision 2") {
		t.Fatalf("stale revision: %d %v", code, body)
	}
	viewer := a.apiClient(models.RoleViewer)
	if code, _, _ := viewer.call("PUT", path, map[string]any{"text": "x"}); code != http.StatusForbidden {
		t.Fatalf("viewer: %d", code)
	}
	if code, _, _ := c.call("PUT", "/api/v1/articles/999/text", map[string]any{"text": "x"}); code != 404 {
		t.Fatalf("missing article: %d", code)
	}
}

func TestRevisionDuplicateQuoteNeverMovesToTheWrongOne(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	id, _ := createArticle(t, c, "Officials said prices rose sharply in March.\n\nAnalysts expect a calm summer.")
	claim := markQuote(t, c, id, "prices rose sharply")
	// The original sentence is reworded while the same words now appear in a new, unrelated paragraph.
	newText := "Traders said prices rose sharply on Tuesday after the storm.\n\nOfficials said costs climbed in March.\n\nAnalysts expect a calm summer."
	if code, body, _ := c.call("PUT", "/api/v1/articles/"+itoa(id)+"/text", map[string]any{"text": newText}); code != 200 {
		t.Fatalf("PUT: %d %v", code, body)
	}
	cl := getClaim(t, c, claim)
	state := cl["anchor"].(map[string]any)["state"]
	if state == "anchored" {
		t.Fatalf("claim anchored to the look-alike in another sentence: %v", cl)
	}
	if state == "changed" && num(cl, "start") < strings.Index(newText, "Officials") {
		t.Fatalf("changed claim placed in the wrong paragraph: %v", cl)
	}
}

func TestRevisionMovedAndRewordedIsNeverAnchoredElsewhere(t *testing.T) {
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	id, text := createArticle(t, c, summitReport)
	indict := markQuote(t, c, id, "a grand jury indicted 12 Russian intelligence officers")
	paras := strings.Split(text, "\n\n")
	reworded := strings.Replace(paras[2], "a grand jury indicted 12 Russian intelligence officers", "a grand jury charged 12 Russian military intelligence officers", 1)
	if code, _, _ := c.call("PUT", "/api/v1/articles/"+itoa(id)+"/text", map[string]any{"text": strings.Join([]string{reworded, paras[0], paras[1]}, "\n\n")}); code != 200 {
		t.Fatal(code)
	}
	in := getClaim(t, c, indict)
	switch in["anchor"].(map[string]any)["state"] {
	case "changed":
		if !strings.Contains(in["quote"].(string), "charged 12 Russian") {
			t.Fatalf("changed, but placed on %q", in["quote"])
		}
	case "orphaned":
	default:
		t.Fatalf("a moved and reworded claim was anchored: %v", in)
	}
	if in["state"] != "new" { // never reviewed: the anchor flag says what changed, the state stays
		t.Fatalf("state = %v, want new", in["state"])
	}
}

func TestRevisionPagesEditReviewAndDiff(t *testing.T) {
	a := newApp(t)
	b := a.signIn(models.RoleEditor)
	b.get("/articles/new")
	res := b.postForm("/articles", url.Values{"title": {"Summit"}, "text": {summitReport}})
	articlePath := res.Header.Get("Location")
	b.get(articlePath)
	b.postForm(articlePath+"/claims", url.Values{"quote": {"a grand jury indicted 12 Russian intelligence officers"}})
	b.get(articlePath + "/edit")
	edited := strings.Replace(summitReport, "indicted 12 Russian", "indicted 13 Russian", 1)
	res = b.postForm(articlePath+"/text", url.Values{"text": {edited}, "note": {"Correction: 13"}, "revision": {"1"}})
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "/reanchor") {
		t.Fatalf("save revision: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	review := b.get(res.Header.Get("Location"))
	if !strings.Contains(review.Body, "a grand jury indicted <del>12</del><ins>13</ins> Russian intelligence officers") || !strings.Contains(review.Body, "Confirm the new text") {
		t.Fatalf("review page lacks the changed claim:\n%s", between(review.Body, "<main", "</main>"))
	}
	// Saving again from the stale form is a conflict that keeps the typed text.
	b.get(articlePath + "/edit")
	res = b.postForm(articlePath+"/text", url.Values{"text": {edited + "\n\nMore."}, "revision": {"1"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "More.") {
		t.Fatalf("stale page save: %d", res.StatusCode)
	}
	version := between(review.Body, `name="version" value="`, `"`)
	start := between(review.Body, `name="start" value="`, `"`)
	end := between(review.Body, `name="end" value="`, `"`)
	res = b.postForm("/claims/1/reattach", url.Values{"version": {version}, "start": {start}, "end": {end}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", res.StatusCode, res.Body)
	}
	if review := b.get(articlePath + "/reanchor"); !strings.Contains(review.Body, "Nothing to review") {
		t.Fatalf("after confirming, review page still lists claims")
	}
	diff := b.get(articlePath + "/diff?from=1&to=2")
	if diff.StatusCode != 200 || !strings.Contains(diff.Body, "<del>12</del><ins>13</ins>") {
		t.Fatalf("diff: %d\n%s", diff.StatusCode, diff.Body[strings.Index(diff.Body, `data-testid="diff"`):])
	}
	if res := b.get(articlePath + "/diff?from=1&to=9"); res.StatusCode != 400 {
		t.Fatalf("diff with a bad revision: %d", res.StatusCode)
	}
	if res := b.get(articlePath + "/revisions"); !strings.Contains(res.Body, "Correction: 13") {
		t.Fatalf("revisions page lacks the note")
	}
}

// TestRevisionOnTheHelsinkiArticle is the acceptance case on the real story.
func TestRevisionOnTheHelsinkiArticle(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "corpus", "helsinki-summit.txt"))
	if err != nil {
		t.Skip("../shared/corpus is not here: skipping the Helsinki acceptance case")
	}
	a := newApp(t)
	c := a.apiClient(models.RoleEditor)
	id, text := createArticle(t, c, string(raw))
	putin := markQuote(t, c, id, "The Russian state has never interfered and is not going to interfere in internal American affairs including the election process")
	indict := markQuote(t, c, id, "a grand jury indicted 12 Russian intelligence officers")
	paras := strings.Split(text, "\n\n")
	var moved []string
	for i, p := range paras {
		if strings.Contains(p, "grand jury") {
			p = strings.Replace(p, "a grand jury indicted 12 Russian intelligence officers", "a grand jury charged 12 Russian military intelligence officers", 1)
		}
		if i == len(paras)-1 {
			moved = append([]string{p}, moved...) // the last paragraph moves to the top
			continue
		}
		moved = append(moved, p)
	}
	code, body, _ := c.call("PUT", "/api/v1/articles/"+itoa(id)+"/text", map[string]any{"text": strings.Join(moved, "\n\n")})
	if code != 200 {
		t.Fatalf("PUT: %d %v", code, body)
	}
	if p := getClaim(t, c, putin); p["anchor"].(map[string]any)["state"] != "anchored" {
		t.Fatalf("Putin's claim: %v", p["anchor"])
	}
	if in := getClaim(t, c, indict); in["anchor"].(map[string]any)["state"] != "changed" || in["state"] != "new" {
		t.Fatalf("indictment claim: %v %v", in["anchor"], in["state"])
	}
}

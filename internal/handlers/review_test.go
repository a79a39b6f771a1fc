package handlers_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/claimdesk/claimdesk/internal/handlers"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
	"github.com/claimdesk/claimdesk/static"
)

// rvHelsinki is the fixture of the review tests: a wire report of the 2018
// Helsinki summit.
const rvHelsinki = `HELSINKI (Wire) — President Donald Trump said on Monday that he saw no reason Russia would have interfered in the 2016 election, siding with Vladimir Putin over his own intelligence agencies.

Standing beside Trump, Putin said he had wanted Trump to win because he talked about normalising relations. Putin also said Russia had never interfered in American affairs.`

// rvNewApp is newApp with the database URL kept, so a test can reach the
// database behind the application's back, as an attacker with file access would.
func rvNewApp(t *testing.T) (*app, string) {
	t.Helper()
	dbURL := storetest.URL(t)
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{URL: dbURL, PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	assets, err := static.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handlers.New(handlers.Deps{Store: st, Assets: assets, BaseURL: "http://claims.test", FetchTimeout: 2 * time.Second}))
	t.Cleanup(srv.Close)
	return &app{t: t, store: st, srv: srv}, dbURL
}

// rvRawDB opens the test database directly.
func rvRawDB(t *testing.T, dbURL string) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite3", dbURL
	if strings.HasPrefix(dbURL, "postgres") {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

var (
	rvVersionRe = regexp.MustCompile(`name="version" value="(\d+)"`)
	rvSeenRe    = regexp.MustCompile(`name="seen" value="(\d+)"`)
)

// rvForm is the claim page's review state as a browser sees it.
type rvForm struct {
	version, seen string
	body          string
}

func rvOpen(t *testing.T, b *browser, claimID int64) rvForm {
	t.Helper()
	res := b.get("/claims/" + itoa(claimID))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET claim %d: %d", claimID, res.StatusCode)
	}
	f := rvForm{body: res.Body}
	if m := rvVersionRe.FindStringSubmatch(res.Body); m != nil {
		f.version = m[1]
	}
	if m := rvSeenRe.FindStringSubmatch(res.Body); m != nil {
		f.seen = m[1]
	}
	return f
}

// rvPost posts a review form of the claim page with the version it showed.
func rvPost(t *testing.T, b *browser, claimID int64, path string, f rvForm, v url.Values) response {
	t.Helper()
	v.Set("version", f.version)
	v.Set("seen", f.seen)
	return b.postForm("/claims/"+itoa(claimID)+path, v)
}

// rvStep posts and expects a redirect back to the claim.
func rvStep(t *testing.T, b *browser, claimID int64, path string, v url.Values) {
	t.Helper()
	f := rvOpen(t, b, claimID)
	res := rvPost(t, b, claimID, path, f, v)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s on claim %d as %s: status %d\n%s", path, claimID, b.user.Name, res.StatusCode, rvAlert(res.Body))
	}
}

var rvAlertRe = regexp.MustCompile(`(?s)<div class="alert error"[^>]*>(.*?)</div>|<p class="error-text"[^>]*>(.*?)</p>`)

// rvAlert extracts the messages of a page, for failure output.
func rvAlert(body string) string {
	var out []string
	for _, m := range rvAlertRe.FindAllStringSubmatch(body, -1) {
		out = append(out, strings.TrimSpace(html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[0], " "))))
	}
	return strings.Join(out, "\n")
}

// rvMark marks a claim by quoting it on the article page, as an editor does.
func rvMark(t *testing.T, b *browser, articleID int64, quote string) int64 {
	t.Helper()
	b.get("/articles/" + itoa(articleID))
	res := b.postForm("/articles/"+itoa(articleID)+"/claims", url.Values{"quote": {quote}, "revision": {"1"}, "claimant": {"Donald Trump"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark %q: %d\n%s", quote, res.StatusCode, rvAlert(res.Body))
	}
	loc := res.Header.Get("Location")
	id, err := strconv.ParseInt(loc[strings.LastIndex(loc, "-")+1:], 10, 64)
	if err != nil {
		t.Fatalf("mark: location %q", loc)
	}
	return id
}

func rvVerdictID(t *testing.T, a *app, label string) string {
	t.Helper()
	vs, err := a.store.Verdicts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if v.Label == label {
			return itoa(v.ID)
		}
	}
	t.Fatalf("no verdict %q", label)
	return ""
}

func rvClaim(t *testing.T, a *app, id int64) models.ClaimDetail {
	t.Helper()
	d, err := a.store.Claim(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestReviewWorkflowEndToEnd is the "done when": two fact-checkers
// and an editor take two claims from new to approved with a verdict each;
// the history shows every step with names and times; the chain check passes
// and fails after tampering; two browsers editing one claim lose nothing.
func TestReviewWorkflowEndToEnd(t *testing.T) {
	a, dbURL := rvNewApp(t)
	ed, fa, fb := a.signIn(models.RoleEditor), a.signIn(models.RoleFactChecker), a.signIn(models.RoleFactChecker)
	art := storetest.Article(t, a.store, ed.user, "Trump sides with Putin in Helsinki", rvHelsinki)
	one := rvMark(t, ed, art.ID, "he saw no reason Russia would have interfered in the 2016 election")
	two := rvMark(t, ed, art.ID, "Russia had never interfered in American affairs")
	falseID, misleadingID := rvVerdictID(t, a, "False"), rvVerdictID(t, a, "Misleading")

	// Claim one: a proposes False, b signs it off.
	rvStep(t, fa, one, "/state", url.Values{"state": {"researching"}})
	rvStep(t, fa, one, "/review", url.Values{"verdict": {falseID}, "explanation": {"US intelligence agencies and the Senate found that Russia interfered."},
		"rationale": {"The January 2017 assessment of the CIA, FBI and NSA.\r\n\r\nThe Senate intelligence committee confirmed it."}, "assignee": {itoa(fa.user.ID)}, "due": {"2018-07-20"}})
	rvStep(t, fa, one, "/state", url.Values{"state": {"in_review"}})
	f := rvOpen(t, fa, one)
	if res := rvPost(t, fa, one, "/approvals", f, url.Values{"approve": {"true"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "someone else must sign it off") {
		t.Fatalf("approving own verdict: %d %s", res.StatusCode, rvAlert(res.Body))
	}
	if !strings.Contains(f.body, `data-testid="why-not"`) {
		t.Fatal("the proposer's page does not say why they cannot sign off")
	}
	if res := rvPost(t, ed, one, "/approvals", rvOpen(t, ed, one), url.Values{"approve": {"true"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("editor approving: %d", res.StatusCode)
	}
	rvStep(t, fb, one, "/approvals", url.Values{"approve": {"true"}, "note": {"Checked against the Senate report."}})
	if d := rvClaim(t, a, one); d.State != models.StateApproved || d.Verdict == nil || d.Verdict.Label != "False" || d.Due == nil {
		t.Fatalf("claim one: state %s verdict %v", d.State, d.Verdict)
	}
	ed.get("/claims/" + itoa(one))
	if res := ed.postForm("/claims/"+itoa(one)+"/comments", url.Values{"body": {"Headline desk: can we run this tonight?"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("editor comment: %d", res.StatusCode)
	}

	// Claim two: b proposes Misleading, a rejects it, b revises, a signs off.
	rvStep(t, fb, two, "/state", url.Values{"state": {"researching"}})
	rvStep(t, fb, two, "/review", url.Values{"verdict": {misleadingID}, "explanation": {"Russia has interfered before."}, "assignee": {itoa(fb.user.ID)}})
	rvStep(t, fb, two, "/state", url.Values{"state": {"in_review"}})
	if res := rvPost(t, fa, two, "/approvals", rvOpen(t, fa, two), url.Values{"approve": {"false"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Say why you reject") {
		t.Fatalf("rejecting without a note: %d %s", res.StatusCode, rvAlert(res.Body))
	}
	rvStep(t, fa, two, "/approvals", url.Values{"approve": {"false"}, "note": {"It is false, not misleading: cite the Mueller indictments."}})
	if d := rvClaim(t, a, two); d.State != models.StateResearching {
		t.Fatalf("after rejection: %s", d.State)
	}
	rvStep(t, fb, two, "/review", url.Values{"verdict": {falseID}, "explanation": {"The Mueller indictments document Russian interference in 2016."}, "assignee": {itoa(fb.user.ID)}})
	rvStep(t, fb, two, "/state", url.Values{"state": {"in_review"}})
	rvStep(t, fa, two, "/approvals", url.Values{"approve": {"true"}})
	if d := rvClaim(t, a, two); d.State != models.StateApproved || d.Verdict.Label != "False" || d.ReviewRound != 2 {
		t.Fatalf("claim two: state %s verdict %v round %d", d.State, d.Verdict, d.ReviewRound)
	}

	// The history shows every step, with names and times.
	api := a.apiClient(models.RoleViewer)
	steps := func(id int64) []string {
		code, body, _ := api.call("GET", "/api/v1/claims/"+itoa(id)+"/history", nil)
		if code != http.StatusOK {
			t.Fatalf("history: %d", code)
		}
		var out []string
		for _, it := range body["items"].([]any) {
			e := it.(map[string]any)
			at, err := time.Parse(time.RFC3339Nano, e["at"].(string))
			if err != nil || time.Since(at) > time.Hour {
				t.Fatalf("entry time %v: %v", e["at"], err)
			}
			out = append(out, e["actor"].(map[string]any)["name"].(string)+": "+e["entity_type"].(string)+" "+e["action"].(string))
		}
		return out
	}
	wantOne := []string{
		ed.user.Name + ": claim created",
		fa.user.Name + ": claim state changed",
		fa.user.Name + ": claim updated",
		fa.user.Name + ": claim state changed",
		fb.user.Name + ": approval approved",
		fb.user.Name + ": claim state changed",
	}
	wantTwo := []string{
		ed.user.Name + ": claim created",
		fb.user.Name + ": claim state changed",
		fb.user.Name + ": claim updated",
		fb.user.Name + ": claim state changed",
		fa.user.Name + ": approval rejected",
		fa.user.Name + ": claim state changed",
		fb.user.Name + ": claim updated",
		fb.user.Name + ": claim state changed",
		fa.user.Name + ": approval approved",
		fa.user.Name + ": claim state changed",
	}
	for id, want := range map[int64][]string{one: wantOne, two: wantTwo} {
		if got := steps(id); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("history of claim %d:\n%s\nwant:\n%s", id, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	page := rvOpen(t, ed, two).body
	for _, want := range []string{
		"<strong>" + fa.user.Name + "</strong> rejected the verdict on",
		"It is false, not misleading: cite the Mueller indictments.",
		"<del>Misleading</del> → <ins>False</ins>",
		"<del>In review</del> → <ins>Researching</ins>",
		"<del>Researching</del> → <ins>In review</ins>",
		`<time datetime="`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("claim page history lacks %q", want)
		}
	}
	articleHist := ed.get("/articles/" + itoa(art.ID) + "/history")
	if articleHist.StatusCode != http.StatusOK || strings.Count(articleHist.Body, `href="/claims/`+itoa(two)+`"`) != len(wantTwo) ||
		!strings.Contains(articleHist.Body, "<strong>"+fb.user.Name+"</strong> approved the verdict on") {
		t.Fatalf("article history page: %d, %d links to claim two", articleHist.StatusCode, strings.Count(articleHist.Body, `href="/claims/`+itoa(two)+`"`))
	}
	if !strings.Contains(rvOpen(t, fb, one).body, "Headline desk: can we run this tonight?") {
		t.Fatal("the comment is not on the claim page")
	}

	// The chain verifies, and fails after a row is changed in the database.
	ctx := context.Background()
	r, err := a.store.VerifyHistory(ctx)
	if err != nil || !r.OK {
		t.Fatalf("verify: %+v, %v", r, err)
	}
	raw := rvRawDB(t, dbURL)
	if _, err := raw.Exec(`UPDATE history_entries SET actor_name = 'Mallory' WHERE entity_type = 'approval'`); err == nil {
		t.Fatal("UPDATE of history succeeded despite the append-only trigger")
	}
	disable := `DROP TRIGGER history_no_update`
	if a.store.Dialect() == "postgres" {
		disable = `ALTER TABLE history_entries DISABLE TRIGGER history_no_update`
	}
	if _, err := raw.Exec(disable); err != nil {
		t.Fatal(err)
	}
	var target int64
	if err := raw.QueryRow(`SELECT min(id) FROM history_entries WHERE entity_type = 'approval'`).Scan(&target); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE history_entries SET actor_name = 'Mallory' WHERE id = ` + strconv.FormatInt(target, 10)); err != nil {
		t.Fatal(err)
	}
	r, err = a.store.VerifyHistory(ctx)
	if err != nil || r.OK || r.BrokenAt != target {
		t.Fatalf("verify after tampering with entry %d: %+v, %v", target, r, err)
	}
}

// Two browsers edit the same claim at once: the second gets a conflict that
// shows what changed, keeps their input, and neither edit is lost.
func TestReviewConcurrentEditsLoseNothing(t *testing.T) {
	a, _ := rvNewApp(t)
	ed, fa, fb := a.signIn(models.RoleEditor), a.signIn(models.RoleFactChecker), a.signIn(models.RoleFactChecker)
	art := storetest.Article(t, a.store, ed.user, "Helsinki", rvHelsinki)
	id := rvMark(t, ed, art.ID, "Putin said he had wanted Trump to win")
	rvStep(t, fa, id, "/state", url.Values{"state": {"researching"}})

	pageA, pageB, pageE := rvOpen(t, fa, id), rvOpen(t, fb, id), rvOpen(t, ed, id)
	review := func(f rvForm, v url.Values) url.Values {
		for _, k := range []string{"verdict", "explanation", "rationale", "assignee", "due"} {
			if v.Get(k) == "" {
				v.Set(k, "")
			}
			v.Set("orig_"+k, "")
		}
		return v
	}
	// a writes the explanation; b, on the same version, sets the due date and assignee.
	res := rvPost(t, fa, id, "/review", pageA, review(pageA, url.Values{"explanation": {"Putin said so at the press conference."}}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a's save: %d %s", res.StatusCode, rvAlert(res.Body))
	}
	res = rvPost(t, fb, id, "/review", pageB, review(pageB, url.Values{"due": {"2018-07-25"}, "assignee": {itoa(fb.user.ID)}}))
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("b's stale save: %d, want 409", res.StatusCode)
	}
	for _, want := range []string{"Someone else changed this claim", "What changed since you opened the page", "<strong>" + fa.user.Name + "</strong> edited",
		"Putin said so at the press conference.", `name="due" value="2018-07-25"`} {
		if !strings.Contains(res.Body, want) {
			t.Fatalf("conflict page lacks %q:\n%s", want, rvAlert(res.Body))
		}
	}
	// b left the explanation alone, so the merged form carries a's text, not b's stale empty one.
	if !regexp.MustCompile(`name="explanation"[^>]*>Putin said so at the press conference.</textarea>`).MatchString(res.Body) {
		t.Fatalf("the merged form lost a's explanation")
	}
	// b saves the merged form: both edits are kept.
	merged := rvForm{version: rvVersionRe.FindStringSubmatch(res.Body)[1], seen: rvSeenRe.FindStringSubmatch(res.Body)[1]}
	res = rvPost(t, fb, id, "/review", merged, url.Values{"explanation": {"Putin said so at the press conference."}, "due": {"2018-07-25"}, "assignee": {itoa(fb.user.ID)},
		"verdict": {""}, "rationale": {""}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("b's second save: %d %s", res.StatusCode, rvAlert(res.Body))
	}
	// The editor, on the first version too, edits the summary: a conflict, then saved.
	res = ed.postForm("/claims/"+itoa(id), url.Values{"version": {pageE.version}, "summary": {"Putin wanted Trump to win"}, "type": {"quote"}, "claimant": {"Donald Trump"}})
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("editor's stale save: %d", res.StatusCode)
	}
	res = ed.postForm("/claims/"+itoa(id), url.Values{"version": {rvVersionRe.FindStringSubmatch(res.Body)[1]}, "summary": {"Putin wanted Trump to win"}, "type": {"quote"}, "claimant": {"Donald Trump"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("editor's second save: %d %s", res.StatusCode, rvAlert(res.Body))
	}
	d := rvClaim(t, a, id)
	if d.Explanation != "Putin said so at the press conference." || d.Due == nil || d.Due.Format("2006-01-02") != "2018-07-25" ||
		d.AssigneeID == nil || *d.AssigneeID != fb.user.ID || d.Summary != "Putin wanted Trump to win" {
		t.Fatalf("after both edits: explanation %q due %v assignee %v summary %q", d.Explanation, d.Due, d.AssigneeID, d.Summary)
	}
	// Where both changed the same field, b's value stays in the field with a note.
	pageA, pageB = rvOpen(t, fa, id), rvOpen(t, fb, id)
	rvPost(t, fa, id, "/review", pageA, url.Values{"explanation": {"From a."}, "due": {"2018-07-25"}, "assignee": {itoa(fb.user.ID)},
		"orig_explanation": {d.Explanation}, "orig_due": {"2018-07-25"}, "orig_assignee": {itoa(fb.user.ID)}, "orig_verdict": {""}, "orig_rationale": {""}})
	res = rvPost(t, fb, id, "/review", pageB, url.Values{"explanation": {"From b."}, "due": {"2018-07-25"}, "assignee": {itoa(fb.user.ID)},
		"orig_explanation": {d.Explanation}, "orig_due": {"2018-07-25"}, "orig_assignee": {itoa(fb.user.ID)}, "orig_verdict": {""}, "orig_rationale": {""}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, `data-testid="now-explanation"`) || !strings.Contains(res.Body, "From b.</textarea>") ||
		!strings.Contains(res.Body, "Changed meanwhile to “From a.”") {
		t.Fatalf("same-field conflict: %d\n%s", res.StatusCode, rvAlert(res.Body))
	}
}

// The JSON API of the review workflow, with its bad input.
func TestReviewAPI(t *testing.T) {
	a := newApp(t)
	ed, fa, fb := a.apiClient(models.RoleEditor), a.apiClient(models.RoleFactChecker), a.apiClient(models.RoleFactChecker)
	viewer := a.apiClient(models.RoleViewer)
	art := storetest.Article(t, a.store, ed.user, "Helsinki", rvHelsinki)
	code, cl, _ := ed.call("POST", "/api/v1/articles/"+itoa(art.ID)+"/claims", map[string]any{"quote": "Putin said he had wanted Trump to win", "claimant": "Vladimir Putin"})
	if code != http.StatusCreated {
		t.Fatalf("mark: %d %v", code, cl)
	}
	path := "/api/v1/claims/" + itoa(int64(num(cl, "id")))
	version := func() int {
		_, c, _ := viewer.call("GET", path, nil)
		return num(c, "version")
	}
	bad := []struct {
		name   string
		who    *client
		body   map[string]any
		header []string
		status int
		field  string
	}{
		{"unknown state", fa, map[string]any{"state": "done"}, nil, 422, "state"},
		{"illegal transition", fa, map[string]any{"state": "published"}, nil, 422, "state"},
		{"approve by hand", fa, map[string]any{"state": "approved"}, nil, 422, "state"},
		{"unknown verdict", fa, map[string]any{"verdict": "Pants on fire"}, nil, 422, "verdict"},
		{"unknown verdict id", fa, map[string]any{"verdict": 99999}, nil, 422, "verdict"},
		{"due date unreadable", fa, map[string]any{"due": "20/07/2018"}, nil, 422, "due"},
		{"assignee unknown", fa, map[string]any{"assignee": "ghost@example.org"}, nil, 422, "assignee"},
		{"viewer sets a verdict", viewer, map[string]any{"verdict": "False"}, nil, 403, ""},
		{"editor sets a verdict", ed, map[string]any{"verdict": "False"}, nil, 403, ""},
		{"editor sets a state", ed, map[string]any{"state": "researching"}, nil, 403, ""},
		{"stale version", fa, map[string]any{"state": "researching", "version": 0}, nil, 409, ""},
		{"stale If-Match", fa, map[string]any{"state": "researching"}, []string{"If-Match", `"claim-` + itoa(int64(num(cl, "id"))) + `-v99"`}, 409, ""},
		{"no version", fa, map[string]any{"state": "researching"}, []string{"X-No-Version", "1"}, 422, "version"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			before := version()
			body := map[string]any{}
			for k, v := range tt.body {
				body[k] = v
			}
			if _, ok := body["version"]; ok {
				body["version"] = before + 5
			} else if tt.header == nil {
				body["version"] = before
			}
			code, out, _ := tt.who.call("PATCH", path, body, tt.header...)
			if code != tt.status {
				t.Fatalf("status %d, want %d: %v", code, tt.status, out)
			}
			if tt.field != "" && fields(out)[tt.field] == nil {
				t.Fatalf("no message on %s: %v", tt.field, out)
			}
			if out["error"] == "" {
				t.Fatalf("no error message: %v", out)
			}
			if after := version(); after != before {
				t.Fatalf("a refused change wrote: version %d → %d", before, after)
			}
		})
	}
	// Through the workflow by API.
	patch := func(c *client, body map[string]any) map[string]any {
		t.Helper()
		body["version"] = version()
		code, out, _ := c.call("PATCH", path, body)
		if code != http.StatusOK {
			t.Fatalf("PATCH %v: %d %v", body, code, out)
		}
		return out
	}
	patch(fa, map[string]any{"state": "researching", "assignee": fa.user.Email, "due": "2018-07-20"})
	out := patch(fa, map[string]any{"verdict": "True", "explanation": "Putin said so in Helsinki.", "state": "in_review"})
	if out["state"] != "in_review" || out["verdict"].(map[string]any)["label"] != "True" || out["assignee"].(map[string]any)["id"] != float64(fa.user.ID) {
		t.Fatalf("after proposing: %v", out)
	}
	code, res, _ := fa.call("POST", path+"/approvals", map[string]any{"approve": true})
	if code != 422 || fields(res)["approve"] == nil {
		t.Fatalf("approving own verdict: %d %v", code, res)
	}
	for _, c := range []*client{ed, viewer} {
		if code, res, _ := c.call("POST", path+"/approvals", map[string]any{"approve": true}); code != 403 {
			t.Fatalf("%s approving: %d %v", c.user.Role, code, res)
		}
	}
	if code, res, _ := fb.call("POST", path+"/approvals", map[string]any{"note": "ok"}); code != 422 || fields(res)["approve"] == nil {
		t.Fatalf("approval without approve: %d %v", code, res)
	}
	if code, res, _ := fb.call("POST", path+"/approvals", map[string]any{"approve": "yes"}); code != 400 {
		t.Fatalf("approve as a string: %d %v", code, res)
	}
	if code, res, _ := fb.call("POST", path+"/approvals", map[string]any{"approve": true, "version": version() - 1}); code != 409 {
		t.Fatalf("stale approval: %d %v", code, res)
	}
	code, res, hdr := fb.call("POST", path+"/approvals", map[string]any{"approve": true, "note": "Verified the transcript.", "version": version()})
	if code != 201 || res["claim"].(map[string]any)["state"] != "approved" || num(res, "approvals") != 1 || num(res, "required") != 1 || hdr.Get("ETag") == "" {
		t.Fatalf("approval: %d %v", code, res)
	}
	_, list, _ := viewer.call("GET", path+"/approvals", nil)
	if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["user"].(map[string]any)["name"] != fb.user.Name {
		t.Fatalf("approvals list: %v", list)
	}
	// Comments.
	if code, res, _ := viewer.call("POST", path+"/comments", map[string]any{"body": "hi"}); code != 403 {
		t.Fatalf("viewer comments: %d %v", code, res)
	}
	if code, res, _ := ed.call("POST", path+"/comments", map[string]any{"body": "  "}); code != 422 || fields(res)["body"] == nil {
		t.Fatalf("empty comment: %d %v", code, res)
	}
	if code, res, _ := ed.call("POST", path+"/comments", map[string]any{"body": "Ready for the 6pm bulletin?", "extra": 1}); code != 400 {
		t.Fatalf("unknown field: %d %v", code, res)
	}
	for _, c := range []*client{ed, fb} {
		if code, res, _ := c.call("POST", path+"/comments", map[string]any{"body": "From " + c.user.Name}); code != 201 || res["author"].(map[string]any)["name"] != c.user.Name {
			t.Fatalf("comment: %d %v", code, res)
		}
	}
	_, cs, _ := viewer.call("GET", path+"/comments", nil)
	if items := cs["items"].([]any); len(items) != 2 || items[1].(map[string]any)["body"] != "From "+fb.user.Name {
		t.Fatalf("comments: %v", cs)
	}
	_, cs, _ = viewer.call("GET", path+"/comments?limit=1", nil)
	if cs["next"] == nil || len(cs["items"].([]any)) != 1 {
		t.Fatalf("comments page: %v", cs)
	}
	// History.
	_, h, _ := viewer.call("GET", path+"/history", nil)
	items := h["items"].([]any)
	last := items[len(items)-1].(map[string]any)
	if len(items) != 5 || last["action"] != "state changed" || last["changes"].(map[string]any)["state"].([]any)[1] != "approved" || last["hash"] == "" {
		t.Fatalf("history: %d items, last %v", len(items), last)
	}
	_, ah, _ := viewer.call("GET", "/api/v1/articles/"+itoa(art.ID)+"/history?limit=2", nil)
	if len(ah["items"].([]any)) != 2 || ah["next"] == nil {
		t.Fatalf("article history: %v", ah)
	}
	if code, _, _ := viewer.call("GET", "/api/v1/claims/999999/history", nil); code != 404 {
		t.Fatalf("history of a missing claim: %d", code)
	}
}

func TestBoardAPIAndPage(t *testing.T) {
	a := newApp(t)
	ed, fa := a.apiClient(models.RoleEditor), a.apiClient(models.RoleFactChecker)
	art := storetest.Article(t, a.store, ed.user, "Helsinki", rvHelsinki)
	var ids []int64
	for _, q := range []string{"he saw no reason Russia would have interfered", "Putin said he had wanted Trump to win", "Russia had never interfered in American affairs"} {
		code, cl, _ := ed.call("POST", "/api/v1/articles/"+itoa(art.ID)+"/claims", map[string]any{"quote": q, "claimant": "Donald Trump"})
		if code != 201 {
			t.Fatalf("mark: %d %v", code, cl)
		}
		ids = append(ids, int64(num(cl, "id")))
	}
	code, out, _ := fa.call("PATCH", "/api/v1/claims/"+itoa(ids[0]), map[string]any{"version": 1, "state": "researching", "assignee": fa.user.ID, "due": "2018-07-01", "verdict": "False"})
	if code != 200 {
		t.Fatalf("patch: %d %v", code, out)
	}
	get := func(q string) (int, map[string]any) {
		code, out, _ := ed.call("GET", "/api/v1/claims"+q, nil)
		return code, out
	}
	good := map[string][]int64{
		"":                           {ids[2], ids[1], ids[0]},
		"?state=researching":         {ids[0]},
		"?verdict=false":             {ids[0]},
		"?verdict=none":              {ids[2], ids[1]},
		"?assignee=" + fa.user.Email: {ids[0]},
		"?assignee=none&state=new":   {ids[2], ids[1]},
		"?claimant=Donald+Trump":     {ids[2], ids[1], ids[0]},
		"?article=" + itoa(art.ID):   {ids[2], ids[1], ids[0]},
		"?overdue=true":              {ids[0]},
		"?no_evidence=1&per_page=2":  {ids[2], ids[1]},
		"?per_page=2&page=2":         {ids[0]},
		"?state=researching&assignee=" + itoa(fa.user.ID): {ids[0]},
	}
	for q, want := range good {
		code, out := get(q)
		if code != 200 {
			t.Fatalf("GET %s: %d %v", q, code, out)
		}
		var got []int64
		for _, it := range out["items"].([]any) {
			got = append(got, int64(num(it.(map[string]any), "id")))
		}
		if len(got) != len(want) || (len(got) > 0 && got[0] != want[0]) || got[len(got)-1] != want[len(want)-1] {
			t.Errorf("GET %s: ids %v, want %v", q, got, want)
		}
	}
	_, all := get("?per_page=2")
	if num(all, "total") != 3 || all["next"] == nil || !strings.Contains(all["next"].(string), "page=2") || num(all["counts"].(map[string]any), "new") != 2 {
		t.Fatalf("counts and next: %v", all)
	}
	badQ := map[string]string{
		"?state=closed":          "state",
		"?verdict=Pants+on+fire": "verdict",
		"?assignee=ghost":        "assignee",
		"?claimant=Nobody":       "claimant",
		"?article=abc":           "article",
		"?article=999999":        "article",
		"?overdue=maybe":         "overdue",
		"?page=0":                "page",
		"?page=x":                "page",
		"?per_page=1000":         "per_page",
	}
	for q, field := range badQ {
		code, out := get(q)
		if (code != 400 && code != 422) || fields(out)[field] == nil {
			t.Errorf("GET %s: %d %v, want 400/422 with a message on %s", q, code, out, field)
		}
	}
	// The page shows the same, with messages for bad filters.
	b := a.signIn(models.RoleViewer)
	res := b.get("/board?state=researching")
	if res.StatusCode != 200 || strings.Count(res.Body, "<tr data-claim=") != 1 || !strings.Contains(res.Body, "Showing 1–1 of 1 claim") {
		t.Fatalf("board page: %d", res.StatusCode)
	}
	res = b.get("/board?verdict=Pants+on+fire")
	if res.StatusCode != 422 || !strings.Contains(res.Body, "Unknown verdict") {
		t.Fatalf("board page with a bad filter: %d", res.StatusCode)
	}
	for _, p := range []string{"/queue", "/dashboard"} {
		if res := b.get(p); res.StatusCode != 200 {
			t.Fatalf("GET %s: %d", p, res.StatusCode)
		}
	}
	dash := b.get("/dashboard").Body
	for _, want := range []string{`data-testid="verdict-chart"`, `data-testid="week-chart"`, `data-verdict="False"`, "1 · 33%"} {
		if !strings.Contains(dash, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if strings.Contains(dash, "style=") {
		t.Error("dashboard has a style attribute; the CSP forbids them")
	}
}

// History has no write routes: every method but GET is refused, through
// the API and the pages, and nothing changes.
func TestHistoryCannotBeAlteredThroughAnyRoute(t *testing.T) {
	a := newApp(t)
	adm := a.apiClient(models.RoleAdmin)
	art := storetest.Article(t, a.store, adm.user, "Helsinki", rvHelsinki)
	code, cl, _ := adm.call("POST", "/api/v1/articles/"+itoa(art.ID)+"/claims", map[string]any{"quote": "Putin said he had wanted Trump to win"})
	if code != 201 {
		t.Fatal(code)
	}
	claim := itoa(int64(num(cl, "id")))
	b := a.signIn(models.RoleAdmin)
	ctx := context.Background()
	before, _ := a.store.VerifyHistory(ctx)
	_, h, _ := adm.call("GET", "/api/v1/claims/"+claim+"/history", nil)
	entry := itoa(int64(num(h["items"].([]any)[0].(map[string]any), "id")))
	body := map[string]any{"actor_name": "Mallory", "changes": map[string]any{}}
	for _, p := range []string{"/api/v1/claims/" + claim + "/history", "/api/v1/claims/" + claim + "/history/" + entry,
		"/api/v1/articles/" + itoa(art.ID) + "/history", "/api/v1/history", "/api/v1/history/" + entry} {
		for _, m := range []string{"PUT", "PATCH", "DELETE", "POST"} {
			code, out, _ := adm.call(m, p, body)
			if code != 404 && code != 405 {
				t.Errorf("%s %s as admin: %d %v, want 404 or 405", m, p, code, out)
			}
		}
	}
	for _, p := range []string{"/articles/" + itoa(art.ID) + "/history", "/claims/" + claim + "/history", "/history/" + entry} {
		for _, m := range []string{"PUT", "PATCH", "DELETE", "POST"} {
			req, _ := http.NewRequest(m, a.srv.URL+p, strings.NewReader(url.Values{"_csrf": {b.csrf}, "actor_name": {"Mallory"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-CSRF-Token", b.csrf)
			res := b.do(req)
			if res.StatusCode != 404 && res.StatusCode != 405 {
				t.Errorf("%s %s in the browser: %d, want 404 or 405", m, p, res.StatusCode)
			}
		}
	}
	after, err := a.store.VerifyHistory(ctx)
	if err != nil || !after.OK || after.Entries != before.Entries {
		t.Fatalf("history after the attempts: %+v (before %+v), %v", after, before, err)
	}
}

func TestVerdictScalePages(t *testing.T) {
	a := newApp(t)
	adm := a.signIn(models.RoleAdmin)
	res := adm.get("/admin/verdicts")
	if res.StatusCode != 200 || !strings.Contains(res.Body, `data-verdict="Mostly false"`) {
		t.Fatalf("scale page: %d", res.StatusCode)
	}
	res = adm.postForm("/admin/verdicts", url.Values{"label": {"Pants on fire"}, "value": {"-1"}, "colour": {"#ff2200"}, "description": {"Ridiculous."}})
	if res.StatusCode != 303 {
		t.Fatalf("add: %d %s", res.StatusCode, rvAlert(res.Body))
	}
	res = adm.postForm("/admin/verdicts", url.Values{"label": {"False"}, "colour": {"red"}})
	if res.StatusCode != 422 || !strings.Contains(res.Body, "already has a label") || !strings.Contains(res.Body, "#rrggbb") {
		t.Fatalf("bad add: %d %s", res.StatusCode, rvAlert(res.Body))
	}
	vs, _ := a.store.Verdicts(context.Background())
	pof := vs[len(vs)-1]
	if pof.Label != "Pants on fire" {
		t.Fatalf("last label %q", pof.Label)
	}
	if res := adm.postForm("/admin/verdicts/"+itoa(pof.ID)+"/move", url.Values{"by": {"-1"}}); res.StatusCode != 303 {
		t.Fatalf("move: %d", res.StatusCode)
	}
	if res := adm.postForm("/admin/verdicts/"+itoa(pof.ID)+"/move", url.Values{"by": {"7"}}); res.StatusCode != 400 {
		t.Fatalf("move by 7: %d", res.StatusCode)
	}
	form := url.Values{"label": {"Pants on fire!"}, "colour": {"#ff2200"}, "version": {"1"}}
	if res := adm.postForm("/admin/verdicts/"+itoa(pof.ID), form); res.StatusCode != 303 {
		t.Fatalf("edit: %d %s", res.StatusCode, rvAlert(res.Body))
	}
	res = adm.postForm("/admin/verdicts/"+itoa(pof.ID), url.Values{"label": {"Liar"}, "colour": {"#ff2200"}, "version": {"1"}})
	if res.StatusCode != 409 || !strings.Contains(res.Body, "Someone else changed the label") || !strings.Contains(res.Body, `value="Liar"`) {
		t.Fatalf("stale edit: %d %s", res.StatusCode, rvAlert(res.Body))
	}
	// A label in use: the page offers to move its claims.
	api := a.apiClient(models.RoleFactChecker)
	art := storetest.Article(t, a.store, api.user, "Helsinki", rvHelsinki)
	_, cl, _ := api.call("POST", "/api/v1/articles/"+itoa(art.ID)+"/claims", map[string]any{"quote": "Putin said he had wanted Trump to win"})
	api.call("PATCH", "/api/v1/claims/"+itoa(int64(num(cl, "id"))), map[string]any{"version": 1, "verdict": pof.ID})
	res = adm.get("/admin/verdicts/" + itoa(pof.ID))
	if !strings.Contains(res.Body, "1 claim uses this label. Move them to") {
		t.Fatal("the scale page does not offer to move the claims of a label in use")
	}
	res = adm.postForm("/admin/verdicts/"+itoa(pof.ID)+"/delete", url.Values{})
	if res.StatusCode != 422 || !strings.Contains(res.Body, "choose the label to move them to") {
		t.Fatalf("delete in use: %d %s", res.StatusCode, rvAlert(res.Body))
	}
	res = adm.postForm("/admin/verdicts/"+itoa(pof.ID)+"/delete", url.Values{"move_to": {rvVerdictID(t, a, "False")}})
	if res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "moved=1") {
		t.Fatalf("delete with move: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if d := rvClaim(t, a, int64(num(cl, "id"))); d.Verdict == nil || d.Verdict.Label != "False" {
		t.Fatalf("moved claim verdict: %v", d.Verdict)
	}
	// Through the API.
	admAPI := a.apiClient(models.RoleAdmin)
	code, v, _ := admAPI.call("POST", "/api/v1/verdicts", map[string]any{"label": "Satire", "colour": "#123456", "not_checkable": true, "value": nil})
	if code != 201 || v["label"] != "Satire" || num(v, "version") != 1 || v["not_checkable"] != true {
		t.Fatalf("API create: %d %v", code, v)
	}
	vid := itoa(int64(num(v, "id")))
	if code, out, _ := admAPI.call("PATCH", "/api/v1/verdicts/"+vid, map[string]any{"description": "Humour."}); code != 422 || fields(out)["version"] == nil {
		t.Fatalf("API patch without version: %d %v", code, out)
	}
	if code, out, _ := admAPI.call("PATCH", "/api/v1/verdicts/"+vid, map[string]any{"description": "Humour.", "version": 1, "value": 0}); code != 200 || out["description"] != "Humour." || out["label"] != "Satire" || num(out, "value") != 0 {
		t.Fatalf("API patch: %d %v", code, out)
	}
	if code, out, _ := admAPI.call("DELETE", "/api/v1/verdicts/"+vid, nil); code != 200 || num(out, "moved") != 0 {
		t.Fatalf("API delete: %d %v", code, out)
	}
	var list map[string]any
	_, list, _ = admAPI.call("GET", "/api/v1/verdicts", nil)
	raw, _ := json.Marshal(list)
	if strings.Contains(string(raw), "Satire") {
		t.Fatal("deleted label still listed")
	}
}

// Whoever wrote part of the verdict cannot sign it off, so the claim page
// shows them why instead of the Approve and Reject buttons (as the queue
// leaves the claim out of theirs).
func TestReviewPageHidesSignOffFromEveryAuthor(t *testing.T) {
	a, _ := rvNewApp(t)
	ed, fa, fb, fc := a.signIn(models.RoleEditor), a.signIn(models.RoleFactChecker), a.signIn(models.RoleFactChecker), a.signIn(models.RoleFactChecker)
	art := storetest.Article(t, a.store, ed.user, "Helsinki", rvHelsinki)
	id := rvMark(t, ed, art.ID, "Russia had never interfered in American affairs")
	rvStep(t, fb, id, "/state", url.Values{"state": {"researching"}})
	rvStep(t, fb, id, "/review", url.Values{"rationale": {"The Mueller indictments name the units involved."}})
	rvStep(t, fa, id, "/review", url.Values{"verdict": {rvVerdictID(t, a, "False")}, "explanation": {"Russia interfered in 2016."}, "rationale": {"The Mueller indictments name the units involved."}})
	rvStep(t, fa, id, "/state", url.Values{"state": {"in_review"}})
	if d := rvClaim(t, a, id); d.ProposedBy == nil || *d.ProposedBy != fa.user.ID || d.RationaleBy == nil || *d.RationaleBy != fb.user.ID {
		t.Fatalf("fixture: proposed by %v, rationale by %v", d.ProposedBy, d.RationaleBy)
	}
	approve := `name="approve" value="true"`
	for _, b := range []*browser{fa, fb} {
		f := rvOpen(t, b, id)
		if strings.Contains(f.body, approve) || !strings.Contains(f.body, `data-testid="why-not"`) || !strings.Contains(f.body, "someone else must sign it off") {
			t.Errorf("%s, an author of the verdict, is offered sign-off or not told why", b.user.Name)
		}
		if res := rvPost(t, b, id, "/approvals", f, url.Values{"approve": {"true"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s approving: %d, want 422", b.user.Name, res.StatusCode)
		}
	}
	if f := rvOpen(t, fc, id); !strings.Contains(f.body, approve) || strings.Contains(f.body, `data-testid="why-not"`) {
		t.Fatal("a fact-checker who did not write the verdict is not offered sign-off")
	}
}

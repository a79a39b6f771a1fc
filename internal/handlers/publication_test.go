package handlers_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// pubPublish takes claim id from new to published through the API: fa
// proposes, fb signs off, fa publishes at the article's current revision.
func pubPublish(t *testing.T, fa, fb *client, id int64, verdict, explanation string) map[string]any {
	t.Helper()
	path := "/api/v1/claims/" + itoa(id)
	cl := getClaim(t, fa, id)
	step := func(who *client, method, p string, body map[string]any) map[string]any {
		t.Helper()
		body["version"] = num(cl, "version")
		code, out, _ := who.call(method, p, body)
		if code != 200 && code != 201 {
			t.Fatalf("%s %s %v: %d %v", method, p, body, code, out)
		}
		cl = getClaim(t, fa, id)
		return out
	}
	if cl["state"] == "new" {
		step(fa, "PATCH", path, map[string]any{"state": "researching"})
	}
	step(fa, "PATCH", path, map[string]any{"verdict": verdict, "explanation": explanation})
	step(fa, "PATCH", path, map[string]any{"state": "in_review"})
	step(fb, "POST", path+"/approvals", map[string]any{"approve": true})
	_, art, _ := fa.call("GET", "/api/v1/articles/"+itoa(int64(num(cl, "article_id"))), nil)
	return step(fa, "POST", path+"/publish", map[string]any{"article_revision": num(art, "revision")})
}

func pubPage(t *testing.T, a *app, path string) (int, string) {
	t.Helper()
	res, err := http.Get(a.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestPublicationSurvivesRevisions(t *testing.T) {
	a := newApp(t)
	ed, fa, fb := a.apiClient(models.RoleEditor), a.apiClient(models.RoleFactChecker), a.apiClient(models.RoleFactChecker)
	art := storetest.Article(t, a.store, ed.user, "Helsinki summit", summitReport)
	putin := markQuote(t, ed, art.ID, "The Russian state has never interfered and is not going to interfere in internal American affairs including the election process")
	indict := markQuote(t, ed, art.ID, "a grand jury indicted 12 Russian intelligence officers")
	jobs := markQuote(t, ed, art.ID, "Unemployment fell to 4.2% in May")
	fresh := markQuote(t, ed, art.ID, "President Donald Trump said he raised election interference")

	// Publishing after the article was revised since the preview: 409.
	pubPublish(t, fa, fb, putin, "False", "Russia interfered, by the findings of US intelligence agencies.")
	cl := getClaim(t, fa, indict)
	for _, st := range []map[string]any{{"state": "researching"}, {"verdict": "True", "explanation": "The indictment is public."}, {"state": "in_review"}} {
		st["version"] = num(cl, "version")
		if code, out, _ := fa.call("PATCH", "/api/v1/claims/"+itoa(indict), st); code != 200 {
			t.Fatalf("%v: %d %v", st, code, out)
		}
		cl = getClaim(t, fa, indict)
	}
	if code, out, _ := fb.call("POST", "/api/v1/claims/"+itoa(indict)+"/approvals", map[string]any{"approve": true, "version": num(cl, "version")}); code != 201 {
		t.Fatalf("approve: %d %v", code, out)
	}
	cl = getClaim(t, fa, indict)
	code, out, _ := fa.call("POST", "/api/v1/claims/"+itoa(indict)+"/publish", map[string]any{"version": num(cl, "version"), "article_revision": 7})
	if code != http.StatusConflict || out["current"] == nil || getClaim(t, fa, indict)["state"] != "approved" {
		t.Fatalf("publish on a stale preview: %d %v", code, out)
	}
	code, out, _ = fa.call("POST", "/api/v1/claims/"+itoa(indict)+"/publish", map[string]any{"version": num(cl, "version"), "article_revision": 1})
	if code != 200 || out["state"] != "published" {
		t.Fatalf("publish: %d %v", code, out)
	}
	pubPublish(t, fa, fb, jobs, "Mostly true", "The ministry's figure was 4.3%.")

	// A copy edit inside the published claims: the API lists them, and
	// they stay up under re-verification; the never-reviewed claim keeps
	// its state.
	newText := strings.NewReplacer("never interfered", "never meddled", "indicted 12 Russian", "indicted twelve Russian",
		"Unemployment fell to 4.2% in May", "Joblessness fell to 4.2% in May", "President Donald Trump said", "President Donald J. Trump said").Replace(summitReport)
	code, out, _ = ed.call("PUT", "/api/v1/articles/"+itoa(art.ID)+"/text", map[string]any{"text": newText, "revision": 1})
	if code != 200 {
		t.Fatalf("PUT text: %d %v", code, out)
	}
	touched, _ := out["published_claims"].([]any)
	if len(touched) != 3 {
		t.Fatalf("published_claims = %v, want the three published claims", out["published_claims"])
	}
	if f := getClaim(t, fa, fresh); f["state"] != "new" || f["anchor"].(map[string]any)["state"] != "changed" {
		t.Fatalf("never-reviewed claim: %v %v", f["state"], f["anchor"])
	}
	p := getClaim(t, fa, putin)
	pub := p["publication"].(map[string]any)
	if p["state"] != "published" || pub["under_reverification_since"] == nil {
		t.Fatalf("published claim after the edit: %v %v", p["state"], pub)
	}
	status, body := pubPage(t, a, "/claims/"+itoa(putin))
	if status != 200 || !strings.Contains(body, `data-testid="reverification"`) || !strings.Contains(body, "Under re-verification since") {
		t.Fatalf("public page under re-verification: %d", status)
	}
	if !strings.Contains(body, `"@type":"ClaimReview"`) || !strings.Contains(body, `property="og:title" content="Fact check: a claim in “Helsinki summit”, rated False"`) || !strings.Contains(body, `name="twitter:card"`) {
		t.Fatalf("public page lost its ClaimReview or card tags:\n%s", body)
	}

	// Verdict stands, by two fact-checkers at once: one wins, the other
	// gets 409 with what changed and the claim as it is now.
	v := num(p, "version")
	code, won, _ := fa.call("POST", "/api/v1/claims/"+itoa(putin)+"/reverify", map[string]any{"version": v})
	if code != 200 || won["publication"].(map[string]any)["reverified_at"] == nil || won["publication"].(map[string]any)["under_reverification_since"] != nil {
		t.Fatalf("verdict stands: %d %v", code, won)
	}
	code, lost, _ := fb.call("POST", "/api/v1/claims/"+itoa(putin)+"/reverify", map[string]any{"version": v})
	if code != http.StatusConflict || lost["current"] == nil || len(lost["changes"].([]any)) == 0 {
		t.Fatalf("second verdict stands: %d %v", code, lost)
	}
	if ch := lost["changes"].([]any)[0].(map[string]any); ch["action"] != "verdict stands" {
		t.Fatalf("changes = %v", ch)
	}
	status, body = pubPage(t, a, "/claims/"+itoa(putin))
	if status != 200 || !strings.Contains(body, "Re-verified on") || strings.Contains(body, "Under re-verification") {
		t.Fatalf("public page after verdict stands: %d", status)
	}
	if pub := won["publication"].(map[string]any); pub["modified_at"] == p["publication"].(map[string]any)["modified_at"] {
		t.Fatalf("dateModified did not move: %v", pub)
	}

	// Correct and withdraw need a note and a reason.
	ic := getClaim(t, fa, indict)
	for _, tt := range []struct{ path, field string }{{"/correct", "note"}, {"/withdraw", "reason"}} {
		code, out, _ := fa.call("POST", "/api/v1/claims/"+itoa(indict)+tt.path, map[string]any{"version": num(ic, "version")})
		if code != 422 || fields(out)[tt.field] == nil {
			t.Fatalf("%s without %s: %d %v", tt.path, tt.field, code, out)
		}
	}
	// A correction with a hostile note: the page stays up on the published
	// version until the new one is signed off and published.
	hostile := `Corrected the count <script>alert(1)</script><img src=x onerror=alert(2)> & "quotes"`
	code, out, _ = fa.call("POST", "/api/v1/claims/"+itoa(indict)+"/correct", map[string]any{"version": num(ic, "version"), "note": hostile})
	if code != 200 || out["state"] != "researching" {
		t.Fatalf("correct: %d %v", code, out)
	}
	if status, body := pubPage(t, a, "/claims/"+itoa(indict)); status != 200 || !strings.Contains(body, "The indictment is public.") {
		t.Fatalf("public page during the correction: %d", status)
	}
	if _, feed := pubPage(t, a, "/claimreview.json"); !strings.Contains(feed, "/claims/"+itoa(indict)+`"`) || !strings.Contains(feed, "The indictment is public.") {
		t.Fatalf("the ClaimReview feed dropped the fact-check being corrected, or shows the correction early:\n%s", feed)
	}
	pubPublish(t, fa, fb, indict, "Mostly true", "Twelve officers were indicted, not twelve agents.")
	status, body = pubPage(t, a, "/claims/"+itoa(indict))
	if status != 200 || !strings.Contains(body, "Twelve officers were indicted") || !strings.Contains(body, `data-testid="correction"`) {
		t.Fatalf("corrected page: %d", status)
	}
	for name, path := range map[string]string{"public page": "/claims/" + itoa(indict), "corrections": "/corrections", "corrections feed": "/corrections.atom", "index feed": "/fact-checks.atom"} {
		_, body := pubPage(t, a, path)
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Fatalf("%s: the hostile note is live markup", name)
		}
		if name != "index feed" && !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Fatalf("%s: the note is not shown, escaped:\n%s", name, body)
		}
	}
	_, exp, _ := fa.callRaw("GET", "/api/v1/articles/"+itoa(art.ID)+"/export/html")
	if strings.Contains(exp, "<script>alert") || !strings.Contains(exp, "Corrected the count &lt;script&gt;") {
		t.Fatalf("HTML export: the note is missing or live")
	}
	code, cs, _ := fa.call("GET", "/api/v1/claims/"+itoa(indict)+"/corrections", nil)
	if list := cs["corrections"].([]any); code != 200 || len(list) != 1 || list[0].(map[string]any)["note"] != hostile || list[0].(map[string]any)["new_verdict"] != "Mostly true" {
		t.Fatalf("corrections: %d %v", code, cs)
	}

	// Withdraw: the address stays, as a notice with the reason (410); the
	// ClaimReview leaves the page, the feed and the index.
	jc := getClaim(t, fa, jobs)
	code, out, _ = fa.call("POST", "/api/v1/claims/"+itoa(jobs)+"/withdraw", map[string]any{"version": num(jc, "version"), "reason": "The ministry withdrew the figure."})
	if code != 200 || out["state"] != "withdrawn" {
		t.Fatalf("withdraw: %d %v", code, out)
	}
	status, body = pubPage(t, a, "/claims/"+itoa(jobs))
	if status != http.StatusGone || !strings.Contains(body, "The ministry withdrew the figure.") || strings.Contains(body, "application/ld+json") {
		t.Fatalf("withdrawn page: %d", status)
	}
	_, feed := pubPage(t, a, "/fact-checks.atom")
	_, index := pubPage(t, a, "/fact-checks")
	if strings.Contains(feed, "/claims/"+itoa(jobs)+"<") || strings.Contains(index, `href="/claims/`+itoa(jobs)+`"`) || !strings.Contains(index, `href="/claims/`+itoa(putin)+`"`) {
		t.Fatalf("the withdrawn fact-check is still listed, or the others are not:\n%s", index)
	}
	_, crs, _ := fa.callRaw("GET", "/api/v1/articles/"+itoa(art.ID)+"/export/claimreview")
	if strings.Contains(crs, "/claims/"+itoa(jobs)+`"`) || !strings.Contains(crs, "/claims/"+itoa(putin)) {
		t.Fatalf("ClaimReview export still has the withdrawn claim: %s", crs)
	}
	if _, feed := pubPage(t, a, "/claimreview.json"); strings.Contains(feed, "/claims/"+itoa(jobs)+`"`) || !strings.Contains(feed, "/claims/"+itoa(putin)+`"`) {
		t.Fatalf("ClaimReview feed after the withdrawal:\n%s", feed)
	}
	_, log := pubPage(t, a, "/corrections")
	if !strings.Contains(log, "The ministry withdrew the figure.") {
		t.Fatalf("corrections log lacks the withdrawal")
	}
	if code, _ := pubPage(t, a, "/claims/"+itoa(fresh)); code != 404 {
		t.Fatalf("never-published claim: %d", code)
	}
	if code, _ := pubPage(t, a, "/fact-checks?page=0"); code != 422 {
		t.Fatalf("page 0: %d", code)
	}
}

// callRaw is call for answers that are not JSON objects.
func (c *client) callRaw(method, path string) (int, string, http.Header) {
	c.a.t.Helper()
	req, _ := http.NewRequest(method, c.a.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

// TestPublishingPages walks the publishing pages as a person would: the
// preview and its warnings, a stale preview, the edit page's confirmation
// before a revision touches a published claim, and the claim page's
// choices with their 422s and 409.
func TestPublishingPages(t *testing.T) {
	a := newApp(t)
	ed, fa, fb := a.apiClient(models.RoleEditor), a.apiClient(models.RoleFactChecker), a.apiClient(models.RoleFactChecker)
	art := storetest.Article(t, a.store, ed.user, "Helsinki summit", summitReport)
	putin := markQuote(t, ed, art.ID, "The Russian state has never interfered and is not going to interfere in internal American affairs including the election process")
	indict := markQuote(t, ed, art.ID, "a grand jury indicted 12 Russian intelligence officers")
	pubPublish(t, fa, fb, putin, "False", "Russia interfered.")
	// indict: approved, not published yet.
	cl := getClaim(t, fa, indict)
	for _, st := range []map[string]any{{"state": "researching"}, {"verdict": "True", "explanation": "The indictment is public."}, {"state": "in_review"}} {
		st["version"] = num(cl, "version")
		fa.call("PATCH", "/api/v1/claims/"+itoa(indict), st)
		cl = getClaim(t, fa, indict)
	}
	fb.call("POST", "/api/v1/claims/"+itoa(indict)+"/approvals", map[string]any{"approve": true, "version": num(cl, "version")})

	b := a.signIn(models.RoleFactChecker)
	page := b.get("/claims/" + itoa(indict))
	if !strings.Contains(page.Body, `data-testid="publish-link"`) || strings.Contains(page.Body, `name="state" value="published"`) {
		t.Fatalf("an approved claim's page: publishing goes through the preview")
	}
	pre := b.get("/claims/" + itoa(indict) + "/publish")
	if pre.StatusCode != 200 || !strings.Contains(pre.Body, `data-testid="publish-preview"`) || !strings.Contains(pre.Body, "The indictment is public.") ||
		!strings.Contains(pre.Body, `data-testid="newsroom-warning"`) || !strings.Contains(pre.Body, "Claimdesk newsroom") {
		t.Fatalf("preview: %d", pre.StatusCode)
	}
	// The article is revised after the preview: publishing it is a 409.
	newText := strings.Replace(summitReport, "on Monday.", "on Monday in Helsinki.", 1)
	if code, out, _ := ed.call("PUT", "/api/v1/articles/"+itoa(art.ID)+"/text", map[string]any{"text": newText}); code != 200 || len(out["published_claims"].([]any)) != 0 {
		t.Fatalf("PUT an edit away from the claims: %d %v", code, out)
	}
	cl = getClaim(t, fa, indict)
	res := b.postForm("/claims/"+itoa(indict)+"/publish", url.Values{"version": {itoa(int64(num(cl, "version")))}, "article_revision": {"1"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "after the preview you confirmed") || getClaim(t, fa, indict)["state"] != "approved" {
		t.Fatalf("publish after a revision: %d", res.StatusCode)
	}

	// With the newsroom named, the warning goes.
	admin := a.signIn(models.RoleAdmin)
	admin.get("/admin/settings")
	if res := admin.postForm("/admin/settings", url.Values{"newsroom_name": {"Helsinki Fact Desk"}, "newsroom_logo_url": {"javascript:alert(1)"}, "required_approvals": {"1"}}); res.StatusCode != 422 {
		t.Fatalf("a logo that is not a web address: %d", res.StatusCode)
	}
	if res := admin.postForm("/admin/settings", url.Values{"newsroom_name": {"Helsinki Fact Desk"}, "newsroom_logo_url": {"https://factdesk.example.org/logo.png"}, "required_approvals": {"1"}}); res.StatusCode != 303 {
		t.Fatalf("settings: %d", res.StatusCode)
	}
	pre = b.get("/claims/" + itoa(indict) + "/publish")
	if strings.Contains(pre.Body, `data-testid="newsroom-warning"`) {
		t.Fatalf("the warning stays after the newsroom was named")
	}
	res = b.postForm("/claims/"+itoa(indict)+"/publish", url.Values{"version": {itoa(int64(num(cl, "version")))}, "article_revision": {"2"}})
	if res.StatusCode != 303 || getClaim(t, fa, indict)["state"] != "published" {
		t.Fatalf("publish: %d %s", res.StatusCode, rvAlert(res.Body))
	}
	_, body := pubPage(t, a, "/claims/"+itoa(indict))
	if !strings.Contains(body, `property="og:image" content="https://factdesk.example.org/logo.png"`) || !strings.Contains(body, `"name":"Helsinki Fact Desk"`) {
		t.Fatalf("public page lacks the newsroom")
	}

	// The edit page asks before a revision touches published claims.
	edb := a.signIn(models.RoleEditor)
	edb.get("/articles/" + itoa(art.ID) + "/edit")
	touching := strings.Replace(newText, "never interfered", "never meddled", 1)
	res = edb.postForm("/articles/"+itoa(art.ID)+"/text", url.Values{"text": {touching}, "revision": {"2"}})
	if res.StatusCode != 200 || !strings.Contains(res.Body, `data-testid="touched-published"`) || !strings.Contains(res.Body, `name="confirm_published" value="1"`) {
		t.Fatalf("edit touching a published claim: %d", res.StatusCode)
	}
	if code, art2, _ := ed.call("GET", "/api/v1/articles/"+itoa(art.ID), nil); code != 200 || num(art2, "revision") != 2 {
		t.Fatalf("the revision was saved before it was confirmed: %v", art2)
	}
	res = edb.postForm("/articles/"+itoa(art.ID)+"/text", url.Values{"text": {touching}, "revision": {"2"}, "confirm_published": {"1"}})
	if res.StatusCode != 303 {
		t.Fatalf("confirmed edit: %d", res.StatusCode)
	}
	p := getClaim(t, fa, putin)
	if p["publication"].(map[string]any)["under_reverification_since"] == nil {
		t.Fatalf("not under re-verification: %v", p["publication"])
	}

	// The claim page's three choices: 422 without a note or reason, with
	// the typed text kept; one of two fact-checkers gets 409.
	page = b.get("/claims/" + itoa(putin))
	for _, want := range []string{`data-testid="claim-reverification"`, `data-testid="reverify-form"`, `data-testid="correct-form"`, `data-testid="withdraw-form"`, `data-testid="public-link"`, `data-testid="copy-claimreview"`} {
		if !strings.Contains(page.Body, want) {
			t.Fatalf("claim page under re-verification lacks %s", want)
		}
	}
	v := itoa(int64(num(p, "version")))
	if res := b.postForm("/claims/"+itoa(putin)+"/correct", url.Values{"version": {v}, "note": {"  "}}); res.StatusCode != 422 || !strings.Contains(res.Body, "Write the correction note") {
		t.Fatalf("correct without a note: %d", res.StatusCode)
	}
	if res := b.postForm("/claims/"+itoa(putin)+"/withdraw", url.Values{"version": {v}, "reason": {""}}); res.StatusCode != 422 || !strings.Contains(res.Body, "Say why the fact-check is withdrawn") {
		t.Fatalf("withdraw without a reason: %d", res.StatusCode)
	}
	other := a.signIn(models.RoleFactChecker)
	other.get("/claims/" + itoa(putin))
	if res := other.postForm("/claims/"+itoa(putin)+"/reverify", url.Values{"version": {v}}); res.StatusCode != 303 {
		t.Fatalf("verdict stands: %d", res.StatusCode)
	}
	res = b.postForm("/claims/"+itoa(putin)+"/withdraw", url.Values{"version": {v}, "reason": {"Typed while the other decided"}})
	if res.StatusCode != 409 || !strings.Contains(res.Body, `data-testid="publication-conflict"`) || !strings.Contains(res.Body, "verdict still stands") || !strings.Contains(res.Body, "Typed while the other decided") {
		t.Fatalf("withdraw on a stale page: %d", res.StatusCode)
	}
}

package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// Without a script, "Send for sign-off" posts the whole review form: what
// was typed is saved and the claim moves in one step; a missing field
// answers 422 with every field as typed and the message beside the field.
func TestSendForSignOffSavesWhatIsTyped(t *testing.T) {
	a, _ := rvNewApp(t)
	ed, fc := a.signIn(models.RoleEditor), a.signIn(models.RoleFactChecker)
	art := storetest.Article(t, a.store, ed.user, "Helsinki", rvHelsinki)
	id := rvMark(t, ed, art.ID, "Putin also said Russia had never interfered in American affairs.")
	page := rvOpen(t, fc, id)
	if !strings.Contains(page.body, `name="assign_me" value="1" checked`) {
		t.Fatal(`Start research does not offer "assign it to me"`)
	}
	if strings.Contains(page.body, `id="s-reason"`) {
		t.Fatal("a new claim's page asks for a reason")
	}
	res := rvPost(t, fc, id, "/review", page, url.Values{"state": {"researching"}, "assign_me": {"1"}, "verdict": {""}, "explanation": {""}, "rationale": {""}, "assignee": {""}, "due": {""}})
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "saved=assignee") || !strings.Contains(res.Header.Get("Location"), "moved=researching") {
		t.Fatalf("Start research: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	d, _ := a.store.Claim(t.Context(), id)
	if d.State != models.StateResearching || d.AssigneeID == nil || *d.AssigneeID != fc.user.ID {
		t.Fatalf("after Start research: %s, assignee %v", d.State, d.AssigneeID)
	}
	if saved := fc.get(res.Header.Get("Location")); !strings.Contains(saved.Body, "Saved the assignment. The claim is now researching.") {
		t.Fatalf("saved message missing:\n%s", rvAlert(saved.Body))
	}

	page = rvOpen(t, fc, id)
	typed := url.Values{"state": {"in_review"}, "verdict": {"False"}, "explanation": {""}, "rationale": {"Twelve GRU officers were indicted.\r\nSee the Senate report."},
		"assignee": {itoa(fc.user.ID)}, "due": {"2018-07-25"}}
	res = rvPost(t, fc, id, "/review", page, typed)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("send without explanation: %d", res.StatusCode)
	}
	for _, want := range []string{`id="err-explanation"`, ">Twelve GRU officers were indicted.\nSee the Senate report.</textarea>", `name="due" value="2018-07-25"`} {
		if !strings.Contains(res.Body, want) {
			t.Fatalf("the failed form lacks %q", want)
		}
	}
	if !regexp.MustCompile(`id="r-explanation"[^>]*aria-describedby="err-explanation"[^>]*autofocus`).MatchString(res.Body) {
		t.Fatal("the explanation field is not tied to its message and focused")
	}
	if d, _ := a.store.Claim(t.Context(), id); d.State != models.StateResearching || d.Rationale != "" {
		t.Fatalf("a refused send wrote something: %s, %q", d.State, d.Rationale)
	}
	typed.Set("explanation", "Russia did interfere, US agencies and a grand jury found.")
	res = rvPost(t, fc, id, "/review", page, typed)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d %s", res.StatusCode, rvAlert(res.Body))
	}
	d, _ = a.store.Claim(t.Context(), id)
	if d.State != models.StateInReview || d.Explanation == "" || d.Rationale != "Twelve GRU officers were indicted.\nSee the Senate report." || d.Verdict == nil || d.Verdict.Label != "False" || d.Due == nil {
		t.Fatalf("after Send for sign-off: %+v", d.Claim)
	}
	claimPage := fc.get("/claims/" + itoa(id))
	if !strings.Contains(claimPage.Body, `data-testid="technical-details"`) || strings.Contains(between(claimPage.Body, `data-testid="review"`, `data-testid="technical-details"`), "code points") {
		t.Fatal("offsets are not confined to the Technical details disclosure")
	}
	if !strings.Contains(claimPage.Body, "<title>Claim 1 · Helsinki · Claimdesk</title>") {
		t.Fatalf("title: %s", between(claimPage.Body, "<title>", "</title>"))
	}
}

// Every page links a favicon that is served; the board's counts sit inside
// their state pills.
func TestFaviconAndBoardPills(t *testing.T) {
	a, _ := rvNewApp(t)
	ed := a.signIn(models.RoleEditor)
	board := ed.get("/board")
	icon := regexp.MustCompile(`<link rel="icon" type="image/svg\+xml" href="([^"]+)"`).FindStringSubmatch(board.Body)
	if icon == nil {
		t.Fatal("no favicon link")
	}
	if res := ed.get(icon[1]); res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "svg") {
		t.Fatalf("favicon: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !regexp.MustCompile(`<span class="badge state-new">New <span class="pill-count">0</span></span>`).MatchString(board.Body) {
		t.Fatalf("board state pills: %s", between(board.Body, `data-testid="state-tabs"`, "</nav>"))
	}
}

package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// permFixture makes fresh claims for each attempt, so that one role's
// success does not change what the next role tries.
type permFixture struct {
	t       *testing.T
	a       *app
	article int64
	fc      models.User // proposes verdicts others approve
	n       int         // counter for unique names
}

func (f *permFixture) claim() int64 {
	f.t.Helper()
	d, err := f.a.store.CreateClaim(context.Background(), store.ActorOf(f.fc), store.NewClaim{ArticleID: f.article, Revision: 1, Start: 0, End: 8, Quote: "HELSINKI"})
	if err != nil {
		f.t.Fatal(err)
	}
	return d.ID
}

// proposed is a claim in review whose verdict f.fc proposed.
func (f *permFixture) proposed() int64 {
	f.t.Helper()
	id := f.claim()
	ctx := context.Background()
	for _, p := range []store.ClaimPatch{
		{Version: 1, State: rvp("researching")},
		{Version: 2, Verdict: rvp("False"), Explanation: rvp("It is documented."), State: rvp("in_review")},
	} {
		if _, err := f.a.store.UpdateClaim(ctx, store.ActorOf(f.fc), id, p); err != nil {
			f.t.Fatal(err)
		}
	}
	return id
}

func (f *permFixture) next() string { f.n++; return strconv.Itoa(f.n) }

func rvp(s string) *string { return &s }

func newPermFixture(t *testing.T) *permFixture {
	a := newApp(t)
	fc := storetest.User(t, a.store, models.RoleFactChecker)
	art := storetest.Article(t, a.store, fc, "Helsinki", rvHelsinki)
	return &permFixture{t: t, a: a, article: art.ID, fc: fc}
}

// permAction is one thing a user may try, with the role it needs.
type permAction struct {
	name   string
	min    models.Role
	apiOK  int                                  // the API's status on success
	pageOK int                                  // the page's status on success
	api    func(f *permFixture, c *client) int  // nil: the API has no such route
	page   func(f *permFixture, b *browser) int // nil: no page form
}

var permActions = []permAction{
	{name: "read the board", apiOK: 200, pageOK: 200, min: models.RoleViewer,
		api: func(f *permFixture, c *client) int {
			code, _, _ := c.call("GET", "/api/v1/claims?state=new", nil)
			return code
		},
		page: func(f *permFixture, b *browser) int { return b.get("/board").StatusCode }},
	{name: "read queue and dashboard", apiOK: 0, pageOK: 200, min: models.RoleViewer,
		page: func(f *permFixture, b *browser) int {
			if code := b.get("/queue").StatusCode; code != http.StatusOK {
				return code
			}
			return b.get("/dashboard").StatusCode
		}},
	{name: "mark claim", apiOK: 201, pageOK: 303, min: models.RoleEditor,
		api: func(f *permFixture, c *client) int {
			code, _, _ := c.call("POST", "/api/v1/articles/"+itoa(f.article)+"/claims", map[string]any{"quote": "Putin said he had wanted Trump to win"})
			return code
		},
		page: func(f *permFixture, b *browser) int {
			return b.postForm("/articles/"+itoa(f.article)+"/claims", url.Values{"quote": {"Putin said he had wanted Trump to win"}, "revision": {"1"}}).StatusCode
		}},
	{name: "edit claim", apiOK: 200, pageOK: 303, min: models.RoleEditor,
		api: func(f *permFixture, c *client) int {
			code, _, _ := c.call("PATCH", "/api/v1/claims/"+itoa(f.claim()), map[string]any{"version": 1, "summary": "Trump sided with Putin"})
			return code
		},
		page: func(f *permFixture, b *browser) int {
			return b.postForm("/claims/"+itoa(f.claim()), url.Values{"version": {"1"}, "summary": {"Trump sided with Putin"}, "type": {"statement"}}).StatusCode
		}},
	{name: "add evidence", apiOK: 201, pageOK: 303, min: models.RoleEditor,
		api: func(f *permFixture, c *client) int {
			code, _, _ := c.call("POST", "/api/v1/claims/"+itoa(f.claim())+"/evidence", map[string]any{
				"source": map[string]any{"url": "https://www.intelligence.senate.gov/report-" + f.next(), "title": "Senate report"}, "stance": "refutes"})
			return code
		},
		page: func(f *permFixture, b *browser) int {
			return b.postForm("/claims/"+itoa(f.claim())+"/evidence", url.Values{"source": {"https://www.intelligence.senate.gov/page-" + f.next()},
				"title": {"Senate report"}, "stance": {"refutes"}}).StatusCode
		}},
	{name: "set state", apiOK: 200, pageOK: 303, min: models.RoleFactChecker,
		api: func(f *permFixture, c *client) int {
			code, _, _ := c.call("PATCH", "/api/v1/claims/"+itoa(f.claim()), map[string]any{"version": 1, "state": "researching"})
			return code
		},
		page: func(f *permFixture, b *browser) int {
			return b.postForm("/claims/"+itoa(f.claim())+"/state", url.Values{"version": {"1"}, "state": {"researching"}}).StatusCode
		}},
	{name: "set verdict", apiOK: 200, pageOK: 303, min: models.RoleFactChecker,
		api: func(f *permFixture, c *client) int {
			code, _, _ := c.call("PATCH", "/api/v1/claims/"+itoa(f.claim()), map[string]any{"version": 1, "verdict": "False", "explanation": "Documented."})
			return code
		},
		page: func(f *permFixture, b *browser) int {
			return b.postForm("/claims/"+itoa(f.claim())+"/review", url.Values{"version": {"1"}, "verdict": {"False"}, "explanation": {"Documented."},
				"rationale": {""}, "assignee": {""}, "due": {""}}).StatusCode
		}},
	{name: "approve", apiOK: 201, pageOK: 303, min: models.RoleFactChecker,
		api: func(f *permFixture, c *client) int {
			code, _, _ := c.call("POST", "/api/v1/claims/"+itoa(f.proposed())+"/approvals", map[string]any{"approve": true})
			return code
		},
		page: func(f *permFixture, b *browser) int {
			return b.postForm("/claims/"+itoa(f.proposed())+"/approvals", url.Values{"version": {"3"}, "approve": {"true"}}).StatusCode
		}},
	{name: "assign", apiOK: 200, pageOK: 303, min: models.RoleFactChecker,
		api: func(f *permFixture, c *client) int {
			code, _, _ := c.call("PATCH", "/api/v1/claims/"+itoa(f.claim()), map[string]any{"version": 1, "assignee": f.fc.Email, "due": "2018-07-20"})
			return code
		},
		page: func(f *permFixture, b *browser) int {
			return b.postForm("/claims/"+itoa(f.claim())+"/review", url.Values{"version": {"1"}, "verdict": {""}, "explanation": {""},
				"rationale": {""}, "assignee": {itoa(f.fc.ID)}, "due": {"2018-07-20"}}).StatusCode
		}},
	{name: "comment", apiOK: 201, pageOK: 303, min: models.RoleEditor,
		api: func(f *permFixture, c *client) int {
			code, _, _ := c.call("POST", "/api/v1/claims/"+itoa(f.claim())+"/comments", map[string]any{"body": "Checked."})
			return code
		},
		page: func(f *permFixture, b *browser) int {
			return b.postForm("/claims/"+itoa(f.claim())+"/comments", url.Values{"body": {"Checked."}}).StatusCode
		}},
	{name: "edit scale", apiOK: 201, pageOK: 303, min: models.RoleAdmin,
		api: func(f *permFixture, c *client) int {
			code, _, _ := c.call("POST", "/api/v1/verdicts", map[string]any{"label": "Label " + f.next(), "colour": "#123456"})
			return code
		},
		page: func(f *permFixture, b *browser) int {
			if code := b.get("/admin/verdicts").StatusCode; code != http.StatusOK {
				return code
			}
			return b.postForm("/admin/verdicts", url.Values{"label": {"Label " + f.next()}, "colour": {"#123456"}}).StatusCode
		}},
	{name: "manage users", apiOK: 201, pageOK: 201, min: models.RoleAdmin,
		api: func(f *permFixture, c *client) int {
			n := f.next()
			code, _, _ := c.call("POST", "/api/v1/users", map[string]any{"email": "api" + n + "@example.org", "name": "API " + n, "role": "viewer"})
			return code
		},
		page: func(f *permFixture, b *browser) int {
			n := f.next()
			return b.postForm("/admin/users", url.Values{"email": {"new" + n + "@example.org"}, "name": {"New " + n}, "role": {"viewer"}}).StatusCode
		}},
	{name: "change settings", apiOK: 0, pageOK: 303, min: models.RoleAdmin,
		page: func(f *permFixture, b *browser) int {
			return b.postForm("/admin/settings", url.Values{"newsroom_name": {"Wire desk"}, "required_approvals": {"1"}}).StatusCode
		}},
}

// TestPermissionsMatrix tries every action as every role, through the API
// and through the pages: allowed roles succeed, the others get 403.
func TestPermissionsMatrix(t *testing.T) {
	f := newPermFixture(t)
	for _, role := range models.Roles {
		c := f.a.apiClient(role)
		b := f.a.signIn(role)
		for _, act := range permActions {
			allowed := role.AtLeast(act.min)
			if act.api != nil {
				t.Run("api/"+string(role)+"/"+act.name, func(t *testing.T) {
					want := http.StatusForbidden
					if allowed {
						want = act.apiOK
					}
					if got := act.api(f, c); got != want {
						t.Errorf("%s as %s through the API: status %d, want %d", act.name, role, got, want)
					}
				})
			}
			if act.page != nil {
				t.Run("page/"+string(role)+"/"+act.name, func(t *testing.T) {
					want := http.StatusForbidden
					if allowed {
						want = act.pageOK
					}
					if got := act.page(f, b); got != want {
						t.Errorf("%s as %s in the browser: status %d, want %d", act.name, role, got, want)
					}
				})
			}
		}
	}
	// Refused attempts wrote nothing: only the setup and the allowed attempts are in the history.
	if r, err := f.a.store.VerifyHistory(context.Background()); err != nil || !r.OK {
		t.Fatalf("history chain: %+v, %v", r, err)
	}
}

// TestPermissionsAnonymous: without signing in, pages send to the login
// and the API answers 401, for every review route.
func TestPermissionsAnonymous(t *testing.T) {
	f := newPermFixture(t)
	id := itoa(f.claim())
	anon := f.a.anonymous()
	anon.get("/login")
	for _, p := range []string{"/board", "/queue", "/dashboard", "/admin/verdicts", "/articles/" + itoa(f.article) + "/history"} {
		if res := anon.get(p); res.StatusCode != http.StatusSeeOther {
			t.Errorf("GET %s signed out: %d, want a redirect to sign in", p, res.StatusCode)
		}
	}
	for _, p := range []string{"/claims/" + id + "/review", "/claims/" + id + "/state", "/claims/" + id + "/approvals", "/claims/" + id + "/comments", "/admin/verdicts"} {
		if res := anon.postForm(p, url.Values{"version": {"1"}}); res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s signed out: %d", p, res.StatusCode)
		}
	}
	none := &client{a: f.a}
	for _, r := range [][2]string{{"GET", "/api/v1/claims"}, {"POST", "/api/v1/claims/" + id + "/approvals"}, {"GET", "/api/v1/claims/" + id + "/history"},
		{"POST", "/api/v1/claims/" + id + "/comments"}, {"POST", "/api/v1/verdicts"}} {
		if code, _, _ := none.call(r[0], r[1], map[string]any{}); code != http.StatusUnauthorized {
			t.Errorf("%s %s without a token: %d, want 401", r[0], r[1], code)
		}
	}
	if d, _ := f.a.store.Claim(context.Background(), f.claim()-1); d.Version != 1 {
		t.Fatalf("claim changed by anonymous requests: version %d", d.Version)
	}
}

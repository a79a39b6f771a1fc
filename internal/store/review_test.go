package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

const rvHelsinki = "President Trump said the summit in Helsinki was a success. He said Russia had not interfered in the 2016 election. Putin said he wanted Trump to win."

// rvFixture is an article with two claims, two fact-checkers and an editor.
type rvFixture struct {
	s          *store.Store
	ed, a, b   models.User
	one, two   models.ClaimDetail
	article    models.Article
	ctx        context.Context
	t          *testing.T
	scale      []models.Verdict
	falseLabel models.Verdict
}

func newRvFixture(t *testing.T) *rvFixture {
	t.Helper()
	s := storetest.New(t)
	f := &rvFixture{s: s, ctx: context.Background(), t: t,
		ed: storetest.User(t, s, models.RoleEditor), a: storetest.User(t, s, models.RoleFactChecker), b: storetest.User(t, s, models.RoleFactChecker)}
	f.article = storetest.Article(t, s, f.ed, "Helsinki summit", rvHelsinki)
	f.one = f.mark("Russia had not interfered in the 2016 election")
	f.two = f.mark("Putin said he wanted Trump to win")
	var err error
	if f.scale, err = s.Verdicts(f.ctx); err != nil {
		t.Fatal(err)
	}
	for _, v := range f.scale {
		if v.Label == "False" {
			f.falseLabel = v
		}
	}
	return f
}

func (f *rvFixture) mark(quote string) models.ClaimDetail {
	f.t.Helper()
	start := len([]rune(rvHelsinki[:strings.Index(rvHelsinki, quote)]))
	d, err := f.s.CreateClaim(f.ctx, store.ActorOf(f.ed), store.NewClaim{ArticleID: f.article.ID, Revision: 1, Start: start, End: start + len([]rune(quote)), Quote: quote})
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

// patch applies p at the claim's current version.
func (f *rvFixture) patch(u models.User, id int64, p store.ClaimPatch) (models.ClaimDetail, error) {
	f.t.Helper()
	cur, err := f.s.Claim(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	p.Version = cur.Version
	return f.s.UpdateClaim(f.ctx, store.ActorOf(u), id, p)
}

func (f *rvFixture) mustPatch(u models.User, id int64, p store.ClaimPatch) models.ClaimDetail {
	f.t.Helper()
	d, err := f.patch(u, id, p)
	if err != nil {
		f.t.Fatalf("patch claim %d: %v", id, err)
	}
	return d
}

// propose takes a claim to in_review with verdict False, proposed by u.
func (f *rvFixture) propose(u models.User, id int64) models.ClaimDetail {
	f.t.Helper()
	f.mustPatch(u, id, store.ClaimPatch{State: rvStr("researching")})
	return f.mustPatch(u, id, store.ClaimPatch{Verdict: rvStr("False"), Explanation: rvStr("Russia's interference is documented by several inquiries."), State: rvStr("in_review")})
}

func rvStr(s string) *string { return &s }

func rvField(err error) string {
	var v models.ValidationError
	if !errors.As(err, &v) {
		return ""
	}
	for k := range v {
		return k
	}
	return ""
}

func TestSignOffApprovesWithSomeoneElse(t *testing.T) {
	f := newRvFixture(t)
	d := f.propose(f.a, f.one.ID)
	if d.State != models.StateInReview || d.ReviewRound != 1 || d.ProposedBy == nil || *d.ProposedBy != f.a.ID {
		t.Fatalf("after proposing: state %s round %d proposer %v", d.State, d.ReviewRound, d.ProposedBy)
	}
	_, err := f.s.SignOff(f.ctx, store.ActorOf(f.a), d.ID, store.Decision{Approve: true, Version: d.Version})
	if rvField(err) != "approve" {
		t.Fatalf("proposer approving own verdict: err = %v, want a message on approve", err)
	}
	if _, err := f.s.SignOff(f.ctx, store.ActorOf(f.ed), d.ID, store.Decision{Approve: true}); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("editor approving: err = %v, want ErrForbidden", err)
	}
	if _, err := f.s.SignOff(f.ctx, store.ActorOf(f.b), d.ID, store.Decision{Approve: true, Version: d.Version - 1}); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("stale decision: err = %v, want conflict", err)
	}
	r, err := f.s.SignOff(f.ctx, store.ActorOf(f.b), d.ID, store.Decision{Approve: true, Note: "Checked the Mueller report.", Version: d.Version})
	if err != nil {
		t.Fatal(err)
	}
	if r.Claim.State != models.StateApproved || r.Approvals != 1 || r.Required != 1 || r.Claim.Version != d.Version+1 {
		t.Fatalf("after approval: state %s, %d of %d, version %d", r.Claim.State, r.Approvals, r.Required, r.Claim.Version)
	}
	if _, err := f.s.SignOff(f.ctx, store.ActorOf(f.b), d.ID, store.Decision{Approve: true}); rvField(err) != "state" {
		t.Fatalf("approving an approved claim: err = %v, want a message on state", err)
	}
	approvals, err := f.s.Approvals(f.ctx, d.ID)
	if err != nil || len(approvals) != 1 || approvals[0].UserName != f.b.Name || !approvals[0].Approve || approvals[0].Round != 1 || *approvals[0].VerdictID != f.falseLabel.ID {
		t.Fatalf("approvals = %+v, %v", approvals, err)
	}
	hist, err := f.s.ClaimHistory(f.ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range hist {
		actions = append(actions, e.ActorName+" "+e.EntityType+" "+e.Action)
	}
	want := []string{
		f.ed.Name + " claim created",
		f.a.Name + " claim state changed",
		f.a.Name + " claim state changed",
		f.b.Name + " approval approved",
		f.b.Name + " claim state changed",
	}
	if strings.Join(actions, "\n") != strings.Join(want, "\n") {
		t.Fatalf("history:\n%s\nwant:\n%s", strings.Join(actions, "\n"), strings.Join(want, "\n"))
	}
	var last map[string][2]any
	_ = json.Unmarshal([]byte(hist[len(hist)-1].Changes), &last)
	if last["state"][0] != "in_review" || last["state"][1] != "approved" {
		t.Fatalf("last entry changes = %s", hist[len(hist)-1].Changes)
	}
	// A signed-off verdict does not change without going back to researching.
	if _, err := f.patch(f.a, d.ID, store.ClaimPatch{Explanation: rvStr("Changed after sign-off.")}); rvField(err) != "explanation" {
		t.Fatalf("editing a signed-off explanation: err = %v", err)
	}
	back := f.mustPatch(f.a, d.ID, store.ClaimPatch{State: rvStr("researching"), Reason: "New evidence", Verdict: rvStr("Misleading")})
	if back.State != models.StateResearching || back.Verdict.Label != "Misleading" {
		t.Fatalf("reopen with a new verdict: %s %v", back.State, back.Verdict)
	}
}

func TestSignOffNeedsRequiredApprovalsPerRound(t *testing.T) {
	f := newRvFixture(t)
	c := storetest.User(t, f.s, models.RoleAdmin)
	if err := f.s.SetSettings(f.ctx, store.ActorOf(c), map[string]string{"required_approvals": "2"}); err != nil {
		t.Fatal(err)
	}
	d := f.propose(f.a, f.one.ID)
	r, err := f.s.SignOff(f.ctx, store.ActorOf(f.b), d.ID, store.Decision{Approve: true})
	if err != nil || r.Claim.State != models.StateInReview || r.Approvals != 1 || r.Required != 2 {
		t.Fatalf("first of two: %+v, %v", r, err)
	}
	if _, err := f.s.SignOff(f.ctx, store.ActorOf(f.b), d.ID, store.Decision{Approve: true}); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("second decision by the same person: err = %v, want conflict", err)
	}
	// The proposer rewords the explanation: a new round, so b's approval no longer counts.
	d = f.mustPatch(f.a, d.ID, store.ClaimPatch{Explanation: rvStr("Several inquiries document Russia's interference.")})
	if d.ReviewRound != 2 || d.State != models.StateInReview {
		t.Fatalf("after rewording: round %d state %s", d.ReviewRound, d.State)
	}
	if r, err = f.s.SignOff(f.ctx, store.ActorOf(c), d.ID, store.Decision{Approve: true}); err != nil || r.Claim.State != models.StateInReview || r.Approvals != 1 {
		t.Fatalf("first approval of round 2: %+v, %v", r, err)
	}
	if r, err = f.s.SignOff(f.ctx, store.ActorOf(f.b), d.ID, store.Decision{Approve: true}); err != nil || r.Claim.State != models.StateApproved || r.Approvals != 2 {
		t.Fatalf("second approval of round 2: %+v, %v", r, err)
	}
}

func TestSignOffRejectionSendsBackWithReason(t *testing.T) {
	f := newRvFixture(t)
	d := f.propose(f.a, f.one.ID)
	if _, err := f.s.SignOff(f.ctx, store.ActorOf(f.b), d.ID, store.Decision{Approve: false, Note: "  "}); rvField(err) != "note" {
		t.Fatalf("rejection without a note: err = %v", err)
	}
	r, err := f.s.SignOff(f.ctx, store.ActorOf(f.b), d.ID, store.Decision{Approve: false, Note: "The second inquiry is not cited."})
	if err != nil || r.Claim.State != models.StateResearching {
		t.Fatalf("rejection: %+v, %v", r.Claim.State, err)
	}
	hist, _ := f.s.ClaimHistory(f.ctx, d.ID)
	last := hist[len(hist)-1]
	if !strings.Contains(last.Changes, `"reason":[null,"The second inquiry is not cited."]`) || last.ActorName != f.b.Name {
		t.Fatalf("last history entry = %+v", last)
	}
	// Back in review, the round is new and b may decide again.
	d = f.mustPatch(f.a, d.ID, store.ClaimPatch{State: rvStr("in_review")})
	if d.ReviewRound != 2 {
		t.Fatalf("round after resubmitting = %d, want 2", d.ReviewRound)
	}
	if r, err = f.s.SignOff(f.ctx, store.ActorOf(f.b), d.ID, store.Decision{Approve: true}); err != nil || r.Claim.State != models.StateApproved {
		t.Fatalf("approval in round 2: %v, %v", r.Claim.State, err)
	}
}

func TestWorkflowRules(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *rvFixture, id int64)
		who   func(f *rvFixture) models.User
		patch store.ClaimPatch
		field string // the field the message is about; "" for success
		trans bool   // want ErrInvalidTransition
		forb  bool   // want ErrForbidden
	}{
		{name: "new to researching", patch: store.ClaimPatch{State: rvStr("researching")}},
		{name: "unknown state", patch: store.ClaimPatch{State: rvStr("done")}, field: "state"},
		{name: "new to published is illegal", patch: store.ClaimPatch{State: rvStr("published")}, trans: true},
		{name: "approve by hand", patch: store.ClaimPatch{State: rvStr("approved")}, field: "state"},
		{name: "needs_recheck by hand", patch: store.ClaimPatch{State: rvStr("needs_recheck")}, field: "state"},
		{name: "review without verdict", setup: rvResearch, patch: store.ClaimPatch{State: rvStr("in_review")}, field: "verdict"},
		{name: "review without explanation", setup: rvResearch, patch: store.ClaimPatch{State: rvStr("in_review"), Verdict: rvStr("True")}, field: "explanation"},
		{name: "unknown verdict", patch: store.ClaimPatch{Verdict: rvStr("Pants on fire")}, field: "verdict"},
		{name: "verdict by id", patch: store.ClaimPatch{Verdict: rvStr("1")}},
		{name: "back to researching needs a reason", setup: rvInReview, patch: store.ClaimPatch{State: rvStr("researching")}, field: "reason"},
		{name: "back to researching with a reason", setup: rvInReview, patch: store.ClaimPatch{State: rvStr("researching"), Reason: "Wrong source"}},
		{name: "clearing the verdict in review", setup: rvInReview, patch: store.ClaimPatch{Verdict: rvStr("")}, field: "verdict"},
		{name: "due date unreadable", patch: store.ClaimPatch{Due: rvStr("next Friday")}, field: "due"},
		{name: "due date", patch: store.ClaimPatch{Due: rvStr("2018-07-20")}},
		{name: "assign an editor", patch: store.ClaimPatch{Assignee: rvStr("editor")}, field: "assignee"},
		{name: "assign nobody known", patch: store.ClaimPatch{Assignee: rvStr("nobody@example.org")}, field: "assignee"},
		{name: "assign a fact-checker by e-mail", patch: store.ClaimPatch{Assignee: rvStr("b")}},
		{name: "editor sets a verdict", who: rvEditor, patch: store.ClaimPatch{Verdict: rvStr("False")}, forb: true},
		{name: "editor sets a state", who: rvEditor, patch: store.ClaimPatch{State: rvStr("researching")}, forb: true},
		{name: "editor assigns", who: rvEditor, patch: store.ClaimPatch{Assignee: rvStr("b")}, forb: true},
		{name: "editor edits the summary", who: rvEditor, patch: store.ClaimPatch{Content: models.ClaimInput{Summary: rvStr("Interference denied")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newRvFixture(t)
			if tt.setup != nil {
				tt.setup(f, f.one.ID)
			}
			who := f.a
			if tt.who != nil {
				who = tt.who(f)
			}
			// Stand-ins for users the case names.
			for _, p := range []**string{&tt.patch.Assignee} {
				if *p != nil {
					switch **p {
					case "editor":
						*p = rvStr(f.ed.Email)
					case "b":
						*p = rvStr(f.b.Email)
					}
				}
			}
			before, _ := f.s.Claim(f.ctx, f.one.ID)
			_, err := f.patch(who, f.one.ID, tt.patch)
			switch {
			case tt.trans:
				if !errors.Is(err, models.ErrInvalidTransition) {
					t.Fatalf("err = %v, want ErrInvalidTransition", err)
				}
			case tt.forb:
				if !errors.Is(err, models.ErrForbidden) {
					t.Fatalf("err = %v, want ErrForbidden", err)
				}
			case tt.field != "":
				if got := rvField(err); got != tt.field {
					t.Fatalf("err = %v (field %q), want a message on %q", err, got, tt.field)
				}
			case err != nil:
				t.Fatalf("err = %v, want success", err)
			}
			after, _ := f.s.Claim(f.ctx, f.one.ID)
			if changed := after.Version != before.Version; changed != (err == nil) {
				t.Fatalf("version %d → %d with err %v: a refused change must not write, an accepted one must", before.Version, after.Version, err)
			}
		})
	}
}

func rvResearch(f *rvFixture, id int64) {
	f.mustPatch(f.a, id, store.ClaimPatch{State: rvStr("researching")})
}

func rvInReview(f *rvFixture, id int64) { f.propose(f.a, id) }

func rvEditor(f *rvFixture) models.User { return f.ed }

func TestCommentsThread(t *testing.T) {
	f := newRvFixture(t)
	viewer := storetest.User(t, f.s, models.RoleViewer)
	if _, err := f.s.AddComment(f.ctx, store.ActorOf(viewer), f.one.ID, "Hello"); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("viewer comments: err = %v", err)
	}
	if _, err := f.s.AddComment(f.ctx, store.ActorOf(f.ed), f.one.ID, "   "); rvField(err) != "body" {
		t.Fatalf("empty comment: err = %v", err)
	}
	if _, err := f.s.AddComment(f.ctx, store.ActorOf(f.ed), 999999, "Hi"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("comment on a missing claim: err = %v", err)
	}
	for _, u := range []models.User{f.ed, f.a} {
		if _, err := f.s.AddComment(f.ctx, store.ActorOf(u), f.one.ID, "From "+u.Name); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := f.s.Comments(f.ctx, f.one.ID, 0, 0)
	if err != nil || len(cs) != 2 || cs[0].UserName != f.ed.Name || cs[1].Body != "From "+f.a.Name {
		t.Fatalf("comments = %+v, %v", cs, err)
	}
	if more, _ := f.s.Comments(f.ctx, f.one.ID, cs[0].ID, 0); len(more) != 1 || more[0].ID != cs[1].ID {
		t.Fatalf("comments after the first = %+v", more)
	}
}

func TestBoardFiltersAndCounts(t *testing.T) {
	f := newRvFixture(t)
	third := f.mark("the summit in Helsinki was a success")
	f.propose(f.a, f.one.ID)
	f.mustPatch(f.a, f.two.ID, store.ClaimPatch{Assignee: rvStr(f.b.Email), Due: rvStr("2000-01-01"), State: rvStr("researching")})
	f.mustPatch(f.ed, third.ID, store.ClaimPatch{Content: models.ClaimInput{Claimant: rvStr("Donald Trump")}})
	ids := func(p store.BoardPage) []int64 {
		out := []int64{}
		for _, d := range p.Items {
			out = append(out, d.ID)
		}
		return out
	}
	tests := []struct {
		name  string
		f     store.BoardFilter
		want  []int64
		total int
	}{
		{"all, newest first", store.BoardFilter{}, []int64{third.ID, f.two.ID, f.one.ID}, 3},
		{"state", store.BoardFilter{State: "researching"}, []int64{f.two.ID}, 1},
		{"verdict by label", store.BoardFilter{Verdict: "false"}, []int64{f.one.ID}, 1},
		{"no verdict", store.BoardFilter{Verdict: "none"}, []int64{third.ID, f.two.ID}, 2},
		{"assignee by e-mail", store.BoardFilter{Assignee: f.b.Email}, []int64{f.two.ID}, 1},
		{"assignee me", store.BoardFilter{Assignee: "me", Me: f.b.ID}, []int64{f.two.ID}, 1},
		{"unassigned", store.BoardFilter{Assignee: "none"}, []int64{third.ID, f.one.ID}, 2},
		{"claimant by name", store.BoardFilter{Claimant: "donald trump"}, []int64{third.ID}, 1},
		{"marked by e-mail", store.BoardFilter{MarkedBy: f.ed.Email}, []int64{third.ID, f.two.ID, f.one.ID}, 3},
		{"marked by me, someone who marked none", store.BoardFilter{MarkedBy: "me", Me: f.a.ID}, []int64{}, 0},
		{"article", store.BoardFilter{Article: rvItoa(f.article.ID)}, []int64{third.ID, f.two.ID, f.one.ID}, 3},
		{"overdue", store.BoardFilter{Overdue: true}, []int64{f.two.ID}, 1},
		{"no evidence", store.BoardFilter{NoEvidence: true}, []int64{third.ID, f.two.ID, f.one.ID}, 3},
		{"combined", store.BoardFilter{State: "new", Verdict: "none", Assignee: "none"}, []int64{third.ID}, 1},
		{"paged", store.BoardFilter{PerPage: 2, Page: 2}, []int64{f.one.ID}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := f.s.Board(f.ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(p); !rvEqual(got, tt.want) || p.Total != tt.total {
				t.Fatalf("ids %v total %d; want %v total %d", got, p.Total, tt.want, tt.total)
			}
		})
	}
	p, _ := f.s.Board(f.ctx, store.BoardFilter{State: "researching"})
	if p.Counts[models.StateNew] != 1 || p.Counts[models.StateResearching] != 1 || p.Counts[models.StateInReview] != 1 {
		t.Fatalf("counts by state = %v", p.Counts)
	}
	if p, _ := f.s.Board(f.ctx, store.BoardFilter{PerPage: 2}); !p.HasNext {
		t.Fatal("page 1 of 2: HasNext = false")
	}
	bad := []struct {
		f     store.BoardFilter
		field string
	}{
		{store.BoardFilter{State: "closed"}, "state"},
		{store.BoardFilter{Verdict: "Pants on fire"}, "verdict"},
		{store.BoardFilter{Verdict: "99999"}, "verdict"},
		{store.BoardFilter{Assignee: "ghost@example.org"}, "assignee"},
		{store.BoardFilter{Claimant: "Nobody Known"}, "claimant"},
		{store.BoardFilter{MarkedBy: "ghost@example.org"}, "marked_by"},
		{store.BoardFilter{Article: "abc"}, "article"},
		{store.BoardFilter{Article: "99999"}, "article"},
		{store.BoardFilter{Page: store.MaxBoardPage + 1}, "page"},
	}
	for _, b := range bad {
		if _, err := f.s.Board(f.ctx, b.f); rvField(err) != b.field {
			t.Errorf("Board(%+v): err = %v, want a message on %s", b.f, err, b.field)
		}
	}
}

func rvEqual(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func rvItoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestQueueAndDashboard(t *testing.T) {
	f := newRvFixture(t)
	f.propose(f.a, f.one.ID)
	f.mustPatch(f.a, f.two.ID, store.ClaimPatch{Assignee: rvStr(f.a.Email), Due: rvStr("2000-01-01")})
	qa, err := f.s.Queue(f.ctx, f.a, 0)
	if err != nil || qa.AssignedTotal != 1 || qa.Assigned[0].ID != f.two.ID || qa.SignOffTotal != 0 {
		t.Fatalf("a's queue: %+v, %v", qa, err)
	}
	qb, err := f.s.Queue(f.ctx, f.b, 0)
	if err != nil || qb.AssignedTotal != 0 || qb.SignOffTotal != 1 || qb.SignOff[0].ID != f.one.ID {
		t.Fatalf("b's queue: %+v, %v", qb, err)
	}
	if _, err := f.s.SignOff(f.ctx, store.ActorOf(f.b), f.one.ID, store.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	if qb, _ = f.s.Queue(f.ctx, f.b, 0); qb.SignOffTotal != 0 {
		t.Fatalf("after signing off, b's sign-off queue = %d", qb.SignOffTotal)
	}
	qe, err := f.s.Queue(f.ctx, f.ed, 0)
	if err != nil || qe.AssignedTotal != 0 || qe.SignOff != nil {
		t.Fatalf("editor's queue: %+v, %v", qe, err)
	}
	// The editor marked both claims; the first is approved now, so only
	// the second is still open.
	if qe.MarkedTotal != 1 || len(qe.Marked) != 1 || qe.Marked[0].ID != f.two.ID || qa.MarkedTotal != 0 {
		t.Fatalf("marked by the editor: %d, %v; by a: %d", qe.MarkedTotal, qe.Marked, qa.MarkedTotal)
	}
	dash, err := f.s.Dashboard(f.ctx, 12)
	if err != nil {
		t.Fatal(err)
	}
	if dash.Total != 2 || dash.ByState[models.StateApproved] != 1 || dash.ByState[models.StateNew] != 1 ||
		dash.ByVerdict[f.falseLabel.ID] != 1 || dash.NoVerdict != 1 || dash.Overdue != 1 || dash.OverdueItems[0].ID != f.two.ID {
		t.Fatalf("dashboard = %+v", dash)
	}
	if len(dash.Weeks) != 12 || dash.Weeks[11].Opened != 2 || dash.Weeks[11].Closed != 1 || dash.Weeks[10].Opened != 0 {
		t.Fatalf("weeks = %+v", dash.Weeks)
	}
	if wd := dash.Weeks[11].Start.Weekday(); wd.String() != "Monday" {
		t.Fatalf("weeks start on %s", wd)
	}
}

func TestVerdictScaleAdmin(t *testing.T) {
	f := newRvFixture(t)
	adm := store.ActorOf(storetest.User(t, f.s, models.RoleAdmin))
	if _, err := f.s.CreateVerdict(f.ctx, store.ActorOf(f.a), store.VerdictInput{Label: "Pants on fire", Colour: "#ff0000"}); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("fact-checker edits the scale: err = %v", err)
	}
	bad := []struct {
		in    store.VerdictInput
		field string
	}{
		{store.VerdictInput{Label: "", Colour: "#ff0000"}, "label"},
		{store.VerdictInput{Label: "false", Colour: "#ff0000"}, "label"},
		{store.VerdictInput{Label: "42", Colour: "#ff0000"}, "label"},
		{store.VerdictInput{Label: "Wild", Colour: "red"}, "colour"},
		{store.VerdictInput{Label: "Wild", Colour: "#ff0000", Value: "lots"}, "value"},
	}
	for _, b := range bad {
		if _, err := f.s.CreateVerdict(f.ctx, adm, b.in); rvField(err) != b.field {
			t.Errorf("CreateVerdict(%+v): err = %v, want a message on %s", b.in, err, b.field)
		}
	}
	pof, err := f.s.CreateVerdict(f.ctx, adm, store.VerdictInput{Label: "Pants on fire", Value: "-1", Colour: "#FF0000", Description: "Ridiculous."})
	if err != nil || pof.Position != len(f.scale)+1 || pof.Colour != "#ff0000" || *pof.Value != -1 || pof.Version != 1 {
		t.Fatalf("created %+v, %v", pof, err)
	}
	if err := f.s.MoveVerdict(f.ctx, adm, pof.ID, -1); err != nil {
		t.Fatal(err)
	}
	scale, _ := f.s.Verdicts(f.ctx)
	if scale[len(scale)-2].ID != pof.ID || scale[len(scale)-2].Position != len(scale)-1 {
		t.Fatalf("after moving up, order = %v", rvLabels(scale))
	}
	up, err := f.s.UpdateVerdict(f.ctx, adm, pof.ID, 1, store.VerdictInput{Label: "Pants on fire!", Colour: "#ee0000"})
	if err != nil || up.Version != 2 || up.Label != "Pants on fire!" {
		t.Fatalf("update: %+v, %v", up, err)
	}
	if _, err := f.s.UpdateVerdict(f.ctx, adm, pof.ID, 1, store.VerdictInput{Label: "Liar", Colour: "#ee0000"}); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("stale scale edit: err = %v, want conflict", err)
	}
	// A label in use moves its claims (and sign-offs) before it goes.
	d := f.propose(f.a, f.one.ID)
	if _, err := f.s.SignOff(f.ctx, store.ActorOf(f.b), d.ID, store.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.DeleteVerdict(f.ctx, adm, f.falseLabel.ID, 0); rvField(err) != "move_to" {
		t.Fatalf("deleting a label in use without moving: err = %v", err)
	}
	if _, err := f.s.DeleteVerdict(f.ctx, adm, f.falseLabel.ID, f.falseLabel.ID); rvField(err) != "move_to" {
		t.Fatalf("moving to itself: err = %v", err)
	}
	moved, err := f.s.DeleteVerdict(f.ctx, adm, f.falseLabel.ID, up.ID)
	if err != nil || moved != 1 {
		t.Fatalf("delete with move: %d, %v", moved, err)
	}
	got, _ := f.s.Claim(f.ctx, d.ID)
	if got.Verdict == nil || got.Verdict.ID != up.ID || got.Version <= d.Version {
		t.Fatalf("moved claim: verdict %v version %d (was %d)", got.Verdict, got.Version, d.Version)
	}
	approvals, _ := f.s.Approvals(f.ctx, d.ID)
	if *approvals[0].VerdictID != up.ID {
		t.Fatalf("approval verdict = %d, want %d", *approvals[0].VerdictID, up.ID)
	}
	scale, _ = f.s.Verdicts(f.ctx)
	for i, v := range scale {
		if v.Position != i+1 || v.ID == f.falseLabel.ID {
			t.Fatalf("scale after delete: %v", rvLabels(scale))
		}
	}
	hist, _ := f.s.ClaimHistory(f.ctx, d.ID)
	if last := hist[len(hist)-1]; !strings.Contains(last.Changes, "was deleted from the verdict scale") {
		t.Fatalf("claim history lacks the move: %+v", last)
	}
	if r, err := f.s.VerifyHistory(f.ctx); err != nil || !r.OK {
		t.Fatalf("chain after scale edits: %+v, %v", r, err)
	}
}

func rvLabels(vs []models.Verdict) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Label
	}
	return out
}

func TestHistoryNamesAndArticleHistory(t *testing.T) {
	f := newRvFixture(t)
	f.mustPatch(f.a, f.one.ID, store.ClaimPatch{Assignee: rvStr(f.b.Email), Verdict: rvStr("False")})
	f.mustPatch(f.ed, f.one.ID, store.ClaimPatch{Content: models.ClaimInput{Claimant: rvStr("Donald Trump")}})
	hist, _ := f.s.ClaimHistory(f.ctx, f.one.ID)
	names, err := f.s.HistoryNames(f.ctx, hist)
	if err != nil {
		t.Fatal(err)
	}
	if names.Users[f.b.ID] != f.b.Name || names.Verdicts[f.falseLabel.ID] != "False" || len(names.Claimants) != 1 {
		t.Fatalf("names = %+v", names)
	}
	all, err := f.s.ArticleHistory(f.ctx, f.article.ID, 0, 0)
	if err != nil || len(all) != 5 || all[0].ID < all[1].ID {
		t.Fatalf("article history: %d entries, %v", len(all), err)
	}
	older, _ := f.s.ArticleHistory(f.ctx, f.article.ID, all[1].ID, 2)
	if len(older) != 2 || older[0].ID != all[2].ID {
		t.Fatalf("older page = %+v", older)
	}
}

func TestHistoryIsAppendOnlyAndTamperEvident(t *testing.T) {
	f := newRvFixture(t)
	f.propose(f.a, f.one.ID)
	if _, err := f.s.SignOff(f.ctx, store.ActorOf(f.b), f.one.ID, store.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	r, err := f.s.VerifyHistory(f.ctx)
	if err != nil || !r.OK || r.Entries < 6 {
		t.Fatalf("verify = %+v, %v", r, err)
	}
	for _, sql := range []string{
		"UPDATE history_entries SET actor_name = 'Mallory' WHERE id = 3",
		"DELETE FROM history_entries WHERE id = 3",
		"DELETE FROM history_entries",
	} {
		if err := store.TamperForTest(f.s, f.ctx, sql); err == nil {
			t.Fatalf("%s succeeded; the append-only trigger should refuse it", sql)
		}
	}
	// An attacker with access to the database files can switch the trigger off;
	// the chain still shows the change.
	disable := "DROP TRIGGER history_no_update"
	if f.s.Dialect() == "postgres" {
		disable = "ALTER TABLE history_entries DISABLE TRIGGER history_no_update"
	}
	if err := store.TamperForTest(f.s, f.ctx, disable); err != nil {
		t.Fatal(err)
	}
	if err := store.TamperForTest(f.s, f.ctx, "UPDATE history_entries SET actor_name = 'Mallory' WHERE id = 3"); err != nil {
		t.Fatal(err)
	}
	r, err = f.s.VerifyHistory(f.ctx)
	if err != nil || r.OK || r.BrokenAt != 3 || !strings.Contains(r.Problem, "altered") {
		t.Fatalf("after tampering: %+v, %v", r, err)
	}
}

// Whoever wrote any part of the proposed verdict may not sign it off, even
// when someone else changed another part after them.
func TestSignOffRefusesEveryAuthorOfTheVerdict(t *testing.T) {
	f := newRvFixture(t)
	d := f.propose(f.a, f.one.ID)
	d = f.mustPatch(f.b, d.ID, store.ClaimPatch{Rationale: rvStr("The Mueller indictments name the units involved.")})
	if d.ProposedBy == nil || *d.ProposedBy != f.b.ID {
		t.Fatalf("proposer after B's edit = %v, want B", d.ProposedBy)
	}
	for _, u := range []models.User{f.a, f.b} {
		if _, err := f.s.SignOff(f.ctx, store.ActorOf(u), d.ID, store.Decision{Approve: true, Version: d.Version}); rvField(err) != "approve" {
			t.Fatalf("%s signing off a verdict they helped write: err = %v, want a message on approve", u.Name, err)
		}
	}
	c := storetest.User(t, f.s, models.RoleFactChecker)
	r, err := f.s.SignOff(f.ctx, store.ActorOf(c), d.ID, store.Decision{Approve: true, Version: d.Version})
	if err != nil || r.Claim.State != models.StateApproved {
		t.Fatalf("a third fact-checker: %v, state %s", err, r.Claim.State)
	}
}

// One person's decision sent twice at once (a double click, a retried API
// call) counts once: with two approvals required the claim stays in review.
func TestSignOffTwiceAtOnceCountsOnce(t *testing.T) {
	f := newRvFixture(t)
	admin := storetest.User(t, f.s, models.RoleAdmin)
	if err := f.s.SetSettings(f.ctx, store.ActorOf(admin), map[string]string{"required_approvals": "2"}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{f.one.ID, f.two.ID} {
		d := f.propose(f.a, id)
		for try := 0; try < 5; try++ {
			if d.State != models.StateInReview {
				break
			}
			const n = 4
			errs := make(chan error, n)
			for range n {
				go func() {
					_, err := f.s.SignOff(f.ctx, store.ActorOf(f.b), id, store.Decision{Approve: true})
					errs <- err
				}()
			}
			ok := 0
			for range n {
				err := <-errs
				switch {
				case err == nil:
					ok++
				case !errors.Is(err, models.ErrConflict):
					t.Fatalf("concurrent decision: %v", err)
				}
			}
			as, err := f.s.Approvals(f.ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			d, err = f.s.Claim(f.ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			mine := 0
			for _, a := range as {
				if a.UserID == f.b.ID && a.Round == d.ReviewRound {
					mine++
				}
			}
			if ok != 1 || mine != 1 || d.State != models.StateInReview {
				t.Fatalf("claim %d, %d decisions at once by one person: %d accepted, %d recorded, state %s; want 1, 1, in review", id, n, ok, mine, d.State)
			}
			// A new round for the next try.
			d = f.mustPatch(f.a, id, store.ClaimPatch{Explanation: rvStr("Reworded " + strconv.Itoa(try) + ".")})
		}
	}
}

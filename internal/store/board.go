package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// The claims board, the queues and the dashboard: reading a million claims
// through indexes, with counts from the tallies (tallies.go) or capped.

// BoardFilter selects claims for the board. Every field is optional input
// as a person or script gives it; Board validates and resolves it.
type BoardFilter struct {
	State      string // a state
	Verdict    string // a verdict id or label, or "none"
	Assignee   string // a user id or e-mail, "me" or "none"
	MarkedBy   string // who marked the claims: a user id or e-mail, or "me"
	Claimant   string // a claimant id or name
	Article    string // an article id
	Overdue    bool   // due before today and still open
	NoEvidence bool   // no evidence linked
	Q          string // words searched in quote, summary, explanation, rationale, notes and claimant (at most 200 characters)
	Me         int64  // the user "me" means
	Page       int    // from 1
	PerPage    int    // 50 when 0, at most 200
}

// boardWhere is a validated BoardFilter.
type boardWhere struct {
	state                 models.State
	verdictID, assigneeID *int64
	markedByID            *int64
	claimantID, articleID *int64
	noVerdict, unassigned bool
	overdue, noEvidence   bool
	today                 string // YYYY-MM-DD
	q                     string // a search with at least one word
}

// BoardPage is one page of the board, with counts by state for the filters
// other than state (so the state tabs show what each would hold).
//
// Counts come from the claim tallies when the only filters are state and
// verdict, and are exact. Other filters count at most CountCap claims per
// state: a state in AtLeast holds CountCap or more, and TotalAtLeast says
// Total is a lower bound.
type BoardPage struct {
	Items        []models.ClaimDetail
	Counts       map[models.State]int
	AtLeast      map[models.State]bool
	Total        int // claims matching every filter
	TotalAtLeast bool
	Page         int
	PerPage      int
	HasNext      bool
}

// Board lists live claims matching f, newest first (overdue ones longest
// overdue first). The page is one query through the index pageIndex names
// (plus one row to know whether there is a next page); the counts come from
// the tallies or from capped counts (boardCounts).
func (s *Store) Board(ctx context.Context, f BoardFilter) (BoardPage, error) {
	w, err := s.resolveBoard(ctx, f)
	if err != nil {
		return BoardPage{}, err
	}
	p := BoardPage{Page: max(f.Page, 1), PerPage: f.PerPage, Counts: map[models.State]int{}}
	if p.PerPage <= 0 {
		p.PerPage = 50
	}
	p.PerPage = min(p.PerPage, 200)
	if w.q != "" {
		return s.searchBoard(ctx, w, p)
	}
	var cs []models.Claim
	q := s.dialect.readClaimsBy(boardQuery(s.conn(ctx), w, true), w.pageIndex())
	if err := q.Order(boardOrder(w)).Offset((p.Page - 1) * p.PerPage).Limit(p.PerPage + 1).Find(&cs).Error; err != nil {
		return p, fmt.Errorf("store: board: %w", err)
	}
	if len(cs) > p.PerPage {
		p.HasNext, cs = true, cs[:p.PerPage]
	}
	if p.Items, err = s.details(ctx, cs); err != nil {
		return p, err
	}
	if err := s.boardCounts(ctx, w, &p); err != nil {
		return p, fmt.Errorf("store: board counts: %w", err)
	}
	for st, n := range p.Counts {
		if w.state == "" || w.state == st {
			p.Total += n
			p.TotalAtLeast = p.TotalAtLeast || p.AtLeast[st]
		}
	}
	return p, nil
}

// boardCounts fills p.Counts by state for every filter but the state: from
// the tallies when only the verdict is filtered, else one capped count per
// state.
func (s *Store) boardCounts(ctx context.Context, w boardWhere, p *BoardPage) error {
	p.AtLeast = map[models.State]bool{}
	if w.assigneeID == nil && !w.unassigned && w.markedByID == nil && w.claimantID == nil && w.articleID == nil && !w.overdue && !w.noEvidence {
		ts, err := s.claimTallies(ctx)
		if err != nil {
			return err
		}
		for _, t := range ts {
			switch {
			case w.noVerdict && t.VerdictID != 0, w.verdictID != nil && t.VerdictID != *w.verdictID:
				continue
			}
			p.Counts[t.State] += t.N
		}
		return nil
	}
	for _, st := range models.States {
		q := s.dialect.readClaimsBy(boardQuery(s.conn(ctx), w, false).Where("claims.state = ?", st), w.countIndex())
		n, more, err := cappedCount(s.conn(ctx), q)
		if err != nil {
			return err
		}
		if n > 0 {
			p.Counts[st], p.AtLeast[st] = n, more
		}
	}
	return nil
}

func (s *Store) resolveBoard(ctx context.Context, f BoardFilter) (boardWhere, error) {
	db := s.conn(ctx)
	w := boardWhere{overdue: f.Overdue, noEvidence: f.NoEvidence, today: s.nowUTC().Format("2006-01-02")}
	v := models.ValidationError{}
	if ref := strings.TrimSpace(f.State); ref != "" {
		st, err := models.ParseState(ref)
		if err != nil {
			v.Add("state", err.(models.ValidationError)["state"])
		}
		w.state = st
	}
	if ref := strings.TrimSpace(f.Verdict); strings.EqualFold(ref, "none") {
		w.noVerdict = true
	} else if ref != "" {
		var vd models.Verdict
		q := db.Where("label_key = ?", nameKey(ref))
		if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
			q = db.Where("id = ?", n)
		}
		if res := q.Limit(1).Find(&vd); res.Error != nil {
			return w, res.Error
		} else if res.RowsAffected == 0 {
			v.Add("verdict", fmt.Sprintf("Unknown verdict %q: use a label or id from the verdict scale, or none.", ref))
		}
		w.verdictID = &vd.ID
	}
	if ref := strings.TrimSpace(f.Assignee); strings.EqualFold(ref, "none") {
		w.unassigned = true
	} else if ref != "" {
		id, msg, err := boardUser(db, ref, f.Me, "use a user id or e-mail, me or none")
		if err != nil {
			return w, err
		} else if msg != "" {
			v.Add("assignee", msg)
		}
		w.assigneeID = &id
	}
	if ref := strings.TrimSpace(f.MarkedBy); ref != "" {
		id, msg, err := boardUser(db, ref, f.Me, "use a user id or e-mail, or me")
		if err != nil {
			return w, err
		} else if msg != "" {
			v.Add("marked_by", msg)
		}
		w.markedByID = &id
	}
	if ref := strings.TrimSpace(f.Claimant); ref != "" {
		var cl models.Claimant
		q := db.Where("name_key = ?", nameKey(ref))
		if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
			q = db.Where("id = ?", n)
		}
		if res := q.Select("id").Limit(1).Find(&cl); res.Error != nil {
			return w, res.Error
		} else if res.RowsAffected == 0 {
			v.Add("claimant", fmt.Sprintf("There is no claimant %q: use a claimant id or exact name.", ref))
		}
		w.claimantID = &cl.ID
	}
	if ref := strings.TrimSpace(f.Article); ref != "" {
		n, err := strconv.ParseInt(ref, 10, 64)
		if err != nil || n <= 0 {
			v.Add("article", "Use an article id, a whole number.")
		} else {
			var cnt int64
			if err := db.Model(&models.Article{}).Where("id = ? AND deleted_at IS NULL", n).Count(&cnt).Error; err != nil {
				return w, err
			}
			if cnt == 0 {
				v.Add("article", fmt.Sprintf("There is no article %d.", n))
			}
			w.articleID = &n
		}
	}
	if q := strings.TrimSpace(f.Q); utf8.RuneCountInString(q) > MaxSearchRunes {
		v.Add("q", "Keep the search under 200 characters.")
	} else if len(searchWords(q)) > 0 {
		w.q = q
	}
	if f.Page > MaxBoardPage {
		v.Add("page", fmt.Sprintf("Pages go up to %d: narrow the filters to see older claims.", MaxBoardPage))
	}
	return w, v.OrNil()
}

// pageIndex is the index a board page reads, chosen as a planner with
// statistics would: the narrowest filter first (an article's claims, a
// claimant's, the marker's, an assignee's, overdue ones, those without evidence, a
// verdict's, a state's), each index giving the rows in the page's order,
// so the page stops after its rows. SQLite plans without statistics and
// often picks a state index over a narrower one, so it is told
// (dialect.readClaimsBy); PostgreSQL keeps statistics and is not.
func (w boardWhere) pageIndex() string {
	withState := w.state != ""
	switch {
	case w.articleID != nil:
		return "claims_article" // at most an article's claims, sorted
	case w.claimantID != nil && withState:
		return "claims_claimant_state"
	case w.claimantID != nil:
		return "claims_live_claimant_id"
	case w.markedByID != nil && withState:
		return "claims_marked_by_state"
	case w.markedByID != nil:
		return "claims_marked_by"
	case (w.assigneeID != nil || w.unassigned) && withState:
		return "claims_assignee"
	case w.assigneeID != nil || w.unassigned:
		return "claims_assignee_id"
	case w.overdue:
		return "claims_open_due"
	case w.noEvidence && withState:
		return "claims_no_evidence"
	case w.noEvidence:
		return "claims_no_evidence_id"
	case (w.verdictID != nil || w.noVerdict) && withState:
		return "claims_live_state_verdict"
	case w.verdictID != nil || w.noVerdict:
		return "claims_live_verdict_id"
	case withState:
		return "claims_live_state_id"
	}
	return "claims_live_id"
}

// countIndex is the index for one state's capped count (cappedCount),
// chosen the same way; every one of them starts with the state or follows
// the narrowest filter's equality with it.
func (w boardWhere) countIndex() string {
	switch {
	case w.articleID != nil:
		return "claims_article_state"
	case w.claimantID != nil:
		return "claims_claimant_state"
	case w.markedByID != nil:
		return "claims_marked_by_state"
	case w.assigneeID != nil || w.unassigned:
		return "claims_assignee"
	case w.overdue:
		return "claims_state_due"
	case w.noEvidence:
		return "claims_no_evidence"
	case w.verdictID != nil || w.noVerdict:
		return "claims_live_state_verdict"
	}
	return "claims_live_state_id"
}

// boardOrder is newest first, except that overdue claims come longest
// overdue first (as on the dashboard), read in order from claims_open_due.
func boardOrder(w boardWhere) string {
	if w.overdue {
		return "claims.due, claims.id"
	}
	return "claims.id DESC"
}

// openStatesSQL is models.OpenStates as a literal condition, as the partial
// index claims_open_due (migration 0007) spells it.
const openStatesSQL = "claims.state IN ('new', 'researching', 'in_review', 'needs_recheck')"

// boardUser resolves a board filter's user: "me", an id or an e-mail. An
// unknown user is a message (ending in hint), not an error.
func boardUser(db *gorm.DB, ref string, me int64, hint string) (int64, string, error) {
	if strings.EqualFold(ref, "me") {
		return me, "", nil
	}
	var u models.User
	q := db.Where("email = ?", models.NormalizeEmail(ref))
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
		q = db.Where("id = ?", n)
	}
	if res := q.Select("id").Limit(1).Find(&u); res.Error != nil {
		return 0, "", res.Error
	} else if res.RowsAffected == 0 {
		return 0, fmt.Sprintf("There is no user %q: %s.", ref, hint), nil
	}
	return u.ID, "", nil
}

// boardQuery applies the filters; withState false leaves out the state
// filter (for the counts by state).
func boardQuery(db *gorm.DB, w boardWhere, withState bool) *gorm.DB {
	q := db.Model(&models.Claim{}).Where("claims.deleted_at IS NULL")
	if withState && w.state != "" {
		q = q.Where("claims.state = ?", w.state)
	}
	switch {
	case w.noVerdict:
		q = q.Where("claims.verdict_id IS NULL")
	case w.verdictID != nil:
		q = q.Where("claims.verdict_id = ?", *w.verdictID)
	}
	switch {
	case w.unassigned:
		q = q.Where("claims.assignee_id IS NULL")
	case w.assigneeID != nil:
		q = q.Where("claims.assignee_id = ?", *w.assigneeID)
	}
	if w.claimantID != nil {
		q = q.Where("claims.claimant_id = ?", *w.claimantID)
	}
	if w.markedByID != nil {
		q = q.Where("claims.created_by = ?", *w.markedByID)
	}
	if w.articleID != nil {
		q = q.Where("claims.article_id = ?", *w.articleID)
	}
	if w.overdue {
		// The states are written out, not bound, so that the partial index
		// claims_open_due applies (a planner cannot match a parameter).
		q = q.Where(openStatesSQL+" AND claims.due IS NOT NULL AND claims.due < ?", w.today)
	}
	if w.noEvidence {
		q = q.Where("claims.evidence_count = 0") // a literal 0, so the partial index claims_no_evidence applies
	}
	return q
}

// Queue is what waits for one person.
// The totals stop at CountCap; the AtLeast flags say a total is the cap.
type Queue struct {
	Assigned        []models.ClaimDetail // open claims assigned to them, soonest due first
	AssignedTotal   int
	AssignedAtLeast bool
	SignOff         []models.ClaimDetail // in review, proposed by someone else, not yet decided by them
	SignOffTotal    int
	SignOffAtLeast  bool
	Marked          []models.ClaimDetail // open claims they marked, newest first (people who mark claims)
	MarkedTotal     int
	MarkedAtLeast   bool
	Today           time.Time
}

// Queue returns a user's queue: at most limit claims of each kind.
func (s *Store) Queue(ctx context.Context, u models.User, limit int) (Queue, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := Queue{Today: s.today()}
	assigned := func() *gorm.DB {
		return s.conn(ctx).Model(&models.Claim{}).Where("claims.deleted_at IS NULL AND claims.assignee_id = ? AND claims.state IN ?", u.ID, models.OpenStates)
	}
	var err error
	if q.AssignedTotal, q.AssignedAtLeast, err = cappedCount(s.conn(ctx), assigned()); err != nil {
		return q, fmt.Errorf("store: queue: %w", err)
	}
	var cs []models.Claim
	if err := assigned().Order("claims.due IS NULL, claims.due, claims.id").Limit(limit).Find(&cs).Error; err != nil {
		return q, fmt.Errorf("store: queue: %w", err)
	}
	if q.Assigned, err = s.details(ctx, cs); err != nil {
		return q, err
	}
	if u.Can(models.ActMarkClaims) {
		marked := func() *gorm.DB {
			return s.dialect.readClaimsBy(s.conn(ctx).Model(&models.Claim{}).Where("claims.deleted_at IS NULL AND claims.created_by = ? AND "+openStatesSQL, u.ID), "claims_marked_by")
		}
		if q.MarkedTotal, q.MarkedAtLeast, err = cappedCount(s.conn(ctx), marked()); err != nil {
			return q, fmt.Errorf("store: marked queue: %w", err)
		}
		cs = nil
		if err := marked().Order("claims.id DESC").Limit(limit).Find(&cs).Error; err != nil {
			return q, fmt.Errorf("store: marked queue: %w", err)
		}
		if q.Marked, err = s.details(ctx, cs); err != nil {
			return q, err
		}
	}
	if !u.Can(models.ActReview) {
		return q, nil
	}
	waiting := func() *gorm.DB { return s.waitingForSignOff(s.conn(ctx), u.ID) }
	if q.SignOffTotal, q.SignOffAtLeast, err = cappedCount(s.conn(ctx), waiting()); err != nil {
		return q, fmt.Errorf("store: sign-off queue: %w", err)
	}
	cs = nil
	if err := waiting().Order("claims.id").Limit(limit).Find(&cs).Error; err != nil {
		return q, fmt.Errorf("store: sign-off queue: %w", err)
	}
	q.SignOff, err = s.details(ctx, cs)
	return q, err
}

// waitingForSignOff selects the claims in review that user did not help
// write and has not decided on in this round. The state is written out,
// and SQLite told the index, so the test reads the covering partial index
// claims_in_review alone (migration 0015).
func (s *Store) waitingForSignOff(db *gorm.DB, user int64) *gorm.DB {
	return s.dialect.readClaimsBy(db.Model(&models.Claim{}), "claims_in_review").
		Where("claims.deleted_at IS NULL AND claims.state = 'in_review'").
		Where("(claims.proposed_by IS NULL OR claims.proposed_by <> ?)", user).
		Where("(claims.verdict_by IS NULL OR claims.verdict_by <> ?) AND (claims.explanation_by IS NULL OR claims.explanation_by <> ?) AND (claims.rationale_by IS NULL OR claims.rationale_by <> ?)", user, user, user).
		Where("NOT EXISTS (SELECT 1 FROM approvals WHERE approvals.claim_id = claims.id AND approvals.round = claims.review_round AND approvals.user_id = ?)", user)
}

func (s *Store) today() time.Time {
	y, m, d := s.nowUTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Dashboard is the newsroom's overview.
type Dashboard struct {
	Total        int
	ByState      map[models.State]int
	ByVerdict    map[int64]int // live claims by verdict id
	NoVerdict    int
	Overdue      int
	OverdueItems []models.ClaimDetail // the longest overdue first
	Weeks        []WeekCount          // oldest first; the last is the current week
	Today        time.Time
}

// WeekCount is the number of claims opened (marked) and closed (signed off,
// and still approved or published) in the week starting on Monday Start.
type WeekCount struct {
	Start          time.Time
	Opened, Closed int
}

// Dashboard counts live claims by state and verdict from the tallies, finds
// overdue claims, and counts claims opened and closed in each of the last
// weeks with one range query each.
func (s *Store) Dashboard(ctx context.Context, weeks int) (Dashboard, error) {
	weeks = min(max(weeks, 1), 52)
	today := s.today()
	dash := Dashboard{ByState: map[models.State]int{}, ByVerdict: map[int64]int{}, Today: today}
	ts, err := s.claimTallies(ctx)
	if err != nil {
		return dash, fmt.Errorf("store: dashboard: %w", err)
	}
	for _, t := range ts {
		dash.Total += t.N
		dash.ByState[t.State] += t.N
		if t.VerdictID == 0 {
			dash.NoVerdict += t.N
		} else {
			dash.ByVerdict[t.VerdictID] += t.N
		}
	}
	overdue := func() *gorm.DB {
		return s.conn(ctx).Model(&models.Claim{}).Where("claims.deleted_at IS NULL AND "+openStatesSQL+" AND claims.due IS NOT NULL AND claims.due < ?", today.Format("2006-01-02"))
	}
	var n int64
	if err := overdue().Count(&n).Error; err != nil {
		return dash, fmt.Errorf("store: overdue: %w", err)
	}
	dash.Overdue = int(n)
	var cs []models.Claim
	if err := s.dialect.readClaimsBy(overdue(), "claims_open_due").Order("claims.due, claims.id").Limit(10).Find(&cs).Error; err != nil {
		return dash, fmt.Errorf("store: overdue: %w", err)
	}
	if dash.OverdueItems, err = s.details(ctx, cs); err != nil {
		return dash, err
	}
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	first := monday.AddDate(0, 0, -7*(weeks-1))
	dash.Weeks = make([]WeekCount, weeks)
	bounds := make([]time.Time, weeks+1)
	for i := range bounds {
		bounds[i] = first.AddDate(0, 0, 7*i)
	}
	for i := range dash.Weeks {
		dash.Weeks[i].Start = bounds[i]
	}
	opened, err := s.weekly(ctx, "created_at", "deleted_at IS NULL", "", bounds)
	if err != nil {
		return dash, err
	}
	// The state test is inside the sums, not in WHERE: there it would lead
	// SQLite to read every approved and published claim through the state
	// index instead of only the weeks' range of the approved_at index.
	closed, err := s.weekly(ctx, "approved_at", "deleted_at IS NULL AND approved_at IS NOT NULL", "state IN ('approved','published')", bounds)
	if err != nil {
		return dash, err
	}
	for i := range dash.Weeks {
		dash.Weeks[i].Opened, dash.Weeks[i].Closed = opened[i], closed[i]
	}
	return dash, nil
}

// weekly counts rows (that also meet countIf, when given) whose column
// falls in each [bounds[i], bounds[i+1]), in one range scan: one
// sum(CASE …) column per week.
func (s *Store) weekly(ctx context.Context, column, where, countIf string, bounds []time.Time) ([]int, error) {
	if countIf != "" {
		countIf = " AND " + countIf
	}
	var sel strings.Builder
	args := make([]any, 0, 2*len(bounds))
	for i := 0; i+1 < len(bounds); i++ {
		if i > 0 {
			sel.WriteString(", ")
		}
		fmt.Fprintf(&sel, "coalesce(sum(CASE WHEN %s >= ? AND %s < ?%s THEN 1 ELSE 0 END), 0) AS w%d", column, column, countIf, i)
		args = append(args, bounds[i], bounds[i+1])
	}
	args = append(args, bounds[0], bounds[len(bounds)-1])
	row := s.conn(ctx).Raw("SELECT "+sel.String()+" FROM claims WHERE "+where+" AND "+column+" >= ? AND "+column+" < ?", args...).Row()
	out := make([]int, len(bounds)-1)
	ptrs := make([]any, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	if err := row.Scan(ptrs...); err != nil {
		return nil, fmt.Errorf("store: weekly %s: %w", column, err)
	}
	return out, nil
}

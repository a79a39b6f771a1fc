package store

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// openPlanStore opens a migrated SQLite store (query plans are SQLite's).
func openPlanStore(t testing.TB, path string) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, Options{URL: path, PasswordCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func plan(t testing.TB, s *Store, query func(tx *gorm.DB) *gorm.DB) string {
	t.Helper()
	sql := s.db.ToSQL(query)
	rows, err := s.db.Raw("EXPLAIN QUERY PLAN " + sql).Rows()
	if err != nil {
		t.Fatalf("explain %s: %v", sql, err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	return strings.Join(lines, "\n")
}

// boardCases are the board's filters one by one and in common pairs.
func boardCases() map[string]boardWhere {
	one, two := int64(1), int64(2)
	return map[string]boardWhere{
		"none":               {},
		"state":              {state: models.StateResearching},
		"verdict":            {verdictID: &one},
		"no verdict":         {noVerdict: true},
		"assignee":           {assigneeID: &two},
		"unassigned":         {unassigned: true},
		"claimant":           {claimantID: &one},
		"article":            {articleID: &one},
		"overdue":            {overdue: true, today: "2026-01-01"},
		"no evidence":        {noEvidence: true},
		"state+assignee":     {state: models.StateResearching, assigneeID: &two},
		"state+verdict":      {state: models.StateInReview, verdictID: &one},
		"assignee+overdue":   {assigneeID: &two, overdue: true, today: "2026-01-01"},
		"article+no verdict": {articleID: &one, noVerdict: true},
		"marked by":          {markedByID: &two},
		"state+marked by":    {state: models.StateNew, markedByID: &two},
	}
}

// countIndex is the index a capped count by state must use for a filter
// whose rows are many: scanning all claims of a state and testing the
// filter on each would read hundreds of thousands of rows.
var countIndex = map[string]string{
	"claimant":    "claims_claimant_state",
	"no evidence": "claims_no_evidence",
	"assignee":    "claims_assignee",
	"article":     "claims_article_state",
	"marked by":   "claims_marked_by_state",
}

// pageIndex is the same for the page of a filter.
var pageIndex = map[string]string{
	"overdue":         "claims_open_due",
	"state":           "claims_live_state_id",
	"verdict":         "claims_live_verdict_id",
	"claimant":        "claims_live_claimant_id",
	"no evidence":     "claims_no_evidence_id",
	"state+verdict":   "claims_live_state_verdict",
	"marked by":       "claims_marked_by",
	"state+marked by": "claims_marked_by_state",
}

// A board query never reads the claims table from end to end: each filter
// is a SEARCH on an index, or the page walks the live-id index backwards.
func TestBoardQueryPlansUseIndexes(t *testing.T) {
	s := openPlanStore(t, filepath.Join(t.TempDir(), "plan.db"))
	for name, w := range boardCases() {
		page := plan(t, s, func(tx *gorm.DB) *gorm.DB {
			var cs []models.Claim
			return s.dialect.readClaimsBy(boardQuery(tx, w, true), w.pageIndex()).Order(boardOrder(w)).Limit(51).Find(&cs)
		})
		counts := plan(t, s, func(tx *gorm.DB) *gorm.DB { // one state's capped count (cappedCount)
			var rows []struct{ N int }
			q := s.dialect.readClaimsBy(boardQuery(tx, w, false).Where("claims.state = ?", models.StateNew), w.countIndex())
			return q.Select("1").Limit(CountCap + 1).Find(&rows)
		})
		if want := pageIndex[name]; want != "" && !strings.Contains(page, want) {
			t.Errorf("%s page: want the index %s:\n%s", name, want, page)
		}
		if want := countIndex[name]; want != "" && !strings.Contains(counts, want) {
			t.Errorf("%s counts: want the index %s:\n%s", name, want, counts)
		}
		for kind, p := range map[string]string{"page": page, "counts": counts} {
			for _, line := range strings.Split(p, "\n") {
				if strings.HasPrefix(line, "SCAN claims") && !strings.Contains(line, "INDEX") {
					t.Errorf("%s %s: full table scan:\n%s", name, kind, p)
				}
				if strings.Contains(line, "evidence") && !strings.Contains(line, "INDEX") {
					t.Errorf("%s %s: evidence without an index:\n%s", name, kind, p)
				}
			}
			if testing.Verbose() {
				t.Logf("%s %s:\n%s", name, kind, p)
			}
		}
	}
	other := map[string]func(tx *gorm.DB) *gorm.DB{
		"overdue": func(tx *gorm.DB) *gorm.DB {
			var cs []models.Claim
			return s.dialect.readClaimsBy(tx.Model(&models.Claim{}).Where("claims.deleted_at IS NULL AND "+openStatesSQL+" AND claims.due IS NOT NULL AND claims.due < ?", "2026-01-01"), "claims_open_due").Order("claims.due, claims.id").Limit(10).Find(&cs)
		},
		"queue": func(tx *gorm.DB) *gorm.DB {
			var cs []models.Claim
			return tx.Model(&models.Claim{}).Where("claims.deleted_at IS NULL AND claims.assignee_id = ? AND claims.state IN ?", 2, models.OpenStates).Order("claims.due IS NULL, claims.due, claims.id").Limit(100).Find(&cs)
		},
		"sign-off count": func(tx *gorm.DB) *gorm.DB {
			var rows []struct{ N int }
			return s.waitingForSignOff(tx, 2).Select("1").Limit(CountCap + 1).Find(&rows)
		},
		"sign-off page": func(tx *gorm.DB) *gorm.DB {
			var cs []models.Claim
			return s.waitingForSignOff(tx, 2).Order("claims.id").Limit(100).Find(&cs)
		},
		"opened per week": func(tx *gorm.DB) *gorm.DB {
			var n []int
			return tx.Model(&models.Claim{}).Select("count(*)").Where("deleted_at IS NULL AND created_at >= ? AND created_at < ?", time.Now().AddDate(0, 0, -84), time.Now()).Find(&n)
		},
		"closed per week": func(tx *gorm.DB) *gorm.DB {
			var n []int
			return tx.Model(&models.Claim{}).Select("sum(CASE WHEN state IN ('approved','published') THEN 1 ELSE 0 END)").Where("deleted_at IS NULL AND approved_at IS NOT NULL AND approved_at >= ? AND approved_at < ?", time.Now().AddDate(0, 0, -84), time.Now()).Find(&n)
		},
	}
	otherIndex := map[string]string{"sign-off count": "COVERING INDEX claims_in_review", "sign-off page": "claims_in_review", "overdue": "claims_open_due", "closed per week": "claims_approved_at", "opened per week": "claims_live_created"}
	for name, q := range other {
		p := plan(t, s, q)
		if want := otherIndex[name]; want != "" && !strings.Contains(p, want) {
			t.Errorf("%s: want the index %s:\n%s", name, want, p)
		}
		if strings.Contains(p, "SCAN claims") && !strings.Contains(p, "INDEX") {
			t.Errorf("%s: full table scan:\n%s", name, p)
		}
		if testing.Verbose() {
			t.Logf("%s:\n%s", name, p)
		}
	}
}

// TestBoardOnAMillionClaims times the board, queue and dashboard on
// CLAIMDESK_BIG_CLAIMS claims (e.g. 1000000). It is skipped otherwise: making
// the data takes a while.
func TestBoardOnAMillionClaims(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("CLAIMDESK_BIG_CLAIMS"))
	if n == 0 {
		t.Skip("set CLAIMDESK_BIG_CLAIMS=1000000 to run")
	}
	ctx := context.Background()
	s := openPlanStore(t, filepath.Join(t.TempDir(), "big.db"))
	start := time.Now()
	seq := "WITH RECURSIVE seq(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM seq WHERE value < " + strconv.Itoa(n) + ") "
	script := []string{
		seq + `INSERT INTO users (email, name, role, password_hash, active, created_at, updated_at)
		   SELECT 'u' || value || '@example.org', 'User ' || value, 'factchecker', 'x', 1, datetime('now'), datetime('now') FROM seq WHERE value <= 50`,
		seq + `INSERT INTO claimants (name, created_at, updated_at) SELECT 'Claimant ' || value, datetime('now'), datetime('now') FROM seq WHERE value <= 5000`,
		seq + `INSERT INTO articles (title, text, created_by, created_at, updated_at)
		   SELECT 'Article ' || value, 'Body of the article with a claim in it.', 1, datetime('now'), datetime('now') FROM seq WHERE value <= ` + strconv.Itoa(max(n/10, 1)),
		seq + `INSERT INTO claims (article_id, start_pos, end_pos, quote, claimant_id, state, verdict_id, assignee_id, due, created_by, created_at, updated_at, deleted_at)
		   SELECT 1 + value % ` + strconv.Itoa(max(n/10, 1)) + `, 0, 4, 'Body', 1 + value % 5000,
		     CASE value % 10 WHEN 0 THEN 'new' WHEN 1 THEN 'researching' WHEN 2 THEN 'in_review' WHEN 3 THEN 'needs_recheck' ELSE 'approved' END,
		     CASE WHEN value % 10 < 2 THEN NULL ELSE 1 + value % 8 END,
		     CASE WHEN value % 3 = 0 THEN NULL ELSE 1 + value % 50 END,
		     CASE WHEN value % 7 = 0 THEN date('2026-01-01', '-' || (value % 400) || ' days') || ' 00:00:00+00:00' END,
		     1, strftime('%Y-%m-%d %H:%M:%S+00:00', 'now', '-' || (value % 700) || ' days'), datetime('now'),
		     CASE WHEN value % 50 = 0 THEN datetime('now') END
		   FROM seq`,
		`ANALYZE`,
	}
	for _, q := range script {
		if err := s.db.Exec(q).Error; err != nil {
			t.Fatalf("making data: %v", err)
		}
	}
	t.Logf("made %d claims in %v", n, time.Since(start).Round(time.Millisecond))
	timed := func(name string, budget time.Duration, fn func() error) {
		t.Helper()
		start := time.Now()
		if err := fn(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		took := time.Since(start)
		t.Logf("%-28s %v", name, took.Round(time.Millisecond))
		if took > budget {
			t.Errorf("%s took %v, budget %v", name, took, budget)
		}
	}
	filters := map[string]BoardFilter{
		"board, no filter":      {},
		"board, state":          {State: "researching"},
		"board, verdict":        {Verdict: "False"},
		"board, assignee":       {Assignee: "7"},
		"board, claimant":       {Claimant: "Claimant 17"},
		"board, article":        {Article: "42"},
		"board, overdue":        {Overdue: true},
		"board, no evidence":    {NoEvidence: true},
		"board, state+assignee": {State: "in_review", Assignee: "u7@example.org"},
		"board, page 200":       {Page: 200},
	}
	for name, f := range filters {
		timed(name, 2*time.Second, func() error { _, err := s.Board(ctx, f); return err })
	}
	timed("dashboard", 3*time.Second, func() error { _, err := s.Dashboard(ctx, 12); return err })
	timed("queue", time.Second, func() error {
		_, err := s.Queue(ctx, models.User{ID: 7, Role: models.RoleFactChecker, Active: true}, 100)
		return err
	})
}

// The overdue filter spells out models.OpenStates for its partial index;
// the two lists must not drift apart.
func TestOpenStatesSQLMatchesModel(t *testing.T) {
	var quoted []string
	for _, s := range models.OpenStates {
		quoted = append(quoted, "'"+string(s)+"'")
	}
	if want := "claims.state IN (" + strings.Join(quoted, ", ") + ")"; openStatesSQL != want {
		t.Fatalf("openStatesSQL = %s, want %s", openStatesSQL, want)
	}
}

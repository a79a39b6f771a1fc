package store_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// openStore opens and migrates a store at url, closed when the test ends.
func openStore(t *testing.T, url string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{URL: url, PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

func sqliteStore(t *testing.T) *store.Store {
	return openStore(t, filepath.Join(t.TempDir(), "claimdesk.db"))
}

func postgresStore(t *testing.T) *store.Store {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		t.Skip("TEST_DATABASE_URL is not set: no PostgreSQL to restore into")
	}
	return openStore(t, storetest.URL(t))
}

// credentials are what people and scripts sign in with, to check that a
// restored database still accepts them.
type credentials struct {
	email, token, cookie string
	articleID            int64
}

const helsinkiText = "HELSINKI (Wire) — The two presidents met for more than two hours on Monday, the Kremlin’s spokesman said.\n\n" +
	"“The Russian state has never interfered and is not going to interfere in internal American affairs,” the Russian president told reporters 🎤.\n\n" +
	"Last week a grand jury indicted 12 Russian intelligence officers on charges of hacking."

// fillAll puts rows in every table: through the store where it has a
// method, with plain SQL for the rows other parts of the store write.
func fillAll(t *testing.T, s *store.Store) credentials {
	t.Helper()
	ctx := context.Background()
	admin := storetest.User(t, s, models.RoleAdmin)
	editor := storetest.User(t, s, models.RoleEditor)
	checker := storetest.User(t, s, models.RoleFactChecker)
	cookie, _, err := s.CreateSession(ctx, editor)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := s.CreateToken(ctx, store.ActorOf(editor), editor.ID, "CMS <script>", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, editor.Email, "wrong password!", "192.0.2.1"); !errors.Is(err, models.ErrUnauthenticated) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := s.InviteUser(ctx, store.ActorOf(admin), models.NewUser{Email: "invited@example.org", Name: "Ina Invited", Role: "viewer"},
		&models.OutgoingMail{Kind: models.LinkInvite, Subject: "Invite", Body: "Choose a password: " + models.LinkPlaceholder}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSettings(ctx, store.ActorOf(admin), map[string]string{"newsroom_name": "Helsinki Desk \"</style>\"", "newsroom_url": "https://desk.example.org/"}); err != nil {
		t.Fatal(err)
	}
	pub, _ := models.ParseDate("2018-07-16")
	a, err := s.CreateArticle(ctx, store.ActorOf(editor), models.Article{Title: "Helsinki summit: leaders meet", Outlet: "Wire", Byline: "A. Reporter",
		SourceURL: "https://news.example.com/helsinki", PublishedAt: &pub, Language: "en", Text: helsinkiText, HTML: "<p>HELSINKI</p>"})
	if err != nil {
		t.Fatal(err)
	}
	claimant := "Vladimir Putin"
	var claims []models.ClaimDetail
	for _, quote := range []string{"The Russian state has never interfered and is not going to interfere in internal American affairs", "a grand jury indicted 12 Russian intelligence officers", "The two presidents met for more than two hours"} {
		i := strings.Index(helsinkiText, quote)
		start := len([]rune(helsinkiText[:i]))
		notes := "<script>alert(1)</script> \"quoted\""
		c, err := s.CreateClaim(ctx, store.ActorOf(editor), store.NewClaim{ArticleID: a.ID, Revision: 1, Start: start, End: start + len([]rune(quote)),
			Quote: quote, Prefix: "p", Suffix: "s", Input: models.ClaimInput{Claimant: &claimant, Notes: &notes}})
		if err != nil {
			t.Fatal(err)
		}
		claims = append(claims, c)
	}
	verdict, researching, review, explanation := "False", "researching", "in_review", "No evidence backs it."
	c, err := s.UpdateClaim(ctx, store.ActorOf(checker), claims[0].ID, store.ClaimPatch{Version: claims[0].Version, Verdict: &verdict, Explanation: &explanation, State: &researching})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateClaim(ctx, store.ActorOf(checker), c.ID, store.ClaimPatch{Version: c.Version, State: &review}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteClaim(ctx, store.ActorOf(editor), claims[2].ID, 0); err != nil {
		t.Fatal(err)
	}
	id := func(n int64) string { return fmt.Sprint(n) }
	c0, u := id(claims[0].ID), id(checker.ID)
	for _, q := range []string{
		`INSERT INTO sources (id, url, title, publisher, kind, published_at, accessed_at, archive_url, notes, created_by, created_at, updated_at) VALUES
			(7, 'https://www.justice.gov/file/1080281/download', 'Indictment <script>', 'US Department of Justice', 'court_filing', '2018-07-13 00:00:00+00:00', NULL, '', 'n', ` + u + `, '2026-03-04 10:00:00.123456+00:00', '2026-03-04 10:00:00.123456+00:00')`,
		`INSERT INTO evidence (claim_id, source_id, stance, passage, note, added_by, created_at) VALUES (` + c0 + `, 7, 'refutes', 'conspiracy to commit an offense', '', ` + u + `, '2026-03-04 10:05:00+00:00')`,
		`INSERT INTO appearances (claim_id, url, first) VALUES (` + c0 + `, 'https://kremlin.example/transcript', TRUE), (` + c0 + `, 'https://tv.example/clip', FALSE)`,
		`INSERT INTO approvals (claim_id, user_id, approve, note, verdict_id, round, created_at) VALUES (` + c0 + `, ` + id(admin.ID) + `, TRUE, 'ok', 6, 1, '2026-03-05 09:00:00+00:00')`,
		`INSERT INTO comments (claim_id, user_id, body, created_at) VALUES (` + c0 + `, ` + u + `, 'Checked — “fine” 👍', '2026-03-05 09:10:00+00:00')`,
		`INSERT INTO corrections (claim_id, article_id, kind, note, old_verdict, new_verdict, old_explanation, new_explanation, created_by, created_at) VALUES (` + c0 + `, ` + id(claims[0].ArticleID) + `, 'correction', 'The figure was 12, not 13 — <b>sorry</b>', 'False', 'Misleading', 'a', 'b', ` + u + `, '2026-03-06 09:10:00+00:00')`,
	} {
		if err := store.TamperForTest(s, ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	fcDate, five, one := pub, 5.0, 1.0
	if _, err := s.UpsertFactChecks(ctx, store.ActorOf(editor), []models.FactCheck{{URL: "https://checks.example/putin-interference", ClaimReviewed: "Russia never interfered <script>",
		Headline: "Did Russia interfere?", RatingName: "False", RatingValue: &one, BestRating: &five, PublisherName: "Checks", Claimant: "Vladimir Putin",
		DatePublished: &fcDate, Language: "en"}}); err != nil {
		t.Fatal(err)
	}
	page, err := s.FactChecks(ctx, store.FactCheckQuery{})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("fact-checks: %v", err)
	}
	if _, err := s.LinkClaim(ctx, store.ActorOf(editor), claims[1].ID, store.MatchRef{Kind: store.MatchFactCheck, ID: page.Items[0].ID, Score: 0.875}); err != nil {
		t.Fatal(err)
	}
	if err := s.DismissScanSuggestion(ctx, store.ActorOf(editor), a.ID, 1, store.Span{Start: 3, End: 40}); err != nil {
		t.Fatal(err)
	}
	tables, _, err := store.BackupTablesForTest(s, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(tables, "source_terms") {
		if err := store.TamperForTest(s, ctx, `INSERT INTO source_terms (term, source_id) VALUES ('indictment', 7), ('justice', 7)`); err != nil {
			t.Fatal(err)
		}
	}
	return credentials{email: editor.Email, token: token, cookie: cookie, articleID: a.ID}
}

// dump is a backup split into its header and each table's rows, as JSON
// lines sorted within each table.
type dump struct {
	migrations []string
	columns    map[string][]string
	rows       map[string][]string
}

func dumpOf(t *testing.T, s *store.Store) (dump, []byte) {
	t.Helper()
	var buf bytes.Buffer
	rep, err := s.ExportBackup(context.Background(), &buf)
	if err != nil {
		t.Fatalf("ExportBackup: %v", err)
	}
	d := dump{columns: map[string][]string{}, rows: map[string][]string{}}
	sc := bufio.NewScanner(bytes.NewReader(buf.Bytes()))
	sc.Buffer(nil, 64<<20)
	var n int64
	for i := 0; sc.Scan(); i++ {
		var line struct {
			Migrations []string `json:"migrations"`
			Tables     []struct {
				Name    string   `json:"name"`
				Columns []string `json:"columns"`
			} `json:"tables"`
			Table string          `json:"t"`
			Row   json.RawMessage `json:"r"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("backup line %d: %v", i+1, err)
		}
		switch {
		case i == 0:
			d.migrations = line.Migrations
			for _, tb := range line.Tables {
				d.columns[tb.Name] = tb.Columns
			}
		case line.Table != "":
			var row map[string]any
			if err := json.Unmarshal(line.Row, &row); err != nil {
				t.Fatal(err)
			}
			if len(row) != len(d.columns[line.Table]) {
				t.Fatalf("backup line %d: %d columns, the header says %d", i+1, len(row), len(d.columns[line.Table]))
			}
			d.rows[line.Table] = append(d.rows[line.Table], string(line.Row))
			n++
		}
	}
	if n != rep.Rows {
		t.Errorf("report says %d rows, the file has %d", rep.Rows, n)
	}
	for _, rows := range d.rows {
		slices.Sort(rows)
	}
	return d, buf.Bytes()
}

// compareDumps reports every table whose rows differ.
func compareDumps(t *testing.T, got, want dump) {
	t.Helper()
	if !slices.Equal(got.migrations, want.migrations) {
		t.Errorf("migrations = %v, want %v", got.migrations, want.migrations)
	}
	for table, cols := range want.columns {
		if !slices.Equal(slices.Sorted(slices.Values(got.columns[table])), slices.Sorted(slices.Values(cols))) {
			t.Errorf("%s columns = %v, want %v", table, got.columns[table], cols)
		}
		g, w := got.rows[table], want.rows[table]
		if len(g) != len(w) {
			t.Errorf("%s: %d rows after restore, %d before", table, len(g), len(w))
			continue
		}
		for i := range w {
			if g[i] != w[i] {
				t.Errorf("%s row differs after restore:\n got: %s\nwant: %s", table, g[i], w[i])
			}
		}
	}
	if len(got.columns) != len(want.columns) {
		t.Errorf("%d tables after restore, %d before", len(got.columns), len(want.columns))
	}
}

func TestBackupRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		src, dst func(*testing.T) *store.Store
	}{
		{"sqlite to sqlite", sqliteStore, sqliteStore},
		{"sqlite to postgres", sqliteStore, postgresStore},
		{"postgres to sqlite", postgresStore, sqliteStore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			src := tt.src(t)
			dst := tt.dst(t)
			cred := fillAll(t, src)
			before, file := dumpOf(t, src)
			for table, cols := range before.columns {
				if len(before.rows[table]) == 0 {
					t.Errorf("table %s (%d columns) has no rows in the fixture: fill it in fillAll so the round trip covers it", table, len(cols))
				}
			}
			rep, err := dst.RestoreBackup(ctx, bytes.NewReader(file))
			if err != nil {
				t.Fatalf("RestoreBackup: %v", err)
			}
			if rep.History == 0 || rep.Rows == 0 {
				t.Errorf("report = %+v, want rows and a verified history", rep)
			}
			after, _ := dumpOf(t, dst)
			compareDumps(t, after, before)

			chain, err := dst.VerifyHistory(ctx)
			if err != nil || !chain.OK || chain.Entries != rep.History {
				t.Errorf("history after restore: %+v, %v; want OK with %d entries", chain, err, rep.History)
			}
			if _, err := dst.Authenticate(ctx, cred.email, storetest.Password, "192.0.2.2"); err != nil {
				t.Errorf("password after restore: %v", err)
			}
			if _, err := dst.TokenUser(ctx, cred.token); err != nil {
				t.Errorf("API token after restore: %v", err)
			}
			if _, _, err := dst.SessionUser(ctx, cred.cookie); err != nil {
				t.Errorf("session after restore: %v", err)
			}
			page, err := dst.Articles(ctx, store.ArticleQuery{Q: "helsinki"})
			if err != nil || len(page.Items) != 1 || page.Items[0].ID != cred.articleID {
				t.Errorf("search after restore = %+v, %v; want the article (the search index is rebuilt)", page.Items, err)
			}
			ex, err := dst.ArticleExport(ctx, cred.articleID)
			if err != nil || len(ex.Claims) != 2 || ex.Claims[0].Claimant == nil || ex.Claims[0].Claimant.Name != "Vladimir Putin" || len(ex.Evidence[ex.Claims[0].ID]) != 1 {
				t.Errorf("restored article export: %d claims, %v", len(ex.Claims), err)
			}
			// New rows get new ids: the sequences moved past the restored ones.
			users := len(before.rows["users"])
			u := storetest.User(t, dst, models.RoleViewer)
			if u.ID != int64(users)+1 {
				t.Errorf("a user created after restore has id %d, want %d", u.ID, users+1)
			}
			if err := dst.SetSettings(ctx, store.ActorOf(u), map[string]string{"newsroom_url": "https://desk.example.org/new"}); err != nil {
				t.Errorf("history append after restore: %v", err)
			}
			if chain, err := dst.VerifyHistory(ctx); err != nil || !chain.OK {
				t.Errorf("history after a new change: %+v, %v", chain, err)
			}
		})
	}
}

// lines edits a backup file line by line.
func lines(file []byte, edit func(i int, line string) string) []byte {
	ls := strings.Split(strings.TrimSuffix(string(file), "\n"), "\n")
	var out []string
	for i, l := range ls {
		if l = edit(i, l); l != "" {
			out = append(out, l)
		}
	}
	return []byte(strings.Join(out, "\n") + "\n")
}

func TestRestoreRefusesBadFiles(t *testing.T) {
	src := sqliteStore(t)
	fillAll(t, src)
	_, file := dumpOf(t, src)
	n := bytes.Count(file, []byte("\n"))
	firstHistory := -1
	for i, l := range strings.Split(string(file), "\n") {
		if strings.HasPrefix(l, `{"t":"history_entries"`) && firstHistory < 0 {
			firstHistory = i
		}
	}
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"not a backup", []byte("hello\n"), "not a Claimdesk backup"},
		{"cut short", lines(file, func(i int, l string) string {
			if i == n-1 {
				return ""
			}
			return l
		}), "incomplete"},
		{"a row removed", lines(file, func(i int, l string) string {
			if i == n-2 {
				return ""
			}
			return l
		}), "should have"},
		{"history altered", lines(file, func(i int, l string) string {
			if i == firstHistory {
				return strings.Replace(l, `"action":"created"`, `"action":"deleted"`, 1)
			}
			return l
		}), "history chain does not verify"},
		{"other schema", lines(file, func(i int, l string) string {
			if i == 0 {
				return strings.Replace(l, `"0001_init.sql"`, `"0000_other.sql"`, 1)
			}
			return l
		}), "schema"},
		{"unknown column", lines(file, func(i int, l string) string {
			if strings.HasPrefix(l, `{"t":"users"`) {
				return strings.Replace(l, `"r":{`, `"r":{"is_admin":true,`, 1)
			}
			return l
		}), "columns"},
		{"not json", lines(file, func(i int, l string) string {
			if i == 2 {
				return "{oops"
			}
			return l
		}), "line 3: not valid JSON"},
		{"text after the end", append(slices.Clone(file), []byte(`{"t":"users","r":{}}`+"\n")...), "more after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := sqliteStore(t)
			ctx := context.Background()
			_, err := dst.RestoreBackup(ctx, bytes.NewReader(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("RestoreBackup: err = %v, want one that says %q", err, tt.want)
			}
			// Nothing was written: the restore is one transaction.
			if n, err := dst.CountUsers(ctx); err != nil || n != 0 {
				t.Errorf("users after a refused restore = %d, %v; want 0", n, err)
			}
			if v, err := dst.Verdicts(ctx); err != nil || len(v) != 8 {
				t.Errorf("verdicts after a refused restore = %d, %v; want the default 8", len(v), err)
			}
		})
	}
}

func TestRestoreRefusesNonEmptyDatabase(t *testing.T) {
	src := sqliteStore(t)
	fillAll(t, src)
	_, file := dumpOf(t, src)
	dst := storetest.New(t)
	storetest.User(t, dst, models.RoleAdmin)
	_, err := dst.RestoreBackup(context.Background(), bytes.NewReader(file))
	if !errors.Is(err, store.ErrNotEmpty) || !strings.Contains(err.Error(), "users") {
		t.Fatalf("restore into a database with a user: err = %v, want ErrNotEmpty naming users", err)
	}
}

func TestCopyTo(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	path := filepath.Join(t.TempDir(), "copy.db")
	if s.Dialect() == "postgres" {
		err := s.CopyTo(ctx, path)
		if err == nil || !strings.Contains(err.Error(), "pg_dump") {
			t.Fatalf("CopyTo on PostgreSQL: err = %v, want a pointer to pg_dump", err)
		}
		return
	}
	fillAll(t, s)
	if err := s.CopyTo(ctx, path); err != nil {
		t.Fatalf("CopyTo: %v", err)
	}
	want, _ := dumpOf(t, s)
	got, _ := dumpOf(t, openStore(t, path))
	compareDumps(t, got, want)
	if err := s.CopyTo(ctx, path); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("CopyTo onto an existing file: err = %v, want a refusal", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("copy's mode = %v, %v; want 0600 (it holds password hashes)", fi.Mode(), err)
	}
	if _, err := os.Stat(path + ".partial"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a .partial file was left behind: %v", err)
	}
}

// TestDialectResetSequence: after rows are inserted with explicit ids, the
// next generated id follows the largest. On PostgreSQL this fails without
// the reset (the identity would hand out 1); SQLite needs none.
func TestDialectResetSequence(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	if err := store.TamperForTest(s, ctx, `INSERT INTO users (id, email, name, role, password_hash, active, created_at, updated_at)
		VALUES (100, 'old@example.org', 'Old', 'viewer', 'x', TRUE, '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00')`); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"users", "sessions", "articles"} { // sessions: a text id, no sequence; articles: empty
		if err := store.ResetSequenceForTest(s, ctx, table); err != nil {
			t.Fatalf("reset %s: %v", table, err)
		}
	}
	if u := storetest.User(t, s, models.RoleViewer); u.ID != 101 {
		t.Errorf("next user id = %d, want 101", u.ID)
	}
	if a := storetest.Article(t, s, models.User{ID: 100}, "T", "Text."); a.ID != 1 {
		t.Errorf("first article id = %d, want 1", a.ID)
	}
}

// TestBackupOrderCoversSchema fails when a migration adds a table that
// backupOrder does not place: it would still be backed up, after all the
// others, which breaks a restore if another table references it.
func TestBackupOrderCoversSchema(t *testing.T) {
	tables, order, err := store.BackupTablesForTest(storetest.New(t), context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		if !slices.Contains(order, tb) {
			t.Errorf("table %s is not in backupOrder (internal/store/backup.go): add it after the tables it references", tb)
		}
	}
	if len(tables) < 15 || tables[0] != "users" || tables[len(tables)-1] != "history_entries" {
		t.Errorf("backup tables = %v", tables)
	}
}

package store

import (
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/claimdesk/claimdesk/internal/models"
)

// dialect is the one seam where SQLite and PostgreSQL differ. Everything
// else in the store is portable SQL. Each method is covered by the same
// tests on both databases.
type dialect string

const (
	dialectSQLite   dialect = "sqlite"
	dialectPostgres dialect = "postgres"
)

// execScript runs a migration file. PostgreSQL takes the whole script at
// once; mattn's SQLite driver also runs multi-statement scripts in Exec.
func (d dialect) execScript(tx *gorm.DB, script string) error {
	return tx.Exec(script).Error
}

// lockHistory serialises appends to the hash-chained history so that two
// transactions never chain onto the same previous entry. SQLite already
// serialises writers (BEGIN IMMEDIATE); PostgreSQL takes an advisory lock
// held until the transaction ends.
func (d dialect) lockHistory(tx *gorm.DB) error {
	if d == dialectPostgres {
		return tx.Exec(`SELECT pg_advisory_xact_lock(7240011)`).Error
	}
	return nil
}

// articleSearch narrows an article query to full-text matches of q in
// title, outlet and byline: every word must match as a word prefix.
// SQLite uses the FTS5 index; PostgreSQL the stored vector articles.search
// (migration 0009) and its GIN index.
func (d dialect) articleSearch(db *gorm.DB, q string) *gorm.DB {
	words := searchWords(q)
	if len(words) == 0 {
		return db
	}
	if d == dialectPostgres {
		terms := make([]string, len(words))
		for i, w := range words {
			terms[i] = w + ":*"
		}
		return db.Where(`articles.search @@ to_tsquery('simple', ?)`, strings.Join(terms, " & "))
	}
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = `"` + w + `"*`
	}
	return db.Where(`articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)`, strings.Join(terms, " AND "))
}

// searchWords splits a query into lower-case words of letters and digits,
// so no query syntax of either database can be injected.
func searchWords(q string) []string { return models.SearchWords(q) }

// likePattern escapes a user string for a portable LIKE … ESCAPE '\' match.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

// --- Backup and restore (issue 6) ---

// resetSequence moves the id generator of table past its largest id, after
// rows were inserted with explicit ids (a restore). SQLite needs nothing:
// an INTEGER PRIMARY KEY takes max(rowid)+1. On PostgreSQL the identity
// sequence would otherwise start again at 1. Tables whose id has no
// sequence (sessions' id is a hash) are left alone.
func (d dialect) resetSequence(tx *gorm.DB, table string) error {
	if d != dialectPostgres {
		return nil
	}
	var seq *string
	if err := tx.Raw(`SELECT pg_get_serial_sequence(?, 'id')`, table).Scan(&seq).Error; err != nil || seq == nil {
		return err
	}
	return tx.Exec(`SELECT setval(?::regclass, COALESCE((SELECT MAX(id) FROM `+quoteIdent(table)+`), 0) + 1, false)`, *seq).Error
}

// vacuumInto writes a consistent copy of a live SQLite database to path
// (VACUUM INTO reads one snapshot and does not block writers). PostgreSQL
// has no equivalent statement: errNoOnlineCopy says to use pg_dump.
func (d dialect) vacuumInto(db *gorm.DB, path string) error {
	if d != dialectSQLite {
		return errNoOnlineCopy
	}
	return db.Exec(`VACUUM INTO ?`, path).Error
}

// --- Claim tallies (issue 5) ---

// compactTallies replaces the change rows of claim_tallies by their sums,
// inside tx. PostgreSQL does it in one statement: the DELETE sees one
// snapshot, so a change committed meanwhile is neither summed nor deleted.
// SQLite has no DELETE in a WITH clause, but its writers are serialised
// (BEGIN IMMEDIATE), so nothing can be added between the sum and the delete.
func (d dialect) compactTallies(tx *gorm.DB) error {
	if d == dialectPostgres {
		return tx.Exec(`WITH gone AS (DELETE FROM claim_tallies RETURNING state, verdict_id, n)
INSERT INTO claim_tallies (state, verdict_id, n) SELECT state, verdict_id, sum(n) FROM gone GROUP BY state, verdict_id HAVING sum(n) <> 0`).Error
	}
	var last int64
	if err := tx.Raw(`SELECT coalesce(max(id), 0) FROM claim_tallies`).Scan(&last).Error; err != nil {
		return err
	}
	if err := tx.Exec(`INSERT INTO claim_tallies (state, verdict_id, n) SELECT state, verdict_id, sum(n) FROM claim_tallies WHERE id <= ? GROUP BY state, verdict_id HAVING sum(n) <> 0`, last).Error; err != nil {
		return err
	}
	return tx.Exec(`DELETE FROM claim_tallies WHERE id <= ?`, last).Error
}

// readClaimsBy makes q read claims through the named index. SQLite plans
// without statistics and takes an equality on state over a range on a
// smaller partial index, then sorts; INDEXED BY overrules it (and fails
// loudly if the index cannot serve the query). PostgreSQL keeps statistics
// and chooses for itself.
func (d dialect) readClaimsBy(q *gorm.DB, index string) *gorm.DB {
	if d != dialectSQLite {
		return q
	}
	return q.Table("claims INDEXED BY " + index)
}

// generatedColumns names the columns of table that the database computes
// (PostgreSQL's stored search vector). Backups leave them out: they cannot
// be inserted, and the other database may not have them.
func (d dialect) generatedColumns(tx *gorm.DB, table string) (map[string]bool, error) {
	var names []string
	q := `SELECT name FROM pragma_table_xinfo(?) WHERE hidden IN (2, 3)`
	if d == dialectPostgres {
		q = `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND is_generated = 'ALWAYS'`
	}
	if err := tx.Raw(q, table).Scan(&names).Error; err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(names))
	for _, n := range names {
		out[n] = true
	}
	return out, nil
}

// afterMigration runs what a migration needs outside its transaction. On
// PostgreSQL, 0009 rewrote articles (for the stored search vector), which
// leaves the table without statistics and without a visibility map until a
// vacuum: index-only scans, such as the article list's deep pages, read the
// table again (19 ms instead of 3 at page 2,000 of 100,000 articles).
func (d dialect) afterMigration(db *gorm.DB, name string) error {
	if d == dialectPostgres && name == "0009_article_search.sql" {
		return db.Exec(`VACUUM (ANALYZE) articles`).Error
	}
	return nil
}

// --- E-mail outbox (issue 15) ---

// skipLocked is appended to the SELECT that picks mails to send: on
// PostgreSQL, rows another instance is claiming are skipped instead of
// waited for (and the claim re-checks them anyway). SQLite serialises
// writers (BEGIN IMMEDIATE), so one instance claims at a time.
func (d dialect) skipLocked() string {
	if d == dialectPostgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// forUpdate is appended to a SELECT whose row the transaction then
// changes (the notifier's cursor): on PostgreSQL it holds the row until
// commit, so two instances never read the same stretch of history.
func (d dialect) forUpdate() string {
	if d == dialectPostgres {
		return " FOR UPDATE"
	}
	return ""
}

// --- Full-text search with relevance (issue 11) ---

// textSearch narrows q, a query on table (factchecks or claims), to the
// rows whose full-text index matches every word of text, each as a word
// prefix in any of its forms (models.SearchForms: the word, and its stem
// for common English endings); with ranked, it orders them by relevance,
// best first. It returns q unchanged and false when text has no words.
// SQLite joins the table's FTS5 index (table_fts, unicode61 words with
// diacritics folded, ranked by bm25 with the weights its migration sets);
// PostgreSQL matches the stored vector table.search ('simple' words),
// ranked by ts_rank_cd. Rankings differ in detail between the two; the
// rows found are the same (but for accents, which only SQLite folds).
func (d dialect) textSearch(q *gorm.DB, table, text string, ranked bool) (*gorm.DB, bool) {
	words := searchWords(text)
	if len(words) == 0 {
		return q, false
	}
	if d == dialectPostgres {
		tsq, args := pgQuery(words)
		q = q.Where(table+".search @@ "+tsq, args...)
		if ranked {
			q = q.Order(clause.OrderBy{Expression: clause.Expr{SQL: "ts_rank_cd(" + table + ".search, " + tsq + ") DESC", Vars: args}})
		}
		return q, true
	}
	match := ftsQuery(words)
	if !ranked {
		return q.Where(table+".id IN (SELECT rowid FROM "+table+"_fts WHERE "+table+"_fts MATCH ?)", match), true
	}
	q = q.Joins("JOIN (SELECT rowid AS fts_id, rank AS fts_rank FROM "+table+"_fts WHERE "+table+"_fts MATCH ?) fts ON fts.fts_id = "+table+".id", match)
	return q.Order("fts.fts_rank"), true
}

// searchCandidates bounds the claims a search ranks: the newest this many
// of the claims matching the query and every filter. A search that
// matches more is ranked among these (docs/search.md), which keeps a
// query for a common word as fast as one for a rare word at a million
// claims.
const searchCandidates = 2000

// claimSearch returns a query of (id, score) for the live claims that
// filtered (a query on claims with the board's filters) keeps and whose
// words match every word of text, each as a word prefix and, for
// English, by its stem: at most limit of them, the newest, with score
// higher for better matches. false when text has no words.
//
// SQLite reads the FTS5 index claims_fts newest first (rowid order) and
// stops after limit rows that pass the filters; bm25 is computed for those
// rows only. PostgreSQL takes the ids from the GIN index on claims_fts,
// keeps the newest limit, then computes ts_rank_cd for those only.
func (d dialect) claimSearch(filtered *gorm.DB, text string, limit int) (*gorm.DB, bool) {
	words := searchWords(text)
	if len(words) == 0 {
		return nil, false
	}
	if d == dialectPostgres {
		tsq, args := pgQuery(words)
		ids := filtered.Select("claims.id").Joins("JOIN claims_fts ON claims_fts.id = claims.id").
			Where("claims_fts.search @@ "+tsq, args...).Order("claims.id DESC").Limit(limit)
		return filtered.Session(&gorm.Session{NewDB: true}).Table("(?) AS cand", ids).
			Select("cand.id AS id, ts_rank_cd(f.search, "+tsq+") AS score", args...).
			Joins("JOIN claims_fts f ON f.id = cand.id"), true
	}
	return filtered.Select("claims.id AS id, -claims_fts.rank AS score").
		Joins("JOIN claims_fts ON claims_fts.rowid = claims.id").
		Where("claims_fts MATCH ?", ftsQuery(words)).Order("claims_fts.rowid DESC").Limit(limit), true
}

// pgQuery is the tsquery for words: each word as a prefix, in any of its
// forms (models.SearchForms), all words required; over the 'simple'
// configuration the vectors are built with.
func pgQuery(words []string) (string, []any) {
	parts := make([]string, len(words))
	args := make([]any, len(words))
	for i, w := range words {
		forms := models.SearchForms(w)
		for j := range forms {
			forms[j] += ":*"
		}
		parts[i] = "to_tsquery('simple', ?)"
		args[i] = "(" + strings.Join(forms, " | ") + ")"
	}
	return "(" + strings.Join(parts, " && ") + ")", args
}

// ftsQuery is the FTS5 query for words: each a quoted prefix in any of its
// forms, all words required.
func ftsQuery(words []string) string {
	terms := make([]string, len(words))
	for i, w := range words {
		forms := models.SearchForms(w)
		for j, f := range forms {
			forms[j] = `"` + f + `"*`
		}
		terms[i] = "(" + strings.Join(forms, " OR ") + ")"
	}
	return strings.Join(terms, " AND ")
}

package store

import (
	"strings"
	"unicode"

	"gorm.io/gorm"
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
// SQLite uses the FTS5 index; PostgreSQL a GIN index on to_tsvector.
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
		return db.Where(`to_tsvector('simple', title || ' ' || outlet || ' ' || byline) @@ to_tsquery('simple', ?)`, strings.Join(terms, " & "))
	}
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = `"` + w + `"*`
	}
	return db.Where(`articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)`, strings.Join(terms, " AND "))
}

// searchWords splits a query into lower-case words of letters and digits,
// so no query syntax of either database can be injected.
func searchWords(q string) []string {
	fields := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(fields) > 8 {
		fields = fields[:8]
	}
	return fields
}

// likePattern escapes a user string for a portable LIKE … ESCAPE '\' match.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

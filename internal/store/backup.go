package store

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// A backup is JSON Lines (docs/backup.md):
//
//	{"format":"claimdesk-backup","version":1,"created_at":…,"dialect":…,"migrations":[…],"tables":[{"name":…,"columns":[…]},…]}
//	{"t":"users","r":{"id":1,"email":…}}
//	…
//	{"end":true,"rows":{"users":3,…}}
//
// Rows come table by table, each table after the tables it references, so
// a restore can insert them in file order with foreign keys enforced. Times
// are RFC 3339 in UTC with nanoseconds; every other value is the JSON null,
// number, boolean or string it is. The last line makes a file that was cut
// short (a failed download, a full disk) detectable: without it nothing is
// restored.
const (
	backupFormat  = "claimdesk-backup"
	backupVersion = 1
	// maxBackupLine bounds one line: an article row carries up to 2 MiB of
	// text and its sanitised HTML.
	maxBackupLine = 64 << 20
	// insertBatch bounds the rows of one INSERT; maxBatchParams and
	// maxBatchBytes bound its parameters and its size.
	insertBatch    = 500
	maxBatchParams = 20000
	maxBatchBytes  = 16 << 20
)

// errNoOnlineCopy is what vacuumInto returns on PostgreSQL.
var errNoOnlineCopy = errors.New("PostgreSQL cannot copy itself with VACUUM INTO: back it up with pg_dump (pg_dump --format=custom --file=claimdesk.dump \"$CLAIMDESK_DATABASE_URL\"), or write a portable JSON Lines backup with the export command")

// backupOrder lists the tables in an order where every table comes after
// the tables it references. Tables missing from it are written after these,
// by name; TestBackupOrderCoversSchema fails until a new table is added here.
var backupOrder = []string{
	"users", "sessions", "api_tokens", "login_failures", "settings",
	"articles", "revisions", "claimants", "verdicts", "claims",
	"sources", "source_terms", "evidence", "appearances", "approvals", "comments", "factchecks",
	"corrections", "account_links", "mail_outbox", "mail_cursor",
	"claim_links", "scan_dismissals",
	"history_entries",
}

// seedTables are filled by the first migration (the default verdict scale
// and settings). A restore replaces their rows with the backup's.
var seedTables = map[string]bool{"settings": true, "verdicts": true, "mail_cursor": true}

// derivedTable reports whether a table is rebuilt rather than backed up:
// the migration log (the target has its own), the claim tallies, the page
// change log and the full-text indexes (SQLite's with their shadow tables,
// PostgreSQL's claims_fts: all filled by triggers as claims, articles and
// fact-checks are inserted), and
// the uploads held for a failed form, which live 30 minutes.
func derivedTable(name string) bool {
	if name == "upload_holds" { // files kept for 30 minutes for a failed form
		return true
	}
	return name == "schema_migrations" || name == "claim_tallies" || name == "page_changes" || name == "match_changes" || strings.HasPrefix(name, "articles_fts") || strings.HasPrefix(name, "factchecks_fts") || strings.HasPrefix(name, "claims_fts") || strings.HasPrefix(name, "sqlite_")
}

type backupHeader struct {
	Format     string        `json:"format"`
	Version    int           `json:"version"`
	CreatedAt  string        `json:"created_at"`
	Dialect    string        `json:"dialect"`
	Migrations []string      `json:"migrations"`
	Tables     []backupTable `json:"tables"`
	// HistoryHead is the history chain's newest entry when the backup was
	// made (historyhead.go); absent when there is no history.
	HistoryHead *HistoryHead `json:"history_head,omitempty"`
}

type backupTable struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
}

type backupRow struct {
	Table string         `json:"t"`
	Row   map[string]any `json:"r"`
}

type backupEnd struct {
	End  bool             `json:"end"`
	Rows map[string]int64 `json:"rows"`
}

// BackupReport says what a backup or a restore held.
type BackupReport struct {
	Tables  []TableRows
	Rows    int64
	History int // entries of the history chain, verified after a restore
}

// TableRows is one table's row count.
type TableRows struct {
	Table string
	Rows  int64
}

// ExportBackup writes every row of every table as JSON Lines, from one
// consistent snapshot. On SQLite the snapshot is a VACUUM INTO copy in the
// temporary directory, so writers are not blocked while the file is
// written; on PostgreSQL it is a read-only REPEATABLE READ transaction.
// If writing fails half-way the output lacks its last line, and
// RestoreBackup refuses it.
func (s *Store) ExportBackup(ctx context.Context, w io.Writer) (BackupReport, error) {
	src, cleanup, err := s.snapshot(ctx)
	if err != nil {
		return BackupReport{}, err
	}
	defer cleanup()
	var rep BackupReport
	err = src.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		rep, err = src.writeBackup(ctx, tx, w)
		return err
	}, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	return rep, err
}

// snapshot returns a store on a private copy of a SQLite database, removed
// by cleanup, or s itself when the database cannot copy itself online.
func (s *Store) snapshot(ctx context.Context) (*Store, func(), error) {
	dir, err := os.MkdirTemp("", "claimdesk-snapshot-")
	if err != nil {
		return nil, nil, fmt.Errorf("store: snapshot: %w", err)
	}
	remove := func() { _ = os.RemoveAll(dir) }
	path := filepath.Join(dir, "snapshot.db")
	if err := s.dialect.vacuumInto(s.conn(ctx), path); err != nil {
		remove()
		if errors.Is(err, errNoOnlineCopy) {
			return s, func() {}, nil
		}
		return nil, nil, fmt.Errorf("store: snapshot: %w", err)
	}
	snap, err := Open(ctx, Options{URL: path, Log: s.log, PasswordCost: bcrypt.MinCost})
	if err != nil {
		remove()
		return nil, nil, err
	}
	return snap, func() { _ = snap.Close(); remove() }, nil
}

func (s *Store) writeBackup(ctx context.Context, tx *gorm.DB, w io.Writer) (BackupReport, error) {
	tables, err := backupTables(tx)
	if err != nil {
		return BackupReport{}, err
	}
	h := backupHeader{Format: backupFormat, Version: backupVersion, Dialect: string(s.dialect),
		CreatedAt: s.nowUTC().Format(time.RFC3339)}
	if err := tx.Table("schema_migrations").Order("name").Pluck("name", &h.Migrations).Error; err != nil {
		return BackupReport{}, fmt.Errorf("store: backup: migrations: %w", err)
	}
	if head, ok, err := historyHead(tx); err != nil {
		return BackupReport{}, err
	} else if ok {
		h.HistoryHead = &head
	}
	for _, t := range tables {
		cols, err := s.dialect.tableColumns(tx, t)
		if err != nil {
			return BackupReport{}, err
		}
		h.Tables = append(h.Tables, backupTable{Name: t, Columns: cols.names})
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(h); err != nil {
		return BackupReport{}, err
	}
	var rep BackupReport
	end := backupEnd{End: true, Rows: map[string]int64{}}
	for _, t := range h.Tables {
		n, err := writeTable(ctx, tx, enc, t)
		if err != nil {
			return rep, err
		}
		end.Rows[t.Name] = n
		rep.Tables = append(rep.Tables, TableRows{Table: t.Name, Rows: n})
		rep.Rows += n
	}
	if err := enc.Encode(end); err != nil {
		return rep, err
	}
	return rep, bw.Flush()
}

// writeTable writes one table's rows in primary-key order.
func writeTable(ctx context.Context, tx *gorm.DB, enc *json.Encoder, t backupTable) (int64, error) {
	quoted := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		quoted[i] = quoteIdent(c)
	}
	rows, err := tx.Raw(`SELECT ` + strings.Join(quoted, ", ") + ` FROM ` + quoteIdent(t.Name) + ` ORDER BY 1`).Rows()
	if err != nil {
		return 0, fmt.Errorf("store: backup %s: %w", t.Name, err)
	}
	defer rows.Close()
	vals := make([]any, len(t.Columns))
	ptrs := make([]any, len(t.Columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, fmt.Errorf("store: backup %s: %w", t.Name, err)
		}
		row := make(map[string]any, len(vals))
		for i, v := range vals {
			jv, err := backupValue(v)
			if err != nil {
				return n, fmt.Errorf("store: backup %s.%s: %w", t.Name, t.Columns[i], err)
			}
			row[t.Columns[i]] = jv
		}
		if err := enc.Encode(backupRow{Table: t.Name, Row: row}); err != nil {
			return n, err
		}
		if n++; n%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("store: backup %s: %w", t.Name, err)
	}
	return n, nil
}

// backupValue is a scanned database value as JSON: times as RFC 3339 UTC
// with nanoseconds, text as a string, numbers and booleans as themselves.
func backupValue(v any) (any, error) {
	switch v := v.(type) {
	case nil, int64, float64, bool, string:
		return v, nil
	case []byte:
		return string(v), nil
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano), nil
	}
	return nil, fmt.Errorf("unsupported value of type %T", v)
}

// backupTables lists the tables to back up, in backupOrder and then by name.
func backupTables(tx *gorm.DB) ([]string, error) {
	all, err := tx.Migrator().GetTables()
	if err != nil {
		return nil, fmt.Errorf("store: list tables: %w", err)
	}
	present := map[string]bool{}
	for _, t := range all {
		if !derivedTable(t) {
			present[t] = true
		}
	}
	var out []string
	for _, t := range backupOrder {
		if present[t] {
			out = append(out, t)
			delete(present, t)
		}
	}
	var rest []string
	for t := range present {
		rest = append(rest, t)
	}
	slices.Sort(rest)
	return append(out, rest...), nil
}

// columnKind is how a restore converts a JSON value for a column.
type columnKind int

const (
	kindText columnKind = iota
	kindInt
	kindFloat
	kindBool
	kindTime
)

type columns struct {
	names []string
	kinds map[string]columnKind
}

// tableColumns reads a table's columns and their kinds from an empty query,
// leaving out the columns the database computes.
func (d dialect) tableColumns(tx *gorm.DB, table string) (columns, error) {
	generated, err := d.generatedColumns(tx, table)
	if err != nil {
		return columns{}, fmt.Errorf("store: generated columns of %s: %w", table, err)
	}
	rows, err := tx.Raw(`SELECT * FROM ` + quoteIdent(table) + ` WHERE 1 = 0`).Rows()
	if err != nil {
		return columns{}, fmt.Errorf("store: columns of %s: %w", table, err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return columns{}, fmt.Errorf("store: columns of %s: %w", table, err)
	}
	c := columns{kinds: make(map[string]columnKind, len(types))}
	for _, ct := range types {
		if generated[ct.Name()] {
			continue
		}
		c.names = append(c.names, ct.Name())
		c.kinds[ct.Name()] = kindOf(ct.DatabaseTypeName())
	}
	return c, rows.Err()
}

// kindOf maps a declared column type of either database to a kind.
func kindOf(dbType string) columnKind {
	t := strings.ToUpper(dbType)
	switch {
	case strings.Contains(t, "TIME") || t == "DATE":
		return kindTime
	case strings.HasPrefix(t, "BOOL"):
		return kindBool
	case strings.Contains(t, "INT"):
		return kindInt
	case strings.Contains(t, "REAL"), strings.Contains(t, "FLOA"), strings.Contains(t, "DOUB"), strings.Contains(t, "NUMERIC"):
		return kindFloat
	}
	return kindText
}

// quoteIdent quotes a table or column name for either database. Names come
// from the database's own catalogue, never from a backup file unchecked.
func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// ErrNotEmpty is returned by RestoreBackup when the database already holds data.
var ErrNotEmpty = errors.New("the database is not empty")

// RestoreBackup reads a backup written by ExportBackup into this database,
// which must be empty: migrated, with no rows but the default verdict scale
// and settings (which the backup's replace). Everything happens in one
// transaction, so a bad file leaves the database as it was. It keeps every
// id and every hash, resets the id sequences (PostgreSQL), and verifies the
// history chain before committing. The backup may come from the other
// database (SQLite to PostgreSQL and back) but must have the same
// migrations as this database.
func (s *Store) RestoreBackup(ctx context.Context, r io.Reader) (BackupReport, error) {
	lr := &lineReader{r: bufio.NewReaderSize(r, 1<<20)}
	line, err := lr.next()
	if err != nil {
		return BackupReport{}, backupFileErr(lr, err, "the file is empty or its first line cannot be read")
	}
	var h backupHeader
	if err := json.Unmarshal(line, &h); err != nil || h.Format != backupFormat {
		return BackupReport{}, errors.New("line 1: this is not a Claimdesk backup (the first line must be its header)")
	}
	if h.Version != backupVersion {
		return BackupReport{}, fmt.Errorf("line 1: backup format version %d is not supported (this Claimdesk reads version %d)", h.Version, backupVersion)
	}
	have, err := s.Migrations(ctx)
	if err != nil {
		return BackupReport{}, err
	}
	if !slices.Equal(have, h.Migrations) {
		return BackupReport{}, fmt.Errorf("the backup's schema (migrations %s) differs from this database's (%s): restore it with the Claimdesk version that made it, then upgrade",
			strings.Join(h.Migrations, ", "), strings.Join(have, ", "))
	}
	var rep BackupReport
	err = s.tx(ctx, func(tx *gorm.DB) error {
		target, err := s.prepareRestore(tx, h)
		if err != nil {
			return err
		}
		rep, err = restoreRows(ctx, tx, lr, h, target)
		if err != nil {
			return err
		}
		for _, t := range h.Tables {
			if target[t.Name].kinds["id"] == kindInt {
				if err := s.dialect.resetSequence(tx, t.Name); err != nil {
					return fmt.Errorf("store: restore: reset the id sequence of %s: %w", t.Name, err)
				}
			}
		}
		if err := s.dialect.compactTallies(tx); err != nil {
			return fmt.Errorf("store: restore: compact the claim tallies: %w", err)
		}
		// The claims arrived with their evidence counts and the evidence
		// triggers then counted each link again.
		if err := tx.Exec(`UPDATE claims SET evidence_count = (SELECT count(*) FROM evidence WHERE evidence.claim_id = claims.id)`).Error; err != nil {
			return fmt.Errorf("store: restore: recount evidence: %w", err)
		}
		chain, err := verifyChain(tx)
		if err != nil {
			return err
		}
		if !chain.OK {
			return fmt.Errorf("the backup's history chain does not verify at entry %d: %s; nothing was restored", chain.BrokenAt, chain.Problem)
		}
		rep.History = chain.Entries
		return nil
	})
	if err != nil {
		return BackupReport{}, err
	}
	return rep, nil
}

// prepareRestore checks that the backup's tables and columns are this
// database's, that the database is empty, and clears the seed tables. It
// returns the columns of each table.
func (s *Store) prepareRestore(tx *gorm.DB, h backupHeader) (map[string]columns, error) {
	names, err := backupTables(tx)
	if err != nil {
		return nil, err
	}
	target := make(map[string]columns, len(names))
	for _, t := range names {
		if target[t], err = s.dialect.tableColumns(tx, t); err != nil {
			return nil, err
		}
	}
	inFile := map[string]bool{}
	for _, t := range h.Tables {
		cols, ok := target[t.Name]
		if !ok {
			return nil, fmt.Errorf("line 1: the backup has a table %q that this database does not have", t.Name)
		}
		if inFile[t.Name] {
			return nil, fmt.Errorf("line 1: the backup lists table %q twice", t.Name)
		}
		inFile[t.Name] = true
		if a, b := slices.Sorted(slices.Values(t.Columns)), slices.Sorted(slices.Values(cols.names)); !slices.Equal(a, b) {
			return nil, fmt.Errorf("line 1: table %s has columns (%s) in the backup but (%s) here", t.Name, strings.Join(a, ", "), strings.Join(b, ", "))
		}
	}
	for _, t := range names {
		if !inFile[t] {
			return nil, fmt.Errorf("line 1: the backup lacks table %s", t)
		}
		if seedTables[t] {
			continue
		}
		rows, err := tx.Raw(`SELECT 1 FROM ` + quoteIdent(t) + ` LIMIT 1`).Rows()
		if err != nil {
			return nil, fmt.Errorf("store: restore: %w", err)
		}
		full := rows.Next()
		_ = rows.Close()
		if full {
			return nil, fmt.Errorf("%w: table %s has rows; restore into a new, empty database, before anyone signs up", ErrNotEmpty, t)
		}
	}
	for t := range seedTables {
		if _, ok := target[t]; ok {
			if err := tx.Exec(`DELETE FROM ` + quoteIdent(t)).Error; err != nil {
				return nil, fmt.Errorf("store: restore: clear %s: %w", t, err)
			}
		}
	}
	return target, nil
}

// restoreRows inserts the rows of the file, in file order and in batches,
// up to and including its last line.
func restoreRows(ctx context.Context, tx *gorm.DB, lr *lineReader, h backupHeader, target map[string]columns) (BackupReport, error) {
	order := make(map[string][]string, len(h.Tables))
	for _, t := range h.Tables {
		order[t.Name] = t.Columns
	}
	counts := map[string]int64{}
	b := &batch{tx: tx}
	for {
		line, err := lr.next()
		if err != nil {
			return BackupReport{}, backupFileErr(lr, err, "the file ends before its last line: it is incomplete (was the backup or the download interrupted?)")
		}
		var rec struct {
			Table string                     `json:"t"`
			Row   map[string]json.RawMessage `json:"r"`
			End   bool                       `json:"end"`
			Rows  map[string]int64           `json:"rows"`
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			return BackupReport{}, fmt.Errorf("line %d: not valid JSON: %v", lr.n, err)
		}
		if rec.End {
			if err := b.flush(); err != nil {
				return BackupReport{}, err
			}
			return endOfBackup(lr, h, counts, rec.Rows)
		}
		cols, ok := order[rec.Table]
		if !ok {
			return BackupReport{}, fmt.Errorf("line %d: a row of table %q, which the header does not list", lr.n, rec.Table)
		}
		if len(rec.Row) != len(cols) {
			return BackupReport{}, fmt.Errorf("line %d: a row of %s must have the %d columns of the header, not %d", lr.n, rec.Table, len(cols), len(rec.Row))
		}
		vals := make([]any, len(cols))
		for i, c := range cols {
			raw, ok := rec.Row[c]
			if !ok {
				return BackupReport{}, fmt.Errorf("line %d: the row of %s lacks column %s", lr.n, rec.Table, c)
			}
			if vals[i], err = restoreValue(raw, target[rec.Table].kinds[c]); err != nil {
				return BackupReport{}, fmt.Errorf("line %d: %s.%s: %v", lr.n, rec.Table, c, err)
			}
		}
		if err := b.add(rec.Table, cols, vals, len(line)); err != nil {
			return BackupReport{}, fmt.Errorf("line %d: %w", lr.n, err)
		}
		if counts[rec.Table]++; lr.n%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return BackupReport{}, err
			}
		}
	}
}

// endOfBackup checks the last line's counts and that nothing follows it.
func endOfBackup(lr *lineReader, h backupHeader, counts, want map[string]int64) (BackupReport, error) {
	var rep BackupReport
	for _, t := range h.Tables {
		if counts[t.Name] != want[t.Name] {
			return rep, fmt.Errorf("line %d: table %s should have %d rows but the file has %d: it was altered or cut", lr.n, t.Name, want[t.Name], counts[t.Name])
		}
		rep.Tables = append(rep.Tables, TableRows{Table: t.Name, Rows: counts[t.Name]})
		rep.Rows += counts[t.Name]
	}
	if _, err := lr.next(); !errors.Is(err, io.EOF) {
		return rep, fmt.Errorf("line %d: there is more after the backup's last line", lr.n)
	}
	return rep, nil
}

// restoreValue converts one JSON value for a column of the given kind.
func restoreValue(raw json.RawMessage, k columnKind) (any, error) {
	if string(raw) == "null" {
		return nil, nil
	}
	switch k {
	case kindInt:
		var n int64
		if err := json.Unmarshal(raw, &n); err != nil {
			var b bool // SQLite keeps booleans as integers
			if json.Unmarshal(raw, &b) != nil {
				return nil, errors.New("must be a whole number")
			}
			if b {
				n = 1
			}
		}
		return n, nil
	case kindFloat:
		var f float64
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, errors.New("must be a number")
		}
		return f, nil
	case kindBool:
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			var n int64
			if json.Unmarshal(raw, &n) != nil {
				return nil, errors.New("must be true or false")
			}
			b = n != 0
		}
		return b, nil
	case kindTime:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, errors.New("must be a time as a string")
		}
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.UTC(), nil
		}
		if t, err := time.Parse("2006-01-02", s); err == nil {
			return t, nil
		}
		return nil, fmt.Errorf("%q is not an RFC 3339 time", s)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	return nil, errors.New("must be a string")
}

// batch collects rows of one table into multi-row INSERTs.
type batch struct {
	tx    *gorm.DB
	table string
	cols  []string
	args  []any
	rows  int
	bytes int
}

func (b *batch) add(table string, cols []string, vals []any, size int) error {
	if table != b.table || b.rows >= insertBatch || len(b.args)+len(vals) > maxBatchParams || b.bytes+size > maxBatchBytes {
		if err := b.flush(); err != nil {
			return err
		}
		b.table, b.cols = table, cols
	}
	b.args = append(b.args, vals...)
	b.rows++
	b.bytes += size
	return nil
}

func (b *batch) flush() error {
	if b.rows == 0 {
		return nil
	}
	quoted := make([]string, len(b.cols))
	for i, c := range b.cols {
		quoted[i] = quoteIdent(c)
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(b.cols)), ", ") + ")"
	q := `INSERT INTO ` + quoteIdent(b.table) + ` (` + strings.Join(quoted, ", ") + `) VALUES ` +
		strings.TrimSuffix(strings.Repeat(one+", ", b.rows), ", ")
	err := b.tx.Exec(q, b.args...).Error
	b.args, b.rows, b.bytes = b.args[:0], 0, 0
	if err != nil {
		switch {
		case errors.Is(err, gorm.ErrDuplicatedKey):
			return fmt.Errorf("rows of %s repeat a key: %w", b.table, err)
		case errors.Is(err, gorm.ErrForeignKeyViolated):
			return fmt.Errorf("rows of %s refer to rows that are not in the backup before them: %w", b.table, err)
		}
		return fmt.Errorf("store: restore %s: %w", b.table, err)
	}
	return nil
}

// lineReader reads a backup line by line, counting lines.
type lineReader struct {
	r *bufio.Reader
	n int
}

var errLongLine = fmt.Errorf("a line is longer than %d MiB", maxBackupLine>>20)

// next returns the next non-empty line, or io.EOF.
func (lr *lineReader) next() ([]byte, error) {
	for {
		var line []byte
		for {
			chunk, err := lr.r.ReadSlice('\n')
			line = append(line, chunk...)
			if len(line) > maxBackupLine {
				return nil, errLongLine
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if err != nil && (!errors.Is(err, io.EOF) || len(line) == 0) {
				return nil, err
			}
			break
		}
		lr.n++
		if line = bytes.TrimSpace(line); len(line) > 0 {
			return line, nil
		}
	}
}

// backupFileErr explains a failure to read the next line.
func backupFileErr(lr *lineReader, err error, atEOF string) error {
	switch {
	case errors.Is(err, io.EOF):
		return errors.New(atEOF)
	case errors.Is(err, errLongLine):
		return fmt.Errorf("line %d: %w", lr.n+1, err)
	}
	return fmt.Errorf("read backup: %w", err)
}

// CopyTo writes a consistent copy of a live SQLite database to a new file
// at path (VACUUM INTO, which does not block the server's writers). The copy
// is written next to path and renamed into place, so path never holds half
// a database. On PostgreSQL it refuses and points to pg_dump.
func (s *Store) CopyTo(ctx context.Context, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if _, err := os.Stat(abs); err == nil {
		return fmt.Errorf("%s already exists: give a new file name", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	tmp := abs + ".partial"
	_ = os.Remove(tmp)
	if err := s.dialect.vacuumInto(s.conn(ctx), tmp); err != nil {
		_ = os.Remove(tmp)
		if errors.Is(err, errNoOnlineCopy) {
			return err
		}
		return fmt.Errorf("store: copy to %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil { // it holds password hashes
		_ = os.Remove(tmp)
		return fmt.Errorf("store: copy to %s: %w", path, err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("store: copy to %s: %w", path, err)
	}
	return nil
}

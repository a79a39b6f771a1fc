// Package store owns Claimdesk's SQL: it opens SQLite or PostgreSQL through
// GORM, runs the versioned migrations, and offers one method per use case,
// each in its own transaction. It translates database errors into the
// errors of package models.
package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Options configure Open.
type Options struct {
	// URL is a postgres:// (or postgresql://) URL, or a SQLite file path,
	// optionally prefixed with sqlite: or file:.
	URL string
	Log *slog.Logger
	// PasswordCost is the bcrypt cost; 0 means bcrypt.DefaultCost. Tests use bcrypt.MinCost.
	PasswordCost int
	// Now returns the current time; nil means time.Now. Tests may fix it.
	Now func() time.Time
	// Synchronous is SQLite's synchronous setting, "NORMAL" or "FULL";
	// "" means the default, FULL. See docs/benchmarks.md (durability).
	Synchronous string
}

// Synchronous settings of SQLite that Claimdesk accepts.
const (
	SynchronousFull   = "FULL"
	SynchronousNormal = "NORMAL"
)

// Store is the application's only way to the database.
type Store struct {
	db           *gorm.DB
	dialect      dialect
	log          *slog.Logger
	passwordCost int
	now          func() time.Time
	dummyHash    []byte
	writes       *writeQueue // SQLite's one write connection and its queue; nil on PostgreSQL
}

// Dialect names the database: "sqlite" or "postgres".
func (s *Store) Dialect() string { return string(s.dialect) }

// ParseURL tells which database a URL selects and returns the driver DSN.
func ParseURL(raw string) (dialect string, dsn string, err error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return "", "", errors.New("empty database URL")
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		return "postgres", raw, nil
	case strings.Contains(raw, "://"):
		return "", "", fmt.Errorf("unsupported database URL scheme in %q: use postgres://… or a SQLite file path", redact(raw))
	}
	path := strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		return "", "", fmt.Errorf("give the SQLite path without options; Claimdesk sets them")
	}
	if path == "" {
		return "", "", errors.New("empty SQLite path")
	}
	// _cache_size=-2000: each connection keeps at most 2 MiB of pages (the
	// reading pool and the write connection: 5 connections, 10 MiB at most
	// of native memory). mmap_size stays 0 (SQLite's default, and mattn's
	// build): mapped pages of a multi-gigabyte file would count in the
	// resident set and compete with the page cache for nothing on 2 CPUs.
	// See docs/benchmarks.md (memory).
	return "sqlite", "file:" + path + "?_journal_mode=WAL&_busy_timeout=5000&_foreign_keys=on&_synchronous=NORMAL&_txlock=immediate&_cache_size=-2000", nil
}

func redact(u string) string {
	if i := strings.Index(u, "@"); i >= 0 {
		if j := strings.Index(u, "://"); j >= 0 && j < i {
			return u[:j+3] + "…" + u[i:]
		}
	}
	return u
}

// Open connects to the database named by opts.URL and checks it answers.
func Open(ctx context.Context, opts Options) (*Store, error) {
	d, dsn, err := ParseURL(opts.URL)
	if err != nil {
		return nil, err
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var dialector gorm.Dialector
	switch d {
	case "sqlite":
		sync := strings.ToUpper(strings.TrimSpace(opts.Synchronous))
		switch sync {
		case "":
			sync = SynchronousFull
		case SynchronousFull, SynchronousNormal:
		default:
			return nil, fmt.Errorf("store: SQLite synchronous setting %q: use FULL or NORMAL", opts.Synchronous)
		}
		dsn = strings.Replace(dsn, "_synchronous=NORMAL", "_synchronous="+sync, 1)
		path := strings.TrimPrefix(dsn, "file:")
		path = path[:strings.IndexByte(path, '?')]
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("store: create %s: %w", dir, err)
			}
		}
		dialector = sqlite.Open(dsn)
	case "postgres":
		dialector = postgres.Open(dsn)
	}
	config := func() *gorm.Config {
		return &gorm.Config{
			TranslateError: true,
			NowFunc:        func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
			Logger: logger.NewSlogLogger(log, logger.Config{
				SlowThreshold: 200 * time.Millisecond, LogLevel: logger.Warn,
				IgnoreRecordNotFoundError: true, ParameterizedQueries: true,
			}),
		}
	}
	db, err := gorm.Open(dialector, config())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", d, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if d == "sqlite" {
		// WAL lets readers run beside the one writer. Writes go through
		// the queue on a connection of their own (writes.go); this pool
		// reads. _txlock=immediate makes a write outside the queue wait on
		// busy_timeout instead of failing to upgrade a lock.
		sqlDB.SetMaxOpenConns(max(4, runtime.NumCPU()))
	} else {
		sqlDB.SetMaxOpenConns(20)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("store: cannot reach the %s database: %w", d, err)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	cost := opts.PasswordCost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte(randomToken(12)), cost)
	if err != nil {
		return nil, err
	}
	st := &Store{db: db, dialect: dialect(d), log: log, passwordCost: cost, now: now, dummyHash: dummy}
	if d == "sqlite" {
		wc := config()
		wc.PrepareStmt, wc.PrepareStmtMaxSize = true, 256 // one connection: its statements are prepared once and kept
		wdb, err := gorm.Open(sqlite.Open(dsn), wc)
		if err != nil {
			_ = sqlDB.Close()
			return nil, fmt.Errorf("store: open the SQLite write connection: %w", err)
		}
		wsql, err := wdb.DB()
		if err != nil {
			_ = sqlDB.Close()
			return nil, err
		}
		wsql.SetMaxOpenConns(1)
		wsql.SetMaxIdleConns(1)
		st.writes = newWriteQueue(st, wdb)
	}
	return st, nil
}

// Close stops taking writes, waits for the queued ones to commit, and
// closes the connections.
func (s *Store) Close() error {
	var errs []error
	if s.writes != nil {
		s.writes.close()
		if wsql, err := s.writes.db.DB(); err == nil {
			errs = append(errs, wsql.Close())
		}
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return errors.Join(append(errs, sqlDB.Close())...)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

func (s *Store) nowUTC() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

//go:embed migrations
var migrationFS embed.FS

// Migrate applies, in name order, the migrations of this dialect not yet
// recorded in schema_migrations, each in its own transaction.
func (s *Store) Migrate(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	if err := db.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`).Error; err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/"+string(s.dialect)+"/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	for _, name := range names {
		version := filepath.Base(name)
		applied := false
		err := db.Transaction(func(tx *gorm.DB) error {
			var n int64
			if err := tx.Table("schema_migrations").Where("name = ?", version).Count(&n).Error; err != nil || n > 0 {
				return err
			}
			applied = true
			body, err := migrationFS.ReadFile(name)
			if err != nil {
				return err
			}
			if err := s.dialect.execScript(tx, string(body)); err != nil {
				return err
			}
			if step := migrationSteps[version]; step != nil {
				if err := step(tx); err != nil {
					return err
				}
			}
			return tx.Exec(`INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, version, s.nowUTC().Format(time.RFC3339)).Error
		})
		if err == nil && applied {
			err = s.dialect.afterMigration(db, version)
		}
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", version, err)
		}
	}
	return nil
}

// migrationSteps are the Go parts of migrations, run after the SQL of the
// same name in its transaction: what SQL cannot compute the same way on
// both databases.
var migrationSteps = map[string]func(tx *gorm.DB) error{
	"0011_name_keys.sql":           fillNameKeys,
	"0013_claimant_search_key.sql": fillClaimantSearchKeys,
}

// Migrations lists the applied migrations, oldest first.
func (s *Store) Migrations(ctx context.Context) ([]string, error) {
	var names []string
	err := s.db.WithContext(ctx).Table("schema_migrations").Order("name").Pluck("name", &names).Error
	return names, err
}

// lookupErr turns "no row" into models.ErrNotFound.
func lookupErr(err error, what string, id any) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("%s %v: %w", what, id, models.ErrNotFound)
	}
	return fmt.Errorf("store: %s %v: %w", what, id, err)
}

// writeErr turns constraint violations into conflicts the user can act on.
func writeErr(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return &models.ConflictError{Message: what + " already exists."}
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return fmt.Errorf("%s refers to something that does not exist: %w", what, models.ErrNotFound)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// conn returns a fresh session for one statement chain.
func (s *Store) conn(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

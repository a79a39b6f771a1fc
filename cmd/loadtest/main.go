// Command loadtest seeds a database with generated articles and claims
// (100,000 and 1,000,000 by default), starts Claimdesk's real handler stack
// on a loopback port, and measures the article list, the reading page and
// the API under a bounded load. It prints a table of latencies measured on
// the server (a timing wrapper around the handler) and by the client, and
// writes it into docs/benchmarks.md.
//
// It exits non-zero only when requests fail (non-2xx) or set-up fails,
// never because something was slow: targets live in docs/benchmarks.md.
//
//	go run -tags sqlite_fts5 ./cmd/loadtest                     # SQLite, cached in ./data/bench
//	go run -tags sqlite_fts5 ./cmd/loadtest --db postgres://…  # PostgreSQL (an empty or seeded database)
package main

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for VACUUM ANALYZE after seeding

	"github.com/claimdesk/claimdesk/internal/benchseed"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// config is the command line.
type config struct {
	DB          string // SQLite path or postgres:// URL; "" means a cached SQLite file under CacheDir
	CacheDir    string
	Fresh       bool // seed a new SQLite database in a temporary directory, ignoring the cache
	SeedOnly    bool
	Seed        benchseed.Options
	Requests    int
	Concurrency int
	MaxTime     time.Duration
	Search      string
	Out         string
	CPUProfile  string
	Only        *regexp.Regexp // run only the endpoints whose names match; nil: all
	Synchronous string         // SQLite's synchronous setting for the load (FULL or NORMAL)
	Args        []string
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	c := config{Args: args}
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.DB, "db", getenv("CLAIMDESK_DATABASE_URL"), "SQLite file or postgres:// URL to seed (if empty) and load (CLAIMDESK_DATABASE_URL); empty: a cached SQLite file")
	fs.StringVar(&c.CacheDir, "cache-dir", filepath.Join("data", "bench"), "where seeded SQLite databases are kept, keyed by the seed parameters")
	fs.BoolVar(&c.Fresh, "fresh", false, "seed a new SQLite database in a temporary directory instead of using the cache")
	fs.BoolVar(&c.SeedOnly, "seed-only", false, "seed (or find the cached seed) and stop")
	fs.IntVar(&c.Seed.Articles, "articles", 100000, "articles to generate")
	fs.IntVar(&c.Seed.Claims, "claims", 1000000, "claims to generate, spread with a skew over the articles")
	fs.IntVar(&c.Seed.BigClaims, "big", 500, "claims on the one big article that the reading-page case loads")
	seed := fs.Uint64("seed", 1, "random seed of the generator")
	fs.IntVar(&c.Requests, "requests", 2000, "requests per endpoint")
	fs.IntVar(&c.Concurrency, "concurrency", 8, "concurrent clients")
	fs.DurationVar(&c.MaxTime, "max-time", 60*time.Second, "stop an endpoint after this long, whatever the count")
	fs.StringVar(&c.Search, "q", "inflation", "the word searched for in the article list")
	fs.StringVar(&c.Out, "out", filepath.Join("docs", "benchmarks.md"), "Markdown file whose section for this database is replaced with the results; empty: none")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a CPU profile of the whole run (seeding and load) to this file")
	fs.StringVar(&c.Synchronous, "synchronous", cmp.Or(getenv("CLAIMDESK_SQLITE_SYNCHRONOUS"), store.SynchronousFull), "SQLite's synchronous setting during the load: FULL or NORMAL (CLAIMDESK_SQLITE_SYNCHRONOUS)")
	only := fs.String("only", "", "run only the endpoints whose names match this regular expression (e.g. 'POST|mixed')")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.Seed.RandSeed = *seed
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			return c, fmt.Errorf("--only: %w", err)
		}
		c.Only = re
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case c.Seed.Articles < 1 || c.Seed.Claims < 0 || c.Seed.BigClaims < 0:
		return c, errors.New("--articles must be at least 1 and --claims and --big at least 0")
	case c.Requests < 1 || c.Concurrency < 1 || c.Concurrency > 256 || c.MaxTime <= 0:
		return c, errors.New("--requests and --concurrency (up to 256) must be at least 1 and --max-time positive")
	}
	if c.DB != "" {
		if _, _, err := store.ParseURL(c.DB); err != nil {
			return c, fmt.Errorf("--db: %w", err)
		}
	}
	return c, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	if cfg.CPUProfile != "" {
		f, err := os.Create(cfg.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, cleanup, seed, err := prepare(ctx, cfg, stderr)
	if cleanup != nil {
		defer cleanup()
	}
	if err != nil {
		return err
	}
	if cfg.SeedOnly {
		fmt.Fprintf(stdout, "seeded database: %s\n", redact(db))
		return nil
	}
	st, err := store.Open(ctx, store.Options{URL: db, Log: log, Synchronous: cfg.Synchronous})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	rep, err := load(ctx, cfg, st, seed, log, stderr)
	if err != nil {
		return err
	}
	rep.DB = db
	if info, err := os.Stat(strings.TrimPrefix(strings.TrimPrefix(db, "sqlite:"), "file:")); err == nil && st.Dialect() == "sqlite" {
		rep.DBBytes = info.Size()
	}
	rep.Print(stdout)
	if cfg.Out != "" {
		if err := rep.WriteMarkdown(cfg.Out); err != nil {
			return fmt.Errorf("write %s: %w", cfg.Out, err)
		}
		fmt.Fprintf(stdout, "\nwrote the %s section of %s\n", rep.Dialect, cfg.Out)
	}
	if n := rep.Errors(); n > 0 {
		return fmt.Errorf("%d requests failed (non-2xx); see the table", n)
	}
	return nil
}

// seedInfo is what the report says about seeding.
type seedInfo struct {
	benchseed.Result
	Cached  bool   // found seeded (cache file or marker), not seeded by this run
	Source  string // where it came from
	CopySec float64
}

// prepare finds or makes the seeded database and returns the URL to load.
func prepare(ctx context.Context, cfg config, stderr io.Writer) (string, func(), seedInfo, error) {
	key := benchseed.Key(cfg.Seed)
	if cfg.DB != "" { // a database the user named: seed it if empty, reuse it if it holds this seed
		info, err := seedDatabase(ctx, cfg.DB, cfg.Seed, stderr)
		return cfg.DB, nil, info, err
	}
	tmp, err := os.MkdirTemp("", "claimdesk-loadtest-")
	if err != nil {
		return "", nil, seedInfo{}, err
	}
	cleanup := func() { _ = os.RemoveAll(tmp) }
	work := filepath.Join(tmp, "bench.db")
	if cfg.Fresh {
		info, err := seedDatabase(ctx, work, cfg.Seed, stderr)
		return work, cleanup, info, err
	}
	cached := filepath.Join(cfg.CacheDir, "claimdesk-"+key+".db")
	var info seedInfo
	if _, err := os.Stat(cached); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(cfg.CacheDir, 0o750); err != nil {
			return "", cleanup, info, err
		}
		partial := cached + ".partial"
		for _, suffix := range []string{"", "-wal", "-shm"} {
			_ = os.Remove(partial + suffix)
		}
		if info, err = seedDatabase(ctx, partial, cfg.Seed, stderr); err != nil {
			return "", cleanup, info, err
		}
		if err := os.Rename(partial, cached); err != nil {
			return "", cleanup, info, err
		}
	} else if err != nil {
		return "", cleanup, info, err
	} else {
		// Apply migrations added since the cache was made, once, to the cache itself.
		if info, err = seedDatabase(ctx, cached, cfg.Seed, stderr); err != nil {
			return "", cleanup, info, err
		}
		info.Source = cached
	}
	if cfg.SeedOnly {
		return cached, cleanup, info, nil
	}
	// Load a copy, so that the claims the load test writes never reach the cache.
	started := time.Now()
	if err := copyFile(cached, work); err != nil {
		return "", cleanup, info, err
	}
	info.CopySec = time.Since(started).Seconds()
	return work, cleanup, info, nil
}

// seedDatabase opens url, migrates it and seeds it unless it already holds
// this seed. The store is closed on return, which checkpoints SQLite's WAL
// into the main file.
func seedDatabase(ctx context.Context, url string, o benchseed.Options, stderr io.Writer) (seedInfo, error) {
	st, err := store.Open(ctx, store.Options{URL: url, Log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		return seedInfo{}, err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return seedInfo{}, err
	}
	key := benchseed.Key(o)
	got, ok, err := benchseed.Info(ctx, st)
	switch {
	case err != nil:
		return seedInfo{}, err
	case ok && got.Key == key:
		return seedInfo{Result: got, Cached: true, Source: redact(url)}, nil
	case ok:
		return seedInfo{}, fmt.Errorf("%s holds another seed (%s), not %s: use an empty database", redact(url), got.Key, key)
	}
	author, err := benchUser(ctx, st, "seed@loadtest.example.org", "Seed author", models.RoleEditor)
	if err != nil {
		return seedInfo{}, err
	}
	o.Author = author.ID
	for i := 1; i <= 8; i++ {
		u, err := benchUser(ctx, st, fmt.Sprintf("checker%d@loadtest.example.org", i), fmt.Sprintf("Fact-checker %d", i), models.RoleFactChecker)
		if err != nil {
			return seedInfo{}, err
		}
		o.Assignees = append(o.Assignees, u.ID)
	}
	started := time.Now()
	o.Progress = func(articles, claims int) {
		el := time.Since(started).Seconds()
		fmt.Fprintf(stderr, "seeding %s: %d/%d articles, %d claims, %.0f s\n", st.Dialect(), articles, o.Articles, claims, el)
	}
	fmt.Fprintf(stderr, "seeding %s with %d articles and %d claims (%s)…\n", redact(url), o.Articles, o.Claims, key)
	res, err := benchseed.Seed(ctx, st, o)
	if err != nil {
		return seedInfo{}, err
	}
	fmt.Fprintf(stderr, "seeded in %.1f s\n", res.Seconds)
	if st.Dialect() == "postgres" {
		if err := vacuum(ctx, url); err != nil {
			return seedInfo{}, err
		}
	}
	return seedInfo{Result: res, Source: redact(url)}, nil
}

// vacuum brings a freshly loaded PostgreSQL database to the state
// autovacuum would soon reach: planner statistics, and visibility maps that
// allow index-only scans. (SQLite databases are loaded as they are in use:
// Claimdesk never runs ANALYZE there.)
func vacuum(ctx context.Context, url string) error {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
		return fmt.Errorf("vacuum analyze: %w", err)
	}
	return nil
}

// benchUser finds or creates a user with a random password nobody knows.
func benchUser(ctx context.Context, st *store.Store, email, name string, role models.Role) (models.User, error) {
	if u, err := st.UserByEmail(ctx, email); err == nil {
		return u, nil
	} else if !errors.Is(err, models.ErrNotFound) {
		return u, err
	}
	return st.CreateUser(ctx, store.Actor{Name: "loadtest"}, models.NewUser{Email: email, Name: name, Role: string(role), Password: store.GeneratePassword()})
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

// redact hides a password in a database URL.
func redact(u string) string {
	if i := strings.Index(u, "@"); i >= 0 {
		if j := strings.Index(u, "://"); j >= 0 && j < i {
			return u[:j+3] + "…" + u[i:]
		}
	}
	return cmp.Or(u, "(none)")
}

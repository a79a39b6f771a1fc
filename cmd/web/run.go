package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/claimdesk/claimdesk/internal/handlers"
	"github.com/claimdesk/claimdesk/internal/ingest"
	"github.com/claimdesk/claimdesk/internal/mail"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/static"
)

// run dispatches the subcommand; with none, it serves.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stderr, nil)
	case "user":
		return userCommand(ctx, args, getenv, stdin, stdout)
	case "token":
		return tokenCommand(ctx, args, getenv, stdout)
	case "history":
		return historyCommand(ctx, args, getenv, stdout)
	case "export": // backup and restore: cmd/web/backup.go
		return exportCommand(ctx, args, getenv, stdout, stderr)
	case "import":
		return importCommand(ctx, args, getenv, stdin, stdout)
	case "backup":
		return backupCommand(ctx, args, getenv, stdout)
	case "factchecks": // the fact-check library: cmd/web/factchecks.go
		return factChecksCommand(ctx, args, getenv, stdin, stdout, stderr)
	}
	return fmt.Errorf("unknown command %q: use serve, user add, user password, token add, history verify, export, import, backup or factchecks import", cmd)
}

func openStore(ctx context.Context, cfg config, log *slog.Logger) (*store.Store, error) {
	st, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, Log: log, Synchronous: cfg.SQLiteSynchronous})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		_ = st.Close()
		return nil, err
	}
	return st, nil
}

// serve runs the web server until ctx is cancelled, then drains in-flight
// requests. ready, if not nil, receives the listening address.
func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready chan<- string) error {
	cfg, err := loadConfig(getenv, args)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close() // after Shutdown: drain HTTP first, then close the database
	assets, err := static.Load()
	if err != nil {
		return err
	}
	go func() { // compile the PDF reader now, so the first PDF upload need not wait
		if err := ingest.StartPDFReader(); err != nil {
			log.Warn("PDF uploads will fail", "err", err)
		}
	}()
	outbox := mail.NewOutbox(cfg.Mail, st, log, cfg.BaseURL)
	mailCtx, stopMail := context.WithCancel(context.WithoutCancel(ctx))
	mailDone := make(chan struct{})
	go func() { defer close(mailDone); outbox.Run(mailCtx) }()
	defer func() { stopMail(); <-mailDone }() // before the database closes
	srv := &http.Server{
		Handler: handlers.New(handlers.Deps{Store: st, Log: log, Assets: assets, BaseURL: cfg.BaseURL,
			SecureCookies: cfg.Secure(), FetchTimeout: cfg.FetchTimeout, TrustedProxies: cfg.TrustedProxies, Mail: outbox}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      90 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "database", st.Dialect())
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func commandStore(ctx context.Context, getenv func(string) string) (*store.Store, error) {
	cfg, err := loadConfig(getenv, nil)
	if err != nil {
		return nil, err
	}
	return openStore(ctx, cfg, slog.New(slog.DiscardHandler))
}

// userCommand: user add --email E --name N --role R; the password is the
// first line of stdin, or generated and printed when stdin is empty.
// user password --email E: cmd/web/password.go.
func userCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "password" {
		return passwordCommand(ctx, args[1:], getenv, stdin, stdout)
	}
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: user add --email E --name N --role admin|editor|factchecker|viewer, or user password --email E (password from stdin)")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	email := fs.String("email", "", "e-mail address (required)")
	name := fs.String("name", "", "display name (required)")
	role := fs.String("role", "", "admin, editor, factchecker or viewer (required)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	password, generated := readPassword(stdin)
	if generated {
		password = store.GeneratePassword()
	}
	st, err := commandStore(ctx, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.CreateUser(ctx, store.Actor{Name: "command line"}, models.NewUser{Email: *email, Name: *name, Role: *role, Password: password})
	var verr models.ValidationError
	if errors.As(err, &verr) {
		return fmt.Errorf("%s", strings.TrimPrefix(verr.Error(), "invalid input: "))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s <%s> as %s (id %d)\n", u.Name, u.Email, u.Role, u.ID)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n", password)
	}
	return nil
}

// tokenCommand: token add --email E --label L [--days N]; prints the token.
func tokenCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: token add --email E --label L [--days N]")
	}
	fs := flag.NewFlagSet("token add", flag.ContinueOnError)
	email := fs.String("email", "", "the user's e-mail (required)")
	label := fs.String("label", "", "what the token is for")
	days := fs.Int("days", 0, "expire after N days (0: never)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *days < 0 || *days > 3650 {
		return errors.New("--days must be from 0 to 3650")
	}
	st, err := commandStore(ctx, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("no user with e-mail %q", *email)
	}
	plain, _, err := st.CreateToken(ctx, store.Actor{Name: "command line"}, u.ID, *label, time.Duration(*days)*24*time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, plain)
	return nil
}

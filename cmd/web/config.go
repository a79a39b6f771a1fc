package main

import (
	"cmp"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/claimdesk/claimdesk/internal/mail"
	"github.com/claimdesk/claimdesk/internal/store"
)

// config is everything Claimdesk reads from its environment, loaded and
// validated once at start-up.
type config struct {
	Addr         string
	DatabaseURL  string
	BaseURL      string
	LogLevel     slog.Level
	FetchTimeout time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (CLAIMDESK_TRUSTED_PROXIES); none: the socket's address.
	TrustedProxies []*net.IPNet
	Mail           mail.Config // CLAIMDESK_SMTP_URL, CLAIMDESK_MAIL_FROM; off when unset
	// SQLiteSynchronous is SQLite's synchronous setting, FULL (the default:
	// a commit survives power loss) or NORMAL (faster; survives a crash of
	// the process, may lose the last commits on power loss).
	SQLiteSynchronous string
}

// Secure reports whether cookies must be sent over HTTPS only.
func (c config) Secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// loadConfig reads CLAIMDESK_* variables; flags given to serve override them.
func loadConfig(getenv func(string) string, args []string) (config, error) {
	c := config{
		Addr:        cmp.Or(getenv("CLAIMDESK_ADDR"), "localhost:8080"),
		DatabaseURL: cmp.Or(getenv("CLAIMDESK_DATABASE_URL"), "data/claimdesk.db"),
		BaseURL:     getenv("CLAIMDESK_BASE_URL"),
	}
	c.SQLiteSynchronous = strings.ToUpper(cmp.Or(strings.TrimSpace(getenv("CLAIMDESK_SQLITE_SYNCHRONOUS")), store.SynchronousFull))
	level := cmp.Or(getenv("CLAIMDESK_LOG_LEVEL"), "info")
	timeout := cmp.Or(getenv("CLAIMDESK_FETCH_TIMEOUT"), "15s")
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (CLAIMDESK_ADDR)")
	fs.StringVar(&c.DatabaseURL, "db", c.DatabaseURL, "SQLite file or postgres:// URL (CLAIMDESK_DATABASE_URL)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public address, e.g. https://claims.example.org (CLAIMDESK_BASE_URL)")
	fs.StringVar(&level, "log-level", level, "debug, info, warn or error (CLAIMDESK_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return c, fmt.Errorf("CLAIMDESK_ADDR: %q is not host:port (e.g. localhost:8080): %w", c.Addr, err)
	}
	if _, _, err := store.ParseURL(c.DatabaseURL); err != nil {
		return c, fmt.Errorf("CLAIMDESK_DATABASE_URL: %w", err)
	}
	if c.SQLiteSynchronous != store.SynchronousFull && c.SQLiteSynchronous != store.SynchronousNormal {
		return c, fmt.Errorf("CLAIMDESK_SQLITE_SYNCHRONOUS: %q must be FULL or NORMAL", c.SQLiteSynchronous)
	}
	if c.BaseURL == "" {
		host, port, _ := net.SplitHostPort(c.Addr)
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return c, fmt.Errorf("CLAIMDESK_BASE_URL: %q must be an http(s) origin such as https://claims.example.org", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return c, fmt.Errorf("CLAIMDESK_LOG_LEVEL: %q is not debug, info, warn or error", level)
	}
	c.FetchTimeout, err = time.ParseDuration(timeout)
	if err != nil || c.FetchTimeout <= 0 || c.FetchTimeout > 2*time.Minute {
		return c, fmt.Errorf("CLAIMDESK_FETCH_TIMEOUT: %q must be a duration up to 2m, e.g. 15s", timeout)
	}
	if c.TrustedProxies, err = parseCIDRs("CLAIMDESK_TRUSTED_PROXIES", getenv("CLAIMDESK_TRUSTED_PROXIES")); err != nil {
		return c, err
	}
	if c.Mail, err = mail.ParseURL(getenv("CLAIMDESK_SMTP_URL"), getenv("CLAIMDESK_MAIL_FROM"), c.BaseURL); err != nil {
		return c, fmt.Errorf("CLAIMDESK_SMTP_URL: %w", err)
	}
	return c, nil
}

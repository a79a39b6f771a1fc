// Package mail sends Claimdesk's e-mail: it reads CLAIMDESK_SMTP_URL,
// composes the messages (invites, password resets, notifications) and runs
// the sender that drains the outbox in the database (store/outbox.go) over
// SMTP. Nothing here runs inside a request: handlers only queue.
package mail

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strings"
)

// Config is where and how to send. The zero Config means mail is off.
type Config struct {
	Addr        string // host:port
	Host        string
	Username    string
	Password    string
	ImplicitTLS bool // smtps://: TLS from the first byte (port 465)
	From        string
	// TLS, if set, replaces the default TLS configuration (tests trust
	// their own certificate with it).
	TLS *tls.Config
}

// Enabled reports whether mail is configured.
func (c Config) Enabled() bool { return c.Addr != "" }

// ParseURL reads CLAIMDESK_SMTP_URL: smtp://user:pass@host:587 (STARTTLS,
// always required, with the server's certificate verified) or
// smtps://user:pass@host:465 (TLS from the start). from is CLAIMDESK_MAIL_FROM, or "" for
// claimdesk@ the host of baseURL. An empty raw URL means mail is off.
func ParseURL(raw, from, baseURL string) (Config, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Config{}, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, errors.New("not a URL: use smtp://user:password@host:587")
	}
	var c Config
	switch u.Scheme {
	case "smtp":
	case "smtps":
		c.ImplicitTLS = true
	default:
		return Config{}, fmt.Errorf("scheme %q: use smtp://user:password@host:587 (STARTTLS) or smtps://…:465", u.Scheme)
	}
	if u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return Config{}, errors.New("use smtp://user:password@host:587 with no path or query")
	}
	port := u.Port()
	if port == "" {
		port = "587"
		if c.ImplicitTLS {
			port = "465"
		}
	}
	c.Host = u.Hostname()
	c.Addr = net.JoinHostPort(c.Host, port)
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if from == "" {
		host := "localhost"
		if b, err := url.Parse(baseURL); err == nil && b.Hostname() != "" {
			host = b.Hostname()
		}
		from = "Claimdesk <claimdesk@" + host + ">"
	}
	a, err := mail.ParseAddress(from)
	if err != nil {
		return Config{}, fmt.Errorf("CLAIMDESK_MAIL_FROM %q is not an address like \"Claimdesk <claims@example.org>\"", from)
	}
	c.From = a.String()
	return c, nil
}

// String describes the configuration without its password.
func (c Config) String() string {
	if !c.Enabled() {
		return "off"
	}
	scheme := "smtp"
	if c.ImplicitTLS {
		scheme = "smtps"
	}
	user := ""
	if c.Username != "" {
		user = c.Username + "@"
	}
	return scheme + "://" + user + c.Addr
}

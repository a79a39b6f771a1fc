package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// sendTimeout bounds one delivery, well inside the outbox lease.
const sendTimeout = 60 * time.Second

// errPermanent marks a refusal that retrying cannot fix (the server
// rejected the recipient with a 5xx).
type errPermanent struct{ err error }

func (e errPermanent) Error() string { return e.err.Error() }
func (e errPermanent) Unwrap() error { return e.err }

// Permanent reports whether err means the mail can never be delivered.
func Permanent(err error) bool {
	var p errPermanent
	return errors.As(err, &p)
}

// send delivers one message to one recipient.
func (c Config) send(ctx context.Context, to string, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	tlsConf := c.TLS
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", c.Addr, err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	var cl *smtp.Client
	if c.ImplicitTLS {
		cl = smtp.NewClient(tls.Client(conn, tlsConf))
	} else if cl, err = smtp.NewClientStartTLS(conn, tlsConf); err != nil {
		_ = conn.Close()
		return fmt.Errorf("STARTTLS with %s (Claimdesk never sends mail unencrypted): %w", c.Addr, err)
	}
	defer cl.Close()
	if c.Username != "" {
		if err := cl.Auth(sasl.NewPlainClient("", c.Username, c.Password)); err != nil {
			return fmt.Errorf("sign in to %s as %s: %w", c.Addr, c.Username, err)
		}
	}
	from := envelope(c.From)
	if err := cl.Mail(from, nil); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := cl.Rcpt(to, nil); err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) && se.Code >= 500 {
			return errPermanent{fmt.Errorf("the server refused %s: %w", to, err)}
		}
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := cl.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	return cl.Quit()
}

// envelope returns the bare address of a From header value.
func envelope(from string) string {
	if i := bytes.IndexByte([]byte(from), '<'); i >= 0 {
		if j := bytes.IndexByte([]byte(from[i:]), '>'); j > 0 {
			return from[i+1 : i+j]
		}
	}
	return from
}

// Package mailtest runs a real SMTP server for tests (github.com/emersion/go-smtp)
// on 127.0.0.1, with STARTTLS on a certificate made for the test and
// AUTH PLAIN, and keeps what it receives.
package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	cdmail "github.com/claimdesk/claimdesk/internal/mail"
)

// Credentials the server accepts.
const (
	Username = "desk"
	Password = "s3cret-smtp"
)

// Message is one mail received.
type Message struct {
	From, To string
	Subject  string
	Body     string // decoded text
	Raw      string
	TLS      bool // the session was encrypted
}

// Server is a running SMTP server.
type Server struct {
	t      testing.TB
	srv    *smtp.Server
	addr   string
	pool   *x509.CertPool
	mu     sync.Mutex
	msgs   []Message
	failN  int // refuse the next failN messages at DATA with 451
	reject map[string]bool
	notify chan struct{}
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	cert, pool := selfSigned(t)
	s := &Server{t: t, pool: pool, reject: map[string]bool{}, notify: make(chan struct{}, 1000)}
	srv := smtp.NewServer(&backend{s})
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.AllowInsecureAuth = false
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.srv, s.addr = srv, ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// Config is a mail configuration that sends to this server.
func (s *Server) Config() cdmail.Config {
	host, port, _ := net.SplitHostPort(s.addr)
	c, err := cdmail.ParseURL("smtp://"+Username+":"+Password+"@"+host+":"+port, "Claimdesk <claims@desk.example.org>", "")
	if err != nil {
		s.t.Fatal(err)
	}
	c.TLS = &tls.Config{RootCAs: s.pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return c
}

// FailNext makes the server refuse the next n messages with a temporary error.
func (s *Server) FailNext(n int) { s.mu.Lock(); s.failN = n; s.mu.Unlock() }

// Reject makes the server refuse a recipient for good (550).
func (s *Server) Reject(addr string) { s.mu.Lock(); s.reject[addr] = true; s.mu.Unlock() }

// Messages returns what was received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Wait waits until at least n messages arrived, or fails the test.
func (s *Server) Wait(n int, timeout time.Duration) []Message {
	s.t.Helper()
	deadline := time.After(timeout)
	for {
		if m := s.Messages(); len(m) >= n {
			return m
		}
		select {
		case <-s.notify:
		case <-deadline:
			s.t.Fatalf("mailtest: %d messages after %v, want %d", len(s.Messages()), timeout, n)
		}
	}
}

type backend struct{ s *Server }

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: b.s, conn: c}, nil
}

type session struct {
	s        *Server
	conn     *smtp.Conn
	authed   bool
	from, to string
}

func (se *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (se *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != Username || pass != Password {
			return errors.New("invalid credentials")
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if !se.authed {
		return smtp.ErrAuthRequired
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.s.mu.Lock()
	defer se.s.mu.Unlock()
	if se.s.reject[to] {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
	}
	se.to = to
	return nil
}

func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	se.s.mu.Lock()
	defer se.s.mu.Unlock()
	if se.s.failN > 0 {
		se.s.failN--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	_, isTLS := se.conn.TLSConnectionState()
	m := Message{From: se.from, To: se.to, Raw: string(raw), TLS: isTLS}
	if msg, err := mail.ReadMessage(strings.NewReader(string(raw))); err == nil {
		dec := new(mimeDecoder)
		m.Subject = dec.header(msg.Header.Get("Subject"))
		body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
		m.Body = strings.ReplaceAll(string(body), "\r\n", "\n")
	}
	se.s.msgs = append(se.s.msgs, m)
	se.s.notify <- struct{}{}
	return nil
}

func (se *session) Reset()        {}
func (se *session) Logout() error { return nil }

type mimeDecoder struct{}

func (mimeDecoder) header(s string) string {
	var d = new(mimeWordDecoder)
	out, err := d.DecodeHeader(s)
	if err != nil {
		return s
	}
	return out
}

func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailtest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

type mimeWordDecoder = mime.WordDecoder

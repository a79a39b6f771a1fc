package ingest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"syscall"
	"testing"
)

// TestFetchFailureMessages: every kind of transport failure says what
// happened, and a server that cannot reach anything is not blamed on the
// address.
func TestFetchFailureMessages(t *testing.T) {
	wrap := func(err error) error {
		return &url.Error{Op: "Get", URL: "https://news.example.com/story", Err: &net.OpError{Op: "dial", Net: "tcp", Err: err}}
	}
	dnsWorks := func(context.Context, string) error { return nil }
	dnsDead := func(context.Context, string) error {
		return &net.DNSError{Err: "no such host", Name: ".", IsNotFound: true}
	}
	notFound := &net.DNSError{Err: "no such host", Name: "news.example.com", IsNotFound: true}
	tests := []struct {
		name      string
		lookup    func(context.Context, string) error
		err       error
		fragments []string
	}{
		{"misspelt domain", dnsWorks, wrap(notFound), []string{"No website was found", "news.example.com does not exist"}},
		{"resolver answers no such host to everything", dnsDead, wrap(notFound), []string{"server could not reach the site", "may well be right"}},
		{"name server not answering", dnsWorks, wrap(&net.DNSError{Err: "server misbehaving", Name: "news.example.com", IsTemporary: true}), []string{"server could not reach the site", "could not look up news.example.com"}},
		{"no route out", dnsWorks, wrap(os.NewSyscallError("connect", syscall.ENETUNREACH)), []string{"server could not reach the site", "no network route to news.example.com"}},
		{"host unreachable", dnsWorks, wrap(os.NewSyscallError("connect", syscall.EHOSTUNREACH)), []string{"server could not reach the site"}},
		{"connection refused", dnsWorks, wrap(os.NewSyscallError("connect", syscall.ECONNREFUSED)), []string{"refused the connection", "news.example.com"}},
		{"connection reset", dnsWorks, wrap(os.NewSyscallError("read", syscall.ECONNRESET)), []string{"closed the connection"}},
		{"cut short", dnsWorks, &url.Error{Op: "Get", URL: "https://news.example.com/", Err: io.ErrUnexpectedEOF}, []string{"closed the connection"}},
		{"certificate for another name", dnsWorks, &url.Error{Op: "Get", URL: "https://news.example.com/", Err: &tls.CertificateVerificationError{Err: x509.HostnameError{Certificate: &x509.Certificate{}, Host: "news.example.com"}}}, []string{"certificate is for another name than news.example.com"}},
		{"expired certificate", dnsWorks, &url.Error{Op: "Get", URL: "https://news.example.com/", Err: &tls.CertificateVerificationError{Err: x509.CertificateInvalidError{Reason: x509.Expired}}}, []string{"expired"}},
		{"unknown authority", dnsWorks, &url.Error{Op: "Get", URL: "https://news.example.com/", Err: x509.UnknownAuthorityError{}}, []string{"could not be verified"}},
		{"TLS handshake", dnsWorks, &url.Error{Op: "Get", URL: "https://news.example.com/", Err: tls.AlertError(40)}, []string{"secure (https) connection", "could not be set up"}},
		{"not TLS at all", dnsWorks, &url.Error{Op: "Get", URL: "https://news.example.com/", Err: tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}}, []string{"secure (https) connection"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Fetcher{lookupNS: tt.lookup}
			wantInvalid(t, f.failure(context.Background(), tt.err), "url", tt.fragments...)
		})
	}
}

// TestFetchTLSUntrusted: a real TLS server whose certificate nobody
// signed is refused with the certificate message.
func TestFetchTLSUntrusted(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<p>hi</p>")) }))
	t.Cleanup(srv.Close)
	_, err := Fetcher{AllowPrivate: true}.Fetch(context.Background(), srv.URL)
	wantInvalid(t, err, "url", "certificate could not be verified")
}

// TestFetchHTTPSToPlainHTTP: https:// to a server that speaks plain HTTP.
func TestFetchHTTPSToPlainHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	u.Scheme = "https"
	_, err := Fetcher{AllowPrivate: true}.Fetch(context.Background(), u.String())
	wantInvalid(t, err, "url", "does not answer https://", "http://")
}

package ingest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Fetcher downloads web pages for ingest. The zero value is ready to use
// with the defaults below. Each call uses its own connection; nothing is
// shared between calls, and environment proxy settings are ignored (a proxy
// would hide the address that is really dialled).
type Fetcher struct {
	AllowPrivate bool           // tests only: every address allowed (production uses Allow)
	Allow        []netip.Prefix // the private_networks setting: non-public ranges that may be fetched (allow.go)
	Timeout      time.Duration  // whole fetch, body included; default 15s
	MaxBytes     int64          // largest body read; default models.MaxUploadBytes
	MaxRedirects int            // default 5; a negative value follows none
	UserAgent    string         // default defaultUserAgent

	// exempt, when set, lets a dial target through the address check. Tests
	// use it to reach a local server that redirects elsewhere.
	exempt func(netip.AddrPort) bool
	// lookupNS, when set, replaces the resolver's NS lookup that tells a
	// misspelt domain from a server that cannot resolve anything (tests).
	lookupNS func(ctx context.Context, name string) error
}

const defaultUserAgent = "Mozilla/5.0 (compatible; Claimdesk/1.0; newsroom fact-checking)"

// Fetch GETs rawURL and reads it with FromHTML (text/html,
// application/xhtml+xml) or as plain text (text/plain; a declared charset is
// decoded). A missing Content-Type is sniffed.
//
// It refuses non-http(s) URLs and, unless AllowPrivate, any dialled address
// that is not on the public internet (see blockedAddr). The check runs on the
// IP actually dialled, for every connection, so DNS rebinding and redirects
// to such addresses are refused too. Every refusal is a
// models.ValidationError on "url". An error that is not a ValidationError
// means ctx ended (the caller gave up) or an internal failure.
func (f Fetcher) Fetch(ctx context.Context, rawURL string) (Doc, error) {
	resp, cancel, err := f.get(ctx, rawURL)
	if err != nil {
		return Doc{}, err
	}
	defer cancel()
	defer resp.Body.Close()

	ct := resp.Header.Get("Content-Type")
	kind, mediaType, params := contentKind(ct)
	if kind == kindOther {
		return Doc{}, fromURL.invalid("That address is not a web page or plain text (it is %s). If it is a document, download it and upload its text instead.", mediaType)
	}
	body, err := f.readBody(ctx, resp)
	if err != nil {
		return Doc{}, err
	}
	if kind == kindUnknown {
		ct = ""
		kind, mediaType, params = contentKind(http.DetectContentType(body))
		if kind == kindOther || kind == kindUnknown {
			return Doc{}, fromURL.invalid("That address is not a web page or plain text (it looks like %s). If it is a document, download it and upload its text instead.", mediaType)
		}
	}
	if kind == kindHTML {
		return htmlDoc(body, ct, resp.Request.URL, fromURL)
	}
	if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "utf8" && cs != "us-ascii" {
		enc, _ := charset.Lookup(cs)
		if enc == nil {
			return Doc{}, fromURL.invalid("The page uses a character set Claimdesk does not know (%s).", cs)
		}
		if body, err = enc.NewDecoder().Bytes(body); err != nil {
			return Doc{}, fromURL.invalid("The page could not be read as %s.", cs)
		}
	}
	return textDoc(body, fromURL)
}

// FetchTitle fetches rawURL with the same guards as Fetch and returns the
// page's <title>, or else its og:title, on one line; "" when the page has
// none or is not HTML (a PDF, say). It reads at most MaxBytes and does not
// refuse a larger page: the title is near the top.
func (f Fetcher) FetchTitle(ctx context.Context, rawURL string) (string, error) {
	resp, cancel, err := f.get(ctx, rawURL)
	if err != nil {
		return "", err
	}
	defer cancel()
	defer resp.Body.Close()

	ct := resp.Header.Get("Content-Type")
	if kind, _, _ := contentKind(ct); kind != kindHTML && kind != kindUnknown {
		return "", nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes()))
	if err != nil {
		return "", f.failure(ctx, err)
	}
	s, err := decodeHTML(body, ct)
	if err != nil {
		return "", nil // undecodable: no title to give
	}
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return "", fmt.Errorf("ingest: parse html: %w", err)
	}
	return clip(pageTitle(doc), models.MaxTitleRunes), nil
}

// get sends the request and checks the status. On success the caller must
// close the body and then call cancel, which ends the timeout.
func (f Fetcher) get(parent context.Context, rawURL string) (*http.Response, context.CancelFunc, error) {
	u, err := models.ParseWebURL(rawURL)
	if err != nil {
		return nil, nil, fromURL.invalid("%s", err.Error())
	}
	ctx, cancel := context.WithTimeout(parent, f.timeout())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		cancel()
		return nil, nil, fromURL.invalid("Enter a full web address starting with http:// or https://.")
	}
	req.Header.Set("User-Agent", f.userAgent())
	req.Header.Set("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1")
	resp, err := f.client().Do(req)
	if err != nil {
		cancel()
		return nil, nil, f.failure(parent, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		resp.Body.Close()
		cancel()
		return nil, nil, statusError(resp.StatusCode)
	}
	return resp, cancel, nil
}

func (f Fetcher) client() *http.Client {
	dialer := &net.Dialer{Timeout: f.timeout()}
	if !f.AllowPrivate {
		dialer.Control = f.checkDial
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                  nil, // never: the proxy's address would be checked, not the target's
			DialContext:            dialer.DialContext,
			ForceAttemptHTTP2:      true,
			TLSHandshakeTimeout:    f.timeout(),
			ResponseHeaderTimeout:  f.timeout(),
			MaxResponseHeaderBytes: 1 << 20,
			DisableKeepAlives:      true,
		},
		CheckRedirect: f.checkRedirect,
	}
}

// readBody reads at most MaxBytes, refusing a larger body without reading
// more than MaxBytes+1 bytes.
func (f Fetcher) readBody(ctx context.Context, resp *http.Response) ([]byte, error) {
	limit := f.maxBytes()
	tooLarge := fromURL.invalid("The page is larger than %s, so it was not fetched. Paste the article text instead.", humanBytes(limit))
	if resp.ContentLength > limit {
		return nil, tooLarge
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, f.failure(ctx, err)
	}
	if int64(len(b)) > limit {
		return nil, tooLarge
	}
	return b, nil
}

var (
	errRedirectLoop     = errors.New("redirect loop")
	errTooManyRedirects = errors.New("too many redirects")
	errRedirectScheme   = errors.New("redirect to a non-web address")
)

// checkRedirect refuses loops, more than MaxRedirects redirects and
// redirects to anything but http(s).
func (f Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	next := withoutFragment(req.URL)
	for _, v := range via {
		if withoutFragment(v.URL) == next {
			return errRedirectLoop
		}
	}
	if len(via) > f.maxRedirects() {
		return errTooManyRedirects
	}
	if s := strings.ToLower(req.URL.Scheme); s != "http" && s != "https" {
		return errRedirectScheme
	}
	return nil
}

func withoutFragment(u *url.URL) string {
	c := *u
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

// blockedError is returned by the dialer for an address it will not dial.
type blockedError struct{ addr string }

func (e *blockedError) Error() string { return "blocked address " + e.addr }

// checkDial is the net.Dialer Control hook: it runs after name resolution,
// just before each connection, with the IP about to be dialled.
func (f Fetcher) checkDial(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &blockedError{addr: address} // fail closed
	}
	if f.exempt != nil && f.exempt(ap) {
		return nil
	}
	if (blockedAddr(ap.Addr()) || metadataAddr(canonicalAddr(ap.Addr()))) && !allowed(f.Allow, ap.Addr()) {
		return &blockedError{addr: ap.Addr().String()}
	}
	return nil
}

// Ranges that are not the public internet, beyond what netip.Addr's
// predicates cover.
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),     // "this network"
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT (RFC 6598)
	netip.MustParsePrefix("192.0.0.0/24"),  // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"), // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),   // reserved, and broadcast
	netip.MustParsePrefix("::/96"),         // IPv4-compatible (deprecated), ::, ::1
	netip.MustParsePrefix("fec0::/10"),     // site-local (deprecated)
}

// nat64 is the well-known NAT64 prefix; its last 32 bits are an IPv4 address.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// blockedAddr reports whether a is loopback, private (RFC 1918, fc00::/7),
// link-local (169.254.0.0/16 including the cloud metadata address
// 169.254.169.254, fe80::/10), unspecified, multicast, carrier-grade NAT
// (100.64.0.0/10) or another range in blockedPrefixes. IPv4-mapped and NAT64
// IPv6 addresses are judged by the IPv4 address inside them.
func blockedAddr(a netip.Addr) bool {
	a = a.WithZone("").Unmap()
	if a.Is6() && nat64.Contains(a) {
		b := a.As16()
		a = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() ||
		a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return true
	}
	for _, p := range blockedPrefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// failure turns a transport error into a ValidationError, except when the
// caller's context (parent, not the one carrying the timeout) ended: that
// is returned wrapped.
func (f Fetcher) failure(parent context.Context, err error) error {
	var blocked *blockedError
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	switch {
	case errors.As(err, &blocked):
		// The address itself is not shown: it would tell a user what
		// internal host names resolve to.
		return fromURL.invalid("That address is on a private network, so Claimdesk will not fetch it. An administrator can allow private addresses in the settings.")
	case errors.Is(err, errRedirectLoop):
		return fromURL.invalid("That address redirects in a loop, so the page could not be fetched.")
	case errors.Is(err, errTooManyRedirects):
		return fromURL.invalid("That address redirects more than %d times, so the page was not fetched.", f.maxRedirects())
	case errors.Is(err, errRedirectScheme):
		return fromURL.invalid("That address redirects to something other than an http:// or https:// web page.")
	case parent.Err() != nil:
		return fmt.Errorf("ingest: fetch: %w", context.Cause(parent))
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fromURL.invalid("The website took too long to answer (more than %s). Try again later, or paste the text instead.", seconds(f.timeout()))
	case errors.As(err, &dnsErr):
		host := dnsErr.Name
		if dnsErr.IsNotFound && f.resolverWorks(parent) {
			return fromURL.invalid("No website was found at that address: the domain name %s does not exist. Check its spelling.", host)
		}
		return fromURL.invalid("The server could not reach the site: it could not look up %s (Claimdesk's server may have no connection to the internet, or its name server is not answering). The address may well be right; ask your administrator, or paste the text instead.", host)
	case errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH):
		return fromURL.invalid("The server could not reach the site: it has no network route to %s (Claimdesk's server may have no connection to the internet). The address may well be right; ask your administrator, or paste the text instead.", hostOf(err))
	case errors.Is(err, syscall.ECONNREFUSED):
		return fromURL.invalid("The website refused the connection: nothing is answering at %s. Check the address (and its port, if it has one), or try again later.", hostOf(err))
	case errors.As(err, &hostErr):
		return fromURL.invalid("The website's security certificate is for another name than %s, so the page was not fetched.", hostOf(err))
	case errors.As(err, &invalidCert) && invalidCert.Reason == x509.Expired:
		return fromURL.invalid("The website's security certificate has expired (or is not yet valid), so the page was not fetched.")
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &invalidCert):
		return fromURL.invalid("The website's security certificate could not be verified, so the page was not fetched.")
	case strings.Contains(err.Error(), "HTTP response to HTTPS client"):
		return fromURL.invalid("The website does not answer https:// at that address (it answered in plain http). Try the address with http:// instead.")
	case isTLSFailure(err):
		return fromURL.invalid("A secure (https) connection to the website could not be set up, so the page was not fetched. The site may be misconfigured; try again later, or paste the text instead.")
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fromURL.invalid("The website closed the connection without a complete answer. Try again later, or paste the text instead.")
	default:
		return fromURL.invalid("The website could not be reached. Check the address, or try again later.")
	}
}

// resolverWorks reports whether the server's name resolution answers at
// all: it asks for the name servers of the DNS root, which exist whenever
// DNS works. A "no such host" for a site means a misspelt name only when
// this works; a resolver that answers "no such host" to everything (a
// machine with no route out) says nothing about the address.
func (f Fetcher) resolverWorks(ctx context.Context) bool {
	lookup := f.lookupNS
	if lookup == nil {
		lookup = func(ctx context.Context, name string) error {
			_, err := net.DefaultResolver.LookupNS(ctx, name)
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return lookup(ctx, ".") == nil
}

// hostOf returns the host (and port, if any) of the URL that a transport
// error is about, or "that address". The dialled IP address is never shown:
// it would tell a user what internal host names resolve to.
func hostOf(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			return u.Host
		}
	}
	return "that address"
}

// isTLSFailure reports whether err is a TLS handshake or record failure
// other than certificate verification.
func isTLSFailure(err error) bool {
	var rh tls.RecordHeaderError
	var alert tls.AlertError
	var echErr *tls.ECHRejectionError
	return errors.As(err, &rh) || errors.As(err, &alert) || errors.As(err, &echErr) || strings.Contains(err.Error(), "tls: ")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func statusError(code int) error {
	status := fmt.Sprintf("%d %s", code, http.StatusText(code))
	switch {
	case code == http.StatusNotFound || code == http.StatusGone:
		return fromURL.invalid("The website says there is no page at that address (%s). Check the address.", status)
	case code == http.StatusUnauthorized || code == http.StatusForbidden || code == http.StatusPaymentRequired:
		return fromURL.invalid("The website refused to show the page (%s). It may need a subscription or login, or block automatic fetching; paste the text instead.", status)
	case code == http.StatusTooManyRequests:
		return fromURL.invalid("The website is limiting requests (%s). Try again later.", status)
	case code >= 500:
		return fromURL.invalid("The website had a problem answering (%s). Try again later.", status)
	case code >= 400:
		return fromURL.invalid("The website could not answer that request (%s).", status)
	default:
		return fromURL.invalid("The website gave an unexpected answer (%s).", status)
	}
}

type kind int

const (
	kindUnknown kind = iota // no usable Content-Type
	kindHTML
	kindText
	kindOther
)

func contentKind(contentType string) (k kind, mediaType string, params map[string]string) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType == "" || mediaType == "application/octet-stream" {
		return kindUnknown, mediaType, params
	}
	switch mediaType {
	case "text/html", "application/xhtml+xml":
		return kindHTML, mediaType, params
	case "text/plain":
		return kindText, mediaType, params
	default:
		return kindOther, mediaType, params
	}
}

func (f Fetcher) timeout() time.Duration {
	if f.Timeout > 0 {
		return f.Timeout
	}
	return 15 * time.Second
}

func (f Fetcher) maxBytes() int64 {
	if f.MaxBytes > 0 {
		return f.MaxBytes
	}
	return models.MaxUploadBytes
}

func (f Fetcher) maxRedirects() int {
	switch {
	case f.MaxRedirects < 0:
		return 0
	case f.MaxRedirects == 0:
		return 5
	default:
		return f.MaxRedirects
	}
}

func (f Fetcher) userAgent() string {
	if f.UserAgent != "" {
		return f.UserAgent
	}
	return defaultUserAgent
}

// seconds formats a timeout for messages: "15 seconds", "1 second", "0.2 seconds".
func seconds(d time.Duration) string {
	if d == time.Second {
		return "1 second"
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.3f", d.Seconds()), "0"), ".") + " seconds"
}

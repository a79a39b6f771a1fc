package handlers

import (
	"net"

	"github.com/labstack/echo/v4"
)

// clientIP decides what c.RealIP() returns: the client address that
// throttling and logs use. By default it is the socket's peer, and
// X-Forwarded-For and X-Real-IP are ignored, since any client can send
// them. With trusted proxies (CLAIMDESK_TRUSTED_PROXIES), a request whose
// peer is one of them is taken from X-Forwarded-For: the nearest address
// that is not a trusted proxy. Echo would otherwise trust loopback,
// link-local and private peers by default; here only the ranges listed
// are trusted.
func clientIP(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

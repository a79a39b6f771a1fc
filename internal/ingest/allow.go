package ingest

import (
	"fmt"
	"net/netip"
	"strings"
)

// Private networks the fetcher may reach. By default it reaches only the
// public internet (blockedAddr). An administrator who keeps articles on an
// intranet lists its networks (the private_networks setting); each listed
// range lets those addresses through, and nothing else. Loopback,
// link-local, "this network" and the cloud metadata addresses are more
// dangerous than the rest (the server itself, its neighbours on the host,
// the cloud's credentials service): a range opens them only when it lies
// wholly inside them, so "10.0.0.0/8" or even "0.0.0.0/0" never reaches
// 127.0.0.1 or 169.254.169.254, and only "169.254.169.254/32" itself
// reaches the metadata service.

// sensitivePrefixes are opened only by a range inside the narrowest of
// them that holds the address.
var sensitivePrefixes = []netip.Prefix{
	netip.MustParsePrefix("127.0.0.0/8"),        // loopback
	netip.MustParsePrefix("::1/128"),            // loopback
	netip.MustParsePrefix("0.0.0.0/8"),          // "this network": 0.0.0.0 dials the host itself
	netip.MustParsePrefix("::/128"),             // unspecified
	netip.MustParsePrefix("169.254.0.0/16"),     // link-local
	netip.MustParsePrefix("fe80::/10"),          // link-local
	netip.MustParsePrefix("169.254.169.254/32"), // metadata: AWS, GCP, Azure, OpenStack, DigitalOcean, …
	netip.MustParsePrefix("169.254.170.2/32"),   // metadata: AWS ECS task credentials
	netip.MustParsePrefix("fd00:ec2::254/128"),  // metadata: AWS over IPv6
	netip.MustParsePrefix("100.100.100.200/32"), // metadata: Alibaba Cloud
	netip.MustParsePrefix("168.63.129.16/32"),   // Azure wire server (a public address)
}

// metadataAddr reports whether a is a cloud metadata address that is not
// already refused as non-public (Azure's wire server is a public address).
func metadataAddr(a netip.Addr) bool {
	return a == netip.MustParseAddr("168.63.129.16")
}

// ParseNetworks reads a list of CIDR ranges or addresses separated by
// commas, spaces or lines ("10.20.0.0/16, 192.168.7.12"). A bare address
// is a range of one; IPv4-mapped IPv6 ranges are read as IPv4.
func ParseNetworks(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' }) {
		var p netip.Prefix
		var err error
		if strings.Contains(f, "/") {
			p, err = netip.ParsePrefix(f)
		} else {
			var a netip.Addr
			a, err = netip.ParseAddr(f)
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if err != nil || strings.Contains(f, "%") {
			return nil, fmt.Errorf("%q is not an IP address or CIDR range (such as 10.20.0.0/16)", f)
		}
		if p.Addr().Is4In6() {
			if p.Bits() < 96 {
				return nil, fmt.Errorf("%q is not an IP address or CIDR range (such as 10.20.0.0/16)", f)
			}
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// FormatNetworks writes ranges back as ParseNetworks reads them.
func FormatNetworks(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

// allowed reports whether the allow-list lets a (not public) through.
func allowed(list []netip.Prefix, a netip.Addr) bool {
	a = canonicalAddr(a)
	narrowest := netip.Prefix{}
	for _, s := range sensitivePrefixes {
		if s.Contains(a) && (!narrowest.IsValid() || s.Bits() > narrowest.Bits()) {
			narrowest = s
		}
	}
	for _, p := range list {
		if !p.Contains(a) {
			continue
		}
		if narrowest.IsValid() && (p.Bits() < narrowest.Bits() || !narrowest.Contains(p.Addr())) {
			continue // a broad range never opens loopback, link-local or metadata
		}
		return true
	}
	return false
}

// canonicalAddr judges IPv4-mapped and NAT64 addresses by the IPv4 address inside.
func canonicalAddr(a netip.Addr) netip.Addr {
	a = a.WithZone("").Unmap()
	if a.Is6() && nat64.Contains(a) {
		b := a.As16()
		a = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	return a
}

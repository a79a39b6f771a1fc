package main

import (
	"fmt"
	"net"
	"strings"
)

// parseCIDRs reads a list of addresses and CIDR ranges separated by commas
// or spaces ("10.0.0.0/8, 192.0.2.7, 2001:db8::/32"); a bare address is a
// range of one.
func parseCIDRs(name, list string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		if !strings.Contains(f, "/") {
			ip := net.ParseIP(f)
			if ip == nil {
				return nil, fmt.Errorf("%s: %q is not an IP address or CIDR range (e.g. 10.0.0.0/8)", name, f)
			}
			bits := 128
			if ip4 := ip.To4(); ip4 != nil {
				ip, bits = ip4, 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not an IP address or CIDR range (e.g. 10.0.0.0/8)", name, f)
		}
		out = append(out, n)
	}
	return out, nil
}

package ingest

import (
	"testing"
)

// Which dialled addresses the fetcher refuses, for a given allow-list.
func TestAllowListNeverOpensLoopbackLinkLocalOrMetadataByAccident(t *testing.T) {
	tests := []struct {
		allow   string
		addr    string
		blocked bool
	}{
		// Nothing listed: only the public internet.
		{"", "93.184.215.14", false},
		{"", "10.1.2.3", true},
		{"", "127.0.0.1", true},
		{"", "169.254.169.254", true},
		{"", "168.63.129.16", true}, // Azure's wire server is a public address, refused all the same
		{"", "[::ffff:10.1.2.3]", true},

		// A private range opens that range only.
		{"10.0.0.0/8", "10.1.2.3", false},
		{"10.0.0.0/8", "[::ffff:10.1.2.3]", false},
		{"10.0.0.0/8", "[64:ff9b::a01:203]", false}, // NAT64 form of 10.1.2.3
		{"10.0.0.0/8", "192.168.1.1", true},
		{"10.0.0.0/8", "127.0.0.1", true},
		{"192.168.7.12", "192.168.7.12", false},
		{"192.168.7.12", "192.168.7.13", true},
		{"fc00::/7", "[fd12::1]", false},
		{"fc00::/7", "[fd00:ec2::254]", true}, // AWS metadata over IPv6 sits in fc00::/7: not opened by it

		// Broad ranges never open loopback, link-local or metadata.
		{"0.0.0.0/0", "10.1.2.3", false},
		{"0.0.0.0/0", "127.0.0.1", true},
		{"0.0.0.0/0", "0.0.0.0", true},
		{"0.0.0.0/0", "169.254.1.1", true},
		{"0.0.0.0/0", "169.254.169.254", true},
		{"0.0.0.0/0", "100.100.100.200", true},
		{"0.0.0.0/0", "168.63.129.16", true},
		{"::/0", "[::1]", true},
		{"::/0", "[fe80::1]", true},
		{"::/0", "[::ffff:127.0.0.1]", true},
		{"100.64.0.0/10", "100.100.100.200", true},

		// Listed explicitly, they open.
		{"127.0.0.0/8", "127.0.0.1", false},
		{"127.0.0.1", "127.0.0.1", false},
		{"127.0.0.1", "[::ffff:127.0.0.1]", false},
		{"::1", "[::1]", false},
		{"169.254.0.0/16", "169.254.1.1", false},
		{"169.254.0.0/16", "169.254.169.254", true}, // link-local listed, metadata still not
		{"169.254.169.254/32", "169.254.169.254", false},
		{"fe80::/10", "[fe80::1]", false},
	}
	for _, tt := range tests {
		list, err := ParseNetworks(tt.allow)
		if err != nil {
			t.Fatalf("ParseNetworks(%q): %v", tt.allow, err)
		}
		err = Fetcher{Allow: list}.checkDial("tcp", tt.addr+":80", nil)
		if got := err != nil; got != tt.blocked {
			t.Errorf("allow %q, dial %s: blocked = %v; want %v", tt.allow, tt.addr, got, tt.blocked)
		}
	}
}

func TestParseNetworks(t *testing.T) {
	got, err := ParseNetworks("10.20.0.0/16, 192.168.7.12\n2001:db8::/32 ::ffff:10.0.0.0/104 10.1.2.3/8")
	if err != nil {
		t.Fatal(err)
	}
	if s := FormatNetworks(got); s != "10.20.0.0/16, 192.168.7.12/32, 2001:db8::/32, 10.0.0.0/8, 10.0.0.0/8" {
		t.Fatalf("parsed %s", s)
	}
	for _, bad := range []string{"intranet.example", "10.0.0.0/33", "10.0.0", "fe80::1%eth0", "::ffff:10.0.0.0/64"} {
		if _, err := ParseNetworks(bad); err == nil {
			t.Errorf("ParseNetworks(%q) accepted it", bad)
		}
	}
}

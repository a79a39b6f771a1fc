package main

import (
	"strings"
	"testing"
)

func TestTrustedProxiesSetting(t *testing.T) {
	c, err := loadConfig(env(nil), nil)
	if err != nil || len(c.TrustedProxies) != 0 {
		t.Fatalf("default: %v, %v; want no trusted proxies", c.TrustedProxies, err)
	}
	c, err = loadConfig(env(map[string]string{"CLAIMDESK_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7 2001:db8::/32"}), nil)
	if err != nil || len(c.TrustedProxies) != 3 || c.TrustedProxies[1].String() != "192.0.2.7/32" || c.TrustedProxies[2].String() != "2001:db8::/32" {
		t.Fatalf("list: %v, %v", c.TrustedProxies, err)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example.org", "10.0.0"} {
		if _, err := loadConfig(env(map[string]string{"CLAIMDESK_TRUSTED_PROXIES": bad}), nil); err == nil || !strings.Contains(err.Error(), "CLAIMDESK_TRUSTED_PROXIES") {
			t.Errorf("%q: err = %v, want a message naming CLAIMDESK_TRUSTED_PROXIES", bad, err)
		}
	}
}

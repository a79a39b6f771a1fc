package compress

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestNegotiate(t *testing.T) {
	tests := []struct{ header, want string }{
		{"", ""},
		{"identity", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br", "br"},
		{"br;q=0, gzip", "gzip"},
		{"BR", "br"},
		{"gzip;q=0", ""},
		{"*", "br"},
		{"*;q=0, gzip", "gzip"},
		{"br;q=0.5, gzip;q=1", "br"}, // both accepted: brotli is smaller
		{"gzip;q=nonsense", ""},
		{"deflate", ""},
	}
	for _, tt := range tests {
		if got := Negotiate(tt.header); got != tt.want {
			t.Errorf("Negotiate(%q) = %q; want %q", tt.header, got, tt.want)
		}
	}
}

func TestCompressible(t *testing.T) {
	tests := []struct {
		ct   string
		want bool
	}{
		{"text/html; charset=utf-8", true},
		{"application/json", true},
		{"application/ld+json; charset=utf-8", true},
		{"application/atom+xml", true},
		{"text/css", true},
		{"text/javascript; charset=utf-8", true},
		{"image/svg+xml", true},
		{"image/png", false},
		{"application/zip", false},
		{"application/pdf", false},
		{"application/gzip", false},
		{"font/woff2", false},
		{"application/octet-stream", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Compressible(tt.ct); got != tt.want {
			t.Errorf("Compressible(%q) = %v; want %v", tt.ct, got, tt.want)
		}
	}
}

func TestWritersRoundTrip(t *testing.T) {
	body := []byte(strings.Repeat("The minister said the budget grew by nine per cent. ", 200))
	for _, enc := range []string{Brotli, Gzip} {
		for _, encoded := range [][]byte{encodeOnce(t, body, enc), Best(body, enc)} {
			if len(encoded) >= len(body)/4 {
				t.Errorf("%s: %d bytes from %d; want a quarter or less", enc, len(encoded), len(body))
			}
			if got := decode(t, encoded, enc); !bytes.Equal(got, body) {
				t.Errorf("%s: the round trip changed the body", enc)
			}
		}
	}
	if Best([]byte("x"), Gzip) != nil {
		t.Error("Best kept an encoding larger than the body")
	}
}

func encodeOnce(t *testing.T, body []byte, enc string) []byte {
	var buf bytes.Buffer
	w, done := NewWriter(&buf, enc)
	if _, err := w.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := done(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decode(t *testing.T, b []byte, enc string) []byte {
	t.Helper()
	var r io.Reader
	if enc == Brotli {
		r = brotli.NewReader(bytes.NewReader(b))
	} else {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

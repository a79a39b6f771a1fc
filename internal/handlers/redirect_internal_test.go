package handlers

import (
	"strings"
	"testing"
)

func TestLocalPath(t *testing.T) {
	tests := map[string]string{
		"/":                             "/",
		"/articles":                     "/articles",
		"/claims/12?tab=review#notes":   "/claims/12?tab=review#notes",
		"/articles?q=a%20b":             "/articles?q=a%20b",
		"/board?state=in_review&page=2": "/board?state=in_review&page=2",
		"/articles/\t12":                "/articles/12", // control characters removed

		"":                              "",
		"articles":                      "",
		"https://evil.example/":         "",
		"//evil.example/":               "",
		"/\\evil.example/":              "",
		"\\\\evil.example/":             "",
		"/\t/evil.example/":             "", // the reported case: browsers drop the tab
		"/\n/evil.example/":             "",
		"/\r\n/evil.example/":           "",
		"\t//evil.example/":             "",
		"/\x00/evil.example/":           "",
		"/\x7f/evil.example/":           "",
		"/\u0085/evil.example/":         "", // C1 control
		"/%2Fevil.example/":             "",
		"/%2fevil.example/":             "",
		"/%5Cevil.example/":             "",
		"/%09/evil.example/":            "",
		"/%252F%252Fevil.example":       "",
		"/%25252Fevil.example":          "",
		"/%zz":                          "",
		" /articles":                    "",
		"javascript:alert(1)":           "",
		"/" + strings.Repeat("a", 2001): "",
	}
	for in, want := range tests {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q; want %q", in, got, want)
		}
	}
}

package models

import (
	"strings"
	"testing"
)

func TestSearchForms(t *testing.T) {
	tests := map[string]string{
		"running": "running run", "damaged": "damaged damag", "studies": "studies study studi", "elections": "elections election",
		"unemployment": "unemployment unemploy", "taxes": "taxes tax", "states": "states state", "status": "status", "press": "press",
		"quickly": "quickly quick", "regulations": "regulations regul", "putin": "putin", "is": "is", "impôts": "impôts impôt",
	}
	for w, want := range tests {
		if got := strings.Join(SearchForms(w), " "); got != want {
			t.Errorf("SearchForms(%q) = %q, want %q", w, got, want)
		}
	}
	if got := strings.Join(SearchWords(`"Putin" OR NEAR(inter*fere) -x:y 1 2 3 4 5 6 7`), " "); got != "putin or near inter fere x y 1" {
		t.Errorf("SearchWords = %q", got)
	}
}

package views

import "testing"

func TestHighlight(t *testing.T) {
	render := func(ps []Piece) string {
		s := ""
		for _, p := range ps {
			if p.Match {
				s += "[" + p.Text + "]"
			} else {
				s += p.Text
			}
		}
		return s
	}
	tests := []struct{ text, q, want string }{
		{"The Russian state has never interfered.", "russ interfere", "The [Russian] state has never [interfered]."},
		{"Running marathons damages the heart", "run damage", "[Running] marathons [damages] the heart"},
		{"He runs; she ran.", "running", "He [runs]; she ran."},
		{"Président Macron a dit", "président", "[Président] Macron a dit"},
		{"<script>alert(1)</script>", "script", "<[script]>alert(1)</[script]>"},
		{"no query here", "", "no query here"},
		{"prefix only at the start: unstated", "state", "prefix only at the start: unstated"},
	}
	for _, tt := range tests {
		if got := render(Highlight(tt.text, tt.q)); got != tt.want {
			t.Errorf("Highlight(%q, %q) = %q, want %q", tt.text, tt.q, got, tt.want)
		}
	}
}

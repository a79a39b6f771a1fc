package reanchor

import "testing"

func TestZZRepro(t *testing.T) {
	old := "Officials said ⟦prices rose sharply⟧ in March.\n\nAnalysts expect a calm summer."
	nw := "Traders said prices rose sharply on Tuesday after the storm.\n\nOfficials said costs climbed in March.\n\nAnalysts expect a calm summer."
	oldText, c := claimFrom(t, old)
	t.Logf("%q %q", c.Prefix, c.Suffix)
	e := newEngine(oldText, nw)
	o, n := []rune(oldText), []rune(nw)
	for _, b := range e.diff.blocks {
		t.Logf("block o=%d n=%d l=%d %q | %q", b.o, b.n, b.l, string(o[b.o:b.o+b.l]), string(n[b.n:b.n+b.l]))
	}
	k, dd, h := e.contextKept(c.Start, c.End, 13, 32); t.Log(dd)
	t.Logf("kept %v %v", k, h)
	got := Reanchor(oldText, nw, []Claim{c})[0]
	t.Logf("%+v", got)
}

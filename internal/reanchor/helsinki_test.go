package reanchor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
)

// TestHelsinkiAcceptance is the acceptance case on the article the
// product was first asked to handle: mark Putin's denial and the
// indictment, move a paragraph and reword the indictment sentence. Putin's
// claim stays anchored at new offsets; the indictment is changed.
func TestHelsinkiAcceptance(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(corpusDir(t), "helsinki-summit.txt"))
	if err != nil {
		t.Skipf("shared corpus absent: %v", err)
	}
	old := plainCanonical(string(b))
	const (
		putin      = "The Russian state has never interfered and is not going to interfere in internal American affairs including the election process"
		indictment = "a grand jury indicted 12 Russian intelligence officers"
		reworded   = "a federal grand jury indicted 12 officers of Russia's military intelligence agency"
	)
	// Move the "Trump said "I addressed the issue..." paragraph, which comes
	// before Putin's, to the end, and reword the indictment.
	ps := paragraphs(old)
	moved := -1
	for i, p := range ps {
		if strings.HasPrefix(p, `Trump said "I addressed the issue`) {
			moved = i
		}
	}
	if moved < 0 {
		t.Fatal(`paragraph "Trump said "I addressed the issue..." not found`)
	}
	rest := append(append([]string{}, ps[:moved]...), ps[moved+1:]...)
	nw := join(append(rest, ps[moved]))
	nw = replace(t, nw, indictment, reworded)

	_, cPutin := claimFrom(t, mark(t, old, putin, 0))
	_, cIndict := claimFrom(t, mark(t, old, indictment, 0))
	cPutin.ID, cIndict.ID = 1, 2
	got := Reanchor(old, nw, []Claim{cPutin, cIndict})
	for _, r := range got {
		checkInvariants(t, nw, r)
	}
	wantPutin := len([]rune(nw[:strings.Index(nw, putin)]))
	if g := got[0]; g.State != models.AnchorAnchored || g.Start != wantPutin || g.Quote != putin {
		t.Errorf("Putin's claim = %s [%d,%d) %q (%s), want anchored at %d", g.State, g.Start, g.End, g.Quote, g.Reason, wantPutin)
	}
	if got[0].Start == cPutin.Start {
		t.Errorf("Putin's claim kept its old offset %d; the move should have shifted it", cPutin.Start)
	}
	if g := got[1]; g.State != models.AnchorChanged || g.Quote != reworded {
		t.Errorf("indictment = %s %q (%s), want changed %q", g.State, g.Quote, g.Reason, reworded)
	}
	// The baseline also finds Putin (exact quote), but only by search.
	if h := hypothesisAnchor(old, nw, cPutin); h.Quote != putin {
		t.Logf("hypothesis baseline: Putin = %s %q", h.State, h.Quote)
	}
}

package views

import (
	"context"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
)

// The hand-written list must write exactly what the StateBadge and
// VerdictBadge components write elsewhere, with the same escaping.
func TestClaimListMarkup(t *testing.T) {
	for _, s := range models.States {
		var want strings.Builder
		if err := StateBadge(s).Render(context.Background(), &want); err != nil {
			t.Fatal(err)
		}
		var got strings.Builder
		writeStateBadge(&got, s)
		if got.String() != want.String() {
			t.Errorf("state %s: list writes %s, StateBadge %s", s, got.String(), want.String())
		}
	}
	for _, v := range []*models.Verdict{nil, {Label: `Mostly <false> & "odd"`, Colour: "#a40e26"}} {
		var want, got strings.Builder
		if err := VerdictBadge(v).Render(context.Background(), &want); err != nil {
			t.Fatal(err)
		}
		writeVerdictBadge(&got, v)
		if got.String() != want.String() {
			t.Errorf("verdict %v: list writes %s, VerdictBadge %s", v, got.String(), want.String())
		}
	}
	var page strings.Builder
	cl := models.Claimant{Name: "Ana <O'Neil>"}
	items := []ClaimItem{{Num: 1, ClaimDetail: models.ClaimDetail{Claim: models.Claim{ID: 7, Quote: `<script>alert(1)</script>`, Summary: "a & b",
		Type: models.ClaimTypes[0], State: models.StateNew, AnchorState: models.AnchorChanged}, Claimant: &cl}}}
	if err := claimList(items).Render(context.Background(), &page); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="claim-7"`, `&lt;script&gt;alert(1)&lt;/script&gt;`, `Ana &lt;O&#39;Neil&gt;`, `a &amp; b`,
		`<span class="badge anchor-changed">Text changed</span>`, `<span class="nosource">No sources</span>`, `Open<span class="visually-hidden"> claim 1</span>`} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("list lacks %s:\n%s", want, page.String())
		}
	}
	if strings.Contains(page.String(), "<script>") {
		t.Error("a quote was written unescaped")
	}
}

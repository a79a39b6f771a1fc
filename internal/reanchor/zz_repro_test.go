package reanchor

import "testing"

func TestZZRepro(t *testing.T) {
	for _, tc := range [][2]string{
		{"Officials said ⟦prices rose sharply⟧ in March.\n\nAnalysts expect a calm summer.", "Officials said prices rose sharply on Tuesday after the storm.\n\nOfficials said costs climbed in March.\n\nAnalysts expect a calm summer."},
		{"Officials said ⟦prices rose sharply⟧ in March.\n\nAnalysts expect a calm summer.", "Officials said costs climbed in March.\n\nOfficials said prices rose sharply on Tuesday after the storm.\n\nAnalysts expect a calm summer."},
		{"Officials said ⟦prices rose sharply across the whole region⟧ in March.\n\nAnalysts expect a calm summer.", "Traders said prices rose sharply across the whole region on Tuesday after the storm.\n\nOfficials said costs climbed in March.\n\nAnalysts expect a calm summer."},
		{"Markets opened higher. Officials said ⟦prices rose sharply⟧ in March.\n\nAnalysts expect a calm summer.", "Markets opened higher. Traders said prices rose sharply. Officials said costs rose in March.\n\nAnalysts expect a calm summer."},
		{"Markets opened higher. Officials said ⟦prices rose sharply⟧ in March.\n\nAnalysts expect a calm summer.", "Markets opened higher. Officials said prices rose sharply. In March, costs rose.\n\nAnalysts expect a calm summer."},
		{"Police said ⟦twelve people were hurt⟧ when a crowd gathered outside the office.", "Police said twelve people were hurt. A crowd gathered outside the office."},
		{"Police said ⟦twelve people were hurt⟧ when a crowd gathered outside the office.", "Officers reported that twelve people were hurt, two seriously, when a crowd gathered outside the office."},
	} {
		oldText, c := claimFrom(t, tc[0])
		got := Reanchor(oldText, tc[1], []Claim{c})[0]
		t.Logf("%s %q [%d,%d) %.2f %s", got.State, got.Quote, got.Start, got.End, got.Score, got.Reason)
	}
}

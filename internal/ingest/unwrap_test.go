package ingest

import (
	"strings"
	"testing"
)

// wrapAt hard-wraps each paragraph of s (separated by "\n\n") at width,
// as an editor or a text export does, separating paragraphs with sep.
func wrapAt(s string, width int, sep string) string {
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		var lines []string
		line := ""
		for _, w := range strings.Fields(p) {
			if line != "" && len([]rune(line))+1+len([]rune(w)) > width {
				lines = append(lines, line)
				line = w
				continue
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		lines = append(lines, line)
		out = append(out, strings.Join(lines, "\n"))
	}
	return strings.Join(out, sep)
}

const prose = "The council voted on Tuesday to close the library on Sundays, saying the saving of £40,000 a year outweighed the loss. Opponents said the figure was never published and that the vote was rushed through in eleven minutes. " +
	"The mayor, who chaired the meeting, declined to answer questions afterwards."

const prose2 = "A spokesperson for the council said the decision would be reviewed in a year. Library staff were told of the change by e-mail an hour before the public announcement, according to two people present."

func TestUnwrap(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"wrapped paragraphs with blank lines", wrapAt(prose+"\n\n"+prose2, 60, "\n\n"), prose + "\n\n" + prose2},
		{"wrapped paragraphs without blank lines", wrapAt(prose+"\n\n"+prose2, 60, "\n"), prose + "\n\n" + prose2},
		{"wrapped at 72 with CRLF", strings.ReplaceAll(wrapAt(prose, 72, "\n"), "\n", "\r\n"), prose},
		{"indented first lines start paragraphs", "    " + strings.ReplaceAll(wrapAt(prose+"\n\n"+prose2, 60, "\n    "), "\n    ", "\n    "), prose + "\n\n" + prose2},
		{"not wrapped: short lines are kept", "Jane Doe\n12 High Street\nLeeds\nLS1 4AB", "Jane Doe\n12 High Street\nLeeds\nLS1 4AB"},
		{"not wrapped: one line per paragraph", prose + "\n" + prose2 + "\n" + prose, prose + "\n" + prose2 + "\n" + prose},
		{"a short title line before wrapped text", "Library to close on Sundays\n" + wrapAt(prose, 60, ""), "Library to close on Sundays\n\n" + prose},
		{"hyphenation undone",
			"The council said its informa-\ntion was accurate and that the library would close on Sun-\ndays from the first week of the new financial year, in April.\nThe vote was unanimous, the council said in a statement.",
			"The council said its information was accurate and that the library would close on Sundays from the first week of the new financial year, in April. The vote was unanimous, the council said in a statement."},
		{"a capital after a line-end hyphen",
			wrapAt(prose, 60, "") + "\nThe plan, the council said, had its roots in Anglo-\nSaxon law, and that the library had unique properties-\nOn Tuesday the vote was taken by a show of hands.",
			prose + "\n\nThe plan, the council said, had its roots in Anglo-Saxon law, and that the library had unique properties- On Tuesday the vote was taken by a show of hands."},
		{"real hyphens kept",
			"The library, which the council described as a well-\nknown landmark of the town centre since its opening in 1904, is a two-\nstorey building that the council describes as a low-\ncost site to run, though the repairs it needs will be expensive.",
			"The library, which the council described as a well-known landmark of the town centre since its opening in 1904, is a two-storey building that the council describes as a low-cost site to run, though the repairs it needs will be expensive."},
		{"the document's own words decide",
			"Campaigners said the fundraising campaign had raised enough for a year of Sunday open-\nings already, and that the figures were on the campaign website.\nThe council said it had not seen the fundraising accounts. Fund-\nraising continues.",
			"Campaigners said the fundraising campaign had raised enough for a year of Sunday openings already, and that the figures were on the campaign website.\n\nThe council said it had not seen the fundraising accounts. Fundraising continues."},
		{"list items stay paragraphs",
			wrapAt(prose, 60, "") + "\n- the library closes on Sundays\n- opening hours on Saturday are cut\n- two posts are lost\n" + wrapAt(prose2, 60, ""),
			prose + "\n\n- the library closes on Sundays\n\n- opening hours on Saturday are cut\n\n- two posts are lost\n\n" + prose2},
		{"a dash after a full line continues the sentence",
			wrapAt(prose, 60, "") + "\nThe council said the library would close on Sundays and\n- in a change announced later - on bank holidays, from April,\nwhen the new financial year begins and the budget is set again.",
			prose + "\n\nThe council said the library would close on Sundays and - in a change announced later - on bank holidays, from April, when the new financial year begins and the budget is set again."},
		{"a blank line inside a sentence is a page break",
			wrapAt(prose, 60, "") + "\nThe decision would be reviewed, the\n\ncouncil said, in a year's time when the figures were known.\n",
			prose + "\n\nThe decision would be reviewed, the council said, in a year's time when the figures were known."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Canonical(Unwrap(tt.in)); got != tt.want {
				t.Errorf("Unwrap(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFromTextUnwrapsCorpusQuote(t *testing.T) {
	// The case from issue 13: a quote that crossed a line break of the ODT
	// export is one line of one paragraph once uploaded.
	in := "For some, just the idea of tracking steps and calories is enough\nto make them exercise - but many of us need much more of an\nincentive. So designers in Austin have created a concept app\nthat rewards you for working out by turning your heart rate\ndata into virtual currency.\n"
	d, err := FromText([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := "much more of an incentive"; !strings.Contains(d.Text, want) {
		t.Errorf("Text = %q, want it to contain %q", d.Text, want)
	}
}

func BenchmarkUnwrap1MB(b *testing.B) {
	para := wrapAt(prose+" "+prose2+" The informa-\ntion desk.", 64, "\n")
	var sb strings.Builder
	for sb.Len() < 1<<20 {
		sb.WriteString(para)
		sb.WriteString("\n\n")
	}
	in := sb.String()
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Unwrap(in)
	}
}

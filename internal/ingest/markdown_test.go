package ingest

import (
	"testing"
)

func TestFromMarkdown(t *testing.T) {
	tests := []struct {
		name, in         string
		wantTitle, wantT string
	}{
		{
			name:      "ATX headings, first level-1 is the title",
			in:        "## Kicker\n\n# Summit in *Helsinki* #\n\nBody.\n\n# Second H1",
			wantTitle: "Summit in Helsinki",
			wantT:     "Kicker\n\nSummit in Helsinki\n\nBody.\n\nSecond H1",
		},
		{
			name:      "setext headings",
			in:        "Big Title\n=========\n\nSub\n---\n\nText.",
			wantTitle: "Big Title",
			wantT:     "Big Title\n\nSub\n\nText.",
		},
		{
			name:      "no level-1 heading: the first heading is the title",
			in:        "### Minor\nText\n\n## Later",
			wantTitle: "Minor",
			wantT:     "Minor\n\nText\n\nLater",
		},
		{
			name:  "hashtag is not a heading",
			in:    "#factcheck trending",
			wantT: "#factcheck trending",
		},
		{
			name:  "emphasis markers removed",
			in:    "This is **bold**, *italic*, __strong__, _em_, ***both*** and ~~struck~~.",
			wantT: "This is bold, italic, strong, em, both and struck.",
		},
		{
			name:  "intraword underscores and arithmetic kept",
			in:    "snake_case_name and 2 * 3 * 4 and file_name_v2",
			wantT: "snake_case_name and 2 * 3 * 4 and file_name_v2",
		},
		{
			name:  "links keep their text, images dropped",
			in:    "See [the report](https://example.org/r?a=(1)) and ![chart](c.png \"Chart\") [a ref][r1] <https://example.com/x>.\n\n[r1]: https://example.org/ref",
			wantT: "See the report and a ref https://example.com/x.",
		},
		{
			name:  "shortcut reference link",
			in:    "Read [the ruling] today.\n\n[the ruling]: https://court.example/ruling",
			wantT: "Read the ruling today.",
		},
		{
			name:  "brackets without a definition stay",
			in:    "He said [sic] it.",
			wantT: "He said [sic] it.",
		},
		{
			name:  "bullet list items become paragraphs",
			in:    "Findings:\n- first *point*\n- second point\n  continued\n* third\n+ fourth\n- [x] done",
			wantT: "Findings:\n\nfirst point\n\nsecond point continued\n\nthird\n\nfourth\n\ndone",
		},
		{
			name:  "ordered list",
			in:    "1. one\n2. two\n10) ten",
			wantT: "one\n\ntwo\n\nten",
		},
		{
			name:  "a year at a line start does not interrupt a paragraph",
			in:    "Unemployment peaked in\n2009. That year it fell.",
			wantT: "Unemployment peaked in 2009. That year it fell.",
		},
		{
			name:  "code fence kept as text",
			in:    "Before\n\n```go\nfx := *p\n  return **x**\n```\n\nAfter `a*b*c` done",
			wantT: "Before\n\nfx := *p\nreturn **x**\n\nAfter a*b*c done",
		},
		{
			name:  "tilde fence and unclosed fence",
			in:    "~~~\n# not a heading\n~~~\ntext\n```\nopen _x_",
			wantT: "# not a heading\n\ntext\n\nopen _x_",
		},
		{
			name:  "block quote",
			in:    "Intro\n> Quoted *line*\n> continues\n\nOutro",
			wantT: "Intro\n\nQuoted line continues\n\nOutro",
		},
		{
			name:  "soft and hard line breaks",
			in:    "soft\nbreak, hard  \nbreak, slash\\\nbreak<br>html",
			wantT: "soft break, hard\nbreak, slash\nbreak\nhtml",
		},
		{
			name:  "escapes and entities",
			in:    `\*not emphasis\* \_nor this\_ AT&amp;T &ldquo;quoted&rdquo; 5 \> 3`,
			wantT: "*not emphasis* _nor this_ AT&T “quoted” 5 > 3",
		},
		{
			name:  "thematic breaks",
			in:    "one\n\n***\n\ntwo\n\n- - -\n\nthree",
			wantT: "one\n\ntwo\n\nthree",
		},
		{
			name:  "inline HTML removed, script block dropped",
			in:    "Text with <span class=\"x\">span</span>.\n\n<script>\nalert('x')\n</script>\n\n<!-- note\nhidden -->\nEnd",
			wantT: "Text with span.\n\nEnd",
		},
		{
			name:      "front matter removed, its title used",
			in:        "---\ntitle: \"From front matter\"\ndate: 2018-07-16\n---\nBody text.",
			wantTitle: "From front matter",
			wantT:     "Body text.",
		},
		{
			name:  "unicode preserved",
			in:    "Caf\u0065\u0301 “quoted” 👨\u200D👩\u200D👧",
			wantT: "Caf\u00E9 “quoted” 👨\u200D👩\u200D👧",
		},
		{
			name:  "tables stay as text",
			in:    "| a | b |\n|---|---|\n| 1 | 2 |",
			wantT: "| a | b | |---|---| | 1 | 2 |",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromMarkdown([]byte(tt.in))
			if err != nil {
				t.Fatalf("FromMarkdown: %v", err)
			}
			if got.Text != tt.wantT {
				t.Errorf("FromMarkdown(%q).Text = %q, want %q", tt.in, got.Text, tt.wantT)
			}
			if got.Title != tt.wantTitle {
				t.Errorf("FromMarkdown(%q).Title = %q, want %q", tt.in, got.Title, tt.wantTitle)
			}
			if got.HTML != "" {
				t.Errorf("FromMarkdown(%q).HTML = %q, want \"\"", tt.in, got.HTML)
			}
		})
	}
}

func TestFromMarkdownRefuses(t *testing.T) {
	tests := []struct {
		name      string
		in        []byte
		fragments []string
	}{
		{"empty", nil, []string{"no text"}},
		{"only markup", []byte("---\n\n***\n\n![img](x.png)\n\n[r]: https://x.example"), []string{"no text"}},
		{"Latin-1", []byte("# Caf\xe9"), []string{"UTF-8"}},
		{"binary", []byte("\x00\x01#"), []string{"binary"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromMarkdown(tt.in)
			wantInvalid(t, err, "text", tt.fragments...)
		})
	}
}

func FuzzFromMarkdown(f *testing.F) {
	for _, s := range []string{"# T\n\n*a* _b_ `c` [d](e) ![f](g)", "```\nx\n", "> q\n- i\n1. o", "\\`a``b`", "---\ntitle: x\n---\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		doc, err := FromMarkdown([]byte(in))
		if err != nil {
			return
		}
		if problem := checkCanonicalForm(doc.Text); problem != "" {
			t.Fatalf("FromMarkdown(%q).Text = %q: %s", in, doc.Text, problem)
		}
	})
}

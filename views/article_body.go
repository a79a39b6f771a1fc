package views

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// articleBody writes the paragraphs by hand rather than through templ
// markup: the page's script computes selection offsets from the body's
// textContent, so not one byte of whitespace may be added between
// segments. Claim numbers are drawn by CSS (data-num), outside textContent.
func articleBody(paras []ParagraphView) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		var b strings.Builder
		for _, p := range paras {
			b.WriteString(`<p data-start="`)
			b.WriteString(strconv.Itoa(p.Start))
			b.WriteString(`" data-start16="`)
			b.WriteString(strconv.Itoa(p.Start16))
			b.WriteString(`">`)
			for _, s := range p.Segments {
				if s.ClaimIDs == "" {
					b.WriteString(templ.EscapeString(s.Text))
					continue
				}
				b.WriteString(`<mark class="`)
				b.WriteString(markClass(s))
				b.WriteString(`" data-claims="`)
				b.WriteString(s.ClaimIDs)
				b.WriteString(`" aria-describedby="`)
				b.WriteString(s.Describe)
				b.WriteString(`"`)
				if s.Num != "" {
					b.WriteString(` data-num="`)
					b.WriteString(s.Num)
					b.WriteString(`"`)
				}
				b.WriteString(`>`)
				b.WriteString(templ.EscapeString(s.Text))
				b.WriteString(`</mark>`)
			}
			b.WriteString("</p>\n")
		}
		_, err := io.WriteString(w, b.String())
		return err
	})
}

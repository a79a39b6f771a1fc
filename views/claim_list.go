package views

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/claimdesk/claimdesk/internal/models"
)

// claimList writes the reading page's side list by hand, like articleBody:
// an article can carry 500 claims, and one templ component call per badge
// cost more than the rest of the list. The markup is StateBadge's and
// VerdictBadge's; TestClaimListMarkup pins it.
func claimList(items []ClaimItem) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		var b strings.Builder
		b.Grow(len(items) * 700)
		for _, c := range items {
			id, num := strconv.FormatInt(c.ID, 10), strconv.Itoa(c.Num)
			b.WriteString(`<li class="claim-item" id="claim-`)
			b.WriteString(id)
			b.WriteString(`" data-claim="`)
			b.WriteString(id)
			b.WriteString(`" tabindex="0"><div class="line"><span class="num">`)
			b.WriteString(num)
			b.WriteString(`.</span>`)
			writeStateBadge(&b, c.State)
			writeVerdictBadge(&b, c.Verdict)
			if c.AnchorState != models.AnchorAnchored {
				b.WriteString(`<span class="badge anchor-`)
				b.WriteString(templ.EscapeString(string(c.AnchorState)))
				b.WriteString(`">Text `)
				b.WriteString(templ.EscapeString(string(c.AnchorState)))
				b.WriteString(`</span>`)
			}
			if c.ReverifySince != nil {
				b.WriteString(`<span class="badge reverify" data-testid="list-reverification">Under re-verification since `)
				b.WriteString(c.ReverifySince.Format("2 January 2006"))
				b.WriteString(`</span>`)
			}
			b.WriteString(`</div><p class="quote">`)
			b.WriteString(templ.EscapeString(c.Quote))
			b.WriteString(`</p>`)
			if c.Summary != "" {
				b.WriteString(`<p class="small"><strong>Summary:</strong> `)
				b.WriteString(templ.EscapeString(c.Summary))
				b.WriteString(`</p>`)
			}
			b.WriteString(`<div class="line"><span>`)
			if c.Claimant != nil {
				b.WriteString(templ.EscapeString(c.Claimant.Name))
			} else {
				b.WriteString(`No claimant`)
			}
			b.WriteString(`</span> <span>`)
			b.WriteString(templ.EscapeString(string(c.Type)))
			b.WriteString(`</span> `)
			if c.EvidenceCount == 0 {
				b.WriteString(`<span class="nosource">No sources</span>`)
			} else {
				b.WriteString(`<span>`)
				b.WriteString(plural(c.EvidenceCount, "source", "sources"))
				b.WriteString(`</span>`)
			}
			b.WriteString(` <a class="open" href="/claims/`)
			b.WriteString(id)
			b.WriteString(`">Open<span class="visually-hidden"> claim `)
			b.WriteString(num)
			b.WriteString(`</span></a></div></li>`)
		}
		_, err := io.WriteString(w, b.String())
		return err
	})
}

// writeStateBadge writes StateBadge's markup.
func writeStateBadge(b *strings.Builder, s models.State) {
	b.WriteString(`<span class="badge state-`)
	b.WriteString(templ.EscapeString(string(s)))
	b.WriteString(`">`)
	b.WriteString(templ.EscapeString(s.Label()))
	b.WriteString(`</span>`)
}

// writeVerdictBadge writes VerdictBadge's markup (nothing without a verdict).
func writeVerdictBadge(b *strings.Builder, v *models.Verdict) {
	if v == nil {
		return
	}
	b.WriteString(`<span class="badge"><svg class="swatch" width="10" height="10" aria-hidden="true"><rect width="10" height="10" rx="2" fill="`)
	b.WriteString(templ.EscapeString(v.Colour))
	b.WriteString(`"></rect></svg>`)
	b.WriteString(templ.EscapeString(v.Label))
	b.WriteString(`</span>`)
}

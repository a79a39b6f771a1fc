package export

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/claimdesk/claimdesk/internal/anchor"
	"github.com/claimdesk/claimdesk/internal/models"
)

//go:embed html.tmpl
var htmlSource string

//go:embed html.css
var htmlCSS string

// htmlPage is parsed once. html/template escapes every value by context
// (text, attribute, URL, CSS), so user text can never become markup.
var htmlPage = template.Must(template.New("article.html").Parse(htmlSource))

// colourRE is the only form of verdict colour the page uses; anything else
// is dropped rather than passed into CSS.
var colourRE = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// WriteHTML writes the article as one self-contained HTML page: inline CSS
// (with print and dark-mode rules), no script, no images, fonts or other
// external loads (a Content-Security-Policy meta tag forbids them as a second
// line of defence). Each claim is highlighted with a <mark> carrying its
// number; overlapping claims become flat segments marked with every number
// covering them. Each claim gets a footnote with its claimant, verdict and
// explanation, state (always as words, never by colour alone) and evidence.
// Internal notes and rationale are left out: this file is meant to be shared.
func WriteHTML(w io.Writer, d Document) error {
	t := anchor.NewText(d.Article.Text)
	v := htmlViewOf(d, t)
	var b strings.Builder
	if err := htmlPage.Execute(&b, v); err != nil {
		return fmt.Errorf("export: render html: %w", err)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type htmlView struct {
	CSS         template.CSS
	Lang        string
	Title       string
	Count       string
	Meta        string
	Source      string
	Paragraphs  [][]htmlPiece
	Claims      []htmlClaim
	Newsroom    string
	NewsroomURL string
	Footer      string // after the newsroom's name
}

type htmlPiece struct {
	Text  string
	Nums  string // "1 2"
	Class string
	Label string
	Refs  []int
}

type htmlClaim struct {
	N           int
	Placed      bool
	Type        string
	State       string
	StateCode   string
	Quote       string
	Notice      string
	Summary     string
	Claimant    string
	ClaimedAt   string
	Verdict     string
	Colour      string
	Explanation string
	Evidence    []htmlEvidence
	Appearances []htmlAppearance
	Corrections []htmlCorrection
}

// htmlCorrection is a public correction or withdrawal note with its date.
type htmlCorrection struct {
	Kind, Date, Note string
}

type htmlEvidence struct {
	Stance  string
	Title   string
	URL     string
	Details string
	Passage string
	Note    string
	Archive string
}

type htmlAppearance struct {
	URL   string
	First bool
}

func htmlViewOf(d Document, t *anchor.Text) htmlView {
	a := d.Article
	es := d.entries(t)
	l := lay(t, es)
	v := htmlView{
		CSS:   template.CSS(htmlCSS),
		Lang:  d.lang(),
		Title: oneLine(a.Title),
		Count: countLine(d.Claims),
		Meta:  metaLine(a),
	}
	if v.Title == "" {
		v.Title = "Untitled article"
	}
	if u, ok := webURL(a.SourceURL); ok {
		v.Source = u
	}
	for _, p := range l.paras {
		hp := make([]htmlPiece, len(p))
		for i, pc := range p {
			hp[i] = htmlPiece{Text: pc.text, Refs: pc.refs}
			if len(pc.nums) > 0 {
				hp[i].Nums = joinInts(pc.nums, " ")
				hp[i].Label = claimsLabel(pc.nums)
				hp[i].Class = "claim"
				if len(pc.nums) > 1 {
					hp[i].Class = "claim overlap"
				}
			}
		}
		v.Paragraphs = append(v.Paragraphs, hp)
	}
	for _, e := range es {
		e.placed = e.placed && l.shown[e.n]
		v.Claims = append(v.Claims, htmlClaimOf(d, e))
	}
	v.Newsroom = oneLine(d.Newsroom.Name)
	v.Footer = footerWhen(d)
	if u, ok := webURL(d.Newsroom.URL); ok {
		v.NewsroomURL = u
	}
	return v
}

func htmlClaimOf(d Document, e entry) htmlClaim {
	c := e.c
	hc := htmlClaim{
		N:         e.n,
		Placed:    e.placed,
		Type:      typeLabel(c.Type),
		State:     c.State.Label(),
		StateCode: string(c.State),
		Quote:     c.Quote,
		Notice:    anchorNote(e),
		Summary:   c.Summary,
		Claimant:  claimantLine(c.Claimant),
		ClaimedAt: longDay(c.ClaimedAt),
	}
	if c.Verdict != nil {
		hc.Verdict = oneLine(c.Verdict.Label)
		if colourRE.MatchString(c.Verdict.Colour) {
			hc.Colour = c.Verdict.Colour
		}
		hc.Explanation = c.Explanation
	}
	for _, ev := range d.Evidence[c.ID] {
		he := htmlEvidence{
			Stance:  stanceLabel(ev.Stance),
			Title:   sourceTitle(ev.Source),
			Details: sourceDetails(ev.Source),
			Passage: ev.Passage,
			Note:    ev.Note,
		}
		he.URL, _ = webURL(ev.Source.URL)
		he.Archive, _ = webURL(ev.Source.ArchiveURL)
		hc.Evidence = append(hc.Evidence, he)
	}
	for _, ap := range d.Appearances[c.ID] {
		if u, ok := webURL(ap.URL); ok {
			hc.Appearances = append(hc.Appearances, htmlAppearance{URL: u, First: ap.First})
		}
	}
	for _, co := range d.Corrections[c.ID] {
		kind := "Correction"
		if co.Kind == models.CorrectionWithdrawal {
			kind = "Withdrawn"
		}
		hc.Corrections = append(hc.Corrections, htmlCorrection{Kind: kind, Date: co.CreatedAt.UTC().Format("2 January 2006"), Note: co.Note})
	}
	return hc
}

// sourceTitle is a source's title, or its URL when it has none.
func sourceTitle(s models.Source) string {
	if t := oneLine(s.Title); t != "" {
		return t
	}
	if t := oneLine(s.URL); t != "" {
		return t
	}
	return "Untitled source"
}

// sourceDetails is "Publisher, 20 February 2026".
func sourceDetails(s models.Source) string {
	var parts []string
	if p := oneLine(s.Publisher); p != "" {
		parts = append(parts, p)
	}
	if dt := longDay(s.PublishedAt); dt != "" {
		parts = append(parts, dt)
	}
	return strings.Join(parts, ", ")
}

// metaLine is "By Byline · Outlet · 3 March 2026".
func metaLine(a models.Article) string {
	var parts []string
	if b := oneLine(a.Byline); b != "" {
		if !strings.HasPrefix(strings.ToLower(b), "by ") {
			b = "By " + b
		}
		parts = append(parts, b)
	}
	if o := oneLine(a.Outlet); o != "" {
		parts = append(parts, o)
	}
	if p := longDay(a.PublishedAt); p != "" {
		parts = append(parts, p)
	}
	return strings.Join(parts, " · ")
}

// countLine is "3 claims, 1 with a verdict".
func countLine(cs []models.ClaimDetail) string {
	rated := 0
	for _, c := range cs {
		if c.Verdict != nil {
			rated++
		}
	}
	s := plural(len(cs), "claim", "claims")
	if len(cs) > 0 {
		s += ", " + strconv.Itoa(rated) + " with a verdict"
	}
	return s
}

// footerLine says who exported the page, when, and from which revision.
func footerLine(d Document) string {
	s := "Exported from Claimdesk"
	if n := oneLine(d.Newsroom.Name); n != "" {
		s += " by " + n
	}
	return s + footerWhen(d)
}

// footerWhen is the end of footerLine: when and from which revision.
func footerWhen(d Document) string {
	var s string
	if !d.Generated.IsZero() {
		s += " on " + d.Generated.UTC().Format("2 January 2006 at 15:04 UTC")
	}
	if d.Article.Revision > 0 {
		s += ", from revision " + strconv.Itoa(d.Article.Revision) + " of the article"
	}
	return s + "."
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// claimsLabel is "Claim 1", "Claims 1 and 2" or "Claims 1, 2 and 3".
func claimsLabel(nums []int) string {
	if len(nums) == 1 {
		return "Claim " + strconv.Itoa(nums[0])
	}
	head := joinInts(nums[:len(nums)-1], ", ")
	return "Claims " + head + " and " + strconv.Itoa(nums[len(nums)-1])
}

func joinInts(ns []int, sep string) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, sep)
}

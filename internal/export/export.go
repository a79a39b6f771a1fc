// Package export writes an article and its claims in the formats people and
// other tools read: a self-contained HTML page (WriteHTML), Markdown
// (WriteMarkdown), CSV (WriteCSV), W3C Web Annotations as JSON-LD
// (WriteAnnotations, Annotation) and schema.org ClaimReview as JSON-LD
// (WriteClaimReview, ClaimReview). ParseAnnotations reads W3C Web
// Annotations back, e.g. a Hypothesis export.
//
// Every writer is a pure encoder: it takes a Document and an io.Writer, reads
// no clock (Document.Generated is injected) and does no other I/O, so the
// same Document always gives the same bytes. Handlers only set headers
// (see docs/export.md for file names and content types).
//
// Offsets are Unicode code points of the article's canonical text, as
// everywhere in Claimdesk and in the W3C TextPositionSelector.
package export

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/claimdesk/claimdesk/internal/anchor"
	"github.com/claimdesk/claimdesk/internal/models"
)

// Newsroom is the organisation that publishes the fact-checks: the author of
// every ClaimReview and the name shown in the exported page's footer.
type Newsroom struct {
	Name    string
	URL     string
	LogoURL string // used in ClaimReview only; the HTML export loads no images
}

// Document is everything an export needs about one article. The handler
// fills it from the store; the encoders only read it.
type Document struct {
	Article     models.Article
	Claims      []models.ClaimDetail              // reading order; claim n is Claims[n-1]
	Evidence    map[int64][]models.EvidenceDetail // by claim id
	Appearances map[int64][]models.Appearance     // by claim id
	Creators    map[int64]string                  // user id → display name (for annotation creator)
	Scale       []models.Verdict                  // the verdict scale, for bestRating/worstRating
	BaseURL     string                            // e.g. https://claims.example.org (no trailing slash)
	Newsroom    Newsroom
	Corrections map[int64][]models.Correction // by claim id, oldest first
	Generated   time.Time                     // injected for reproducible output
}

// base is BaseURL without a trailing slash, tolerating one.
func (d Document) base() string { return strings.TrimRight(d.BaseURL, "/") }

func (d Document) claimURL(id int64) string { return d.base() + "/claims/" + itoa(id) }

func (d Document) annotationURL(id int64) string {
	return d.base() + "/api/v1/claims/" + itoa(id) + "/annotation"
}

func (d Document) articleURL() string { return d.base() + "/articles/" + itoa(d.Article.ID) }

func (d Document) revisionURL(n int) string {
	return d.articleURL() + "/revisions/" + strconv.Itoa(n)
}

func (d Document) collectionURL() string {
	return d.base() + "/api/v1/articles/" + itoa(d.Article.ID) + "/annotations"
}

func (d Document) userURL(id int64) string { return d.base() + "/users/" + itoa(id) }

// targetSource is the IRI that annotations target: the article's original
// web address when it has a valid one, else its page in Claimdesk.
func (d Document) targetSource() string {
	if u, ok := webURL(d.Article.SourceURL); ok {
		return u
	}
	return d.articleURL()
}

// entry is a claim with its footnote number and whether its span can be
// shown in the current text.
type entry struct {
	n      int // the claim's stable number (see claimNumber)
	c      models.ClaimDetail
	placed bool
}

// entries lists the claims in reading order with their numbers and decides
// which of them sit in the current text (see located).
func (d Document) entries(t *anchor.Text) []entry {
	es := make([]entry, len(d.Claims))
	for i, c := range d.Claims {
		es[i] = entry{n: claimNumber(c, i), c: c, placed: located(t, d.Article, c.Claim)}
	}
	return es
}

// claimNumber is the claim's stable number within its article, the one the
// desk sees in the claim page and history; the number is an identity, not a
// position, so exports list claims in reading order under these numbers. A
// claim without one (a document built by hand) takes its reading position i.
func claimNumber(c models.ClaimDetail, i int) int {
	if c.Number > 0 {
		return c.Number
	}
	return i + 1
}

// located reports whether c's offsets can be trusted against the article's
// current text: the claim is not orphaned, its offsets refer to the current
// revision (0 means "not recorded"), the span lies inside the text, and the
// text there is exactly the claim's quote. A claim that fails any of these is
// still exported, but by its quote only, never at a position that may be
// wrong.
func located(t *anchor.Text, a models.Article, c models.Claim) bool {
	if c.AnchorState == models.AnchorOrphaned {
		return false
	}
	if c.AnchorRevision != 0 && a.Revision != 0 && c.AnchorRevision != a.Revision {
		return false
	}
	if c.Start < 0 || c.End <= c.Start || c.End > t.Len() {
		return false
	}
	return t.Slice(c.Start, c.End) == c.Quote
}

// spans lists the placed claims as anchor spans.
func spans(es []entry) []anchor.Span {
	var out []anchor.Span
	for _, e := range es {
		if e.placed {
			out = append(out, anchor.Span{ID: e.c.ID, Start: e.c.Start, End: e.c.End})
		}
	}
	return out
}

// layout is the article cut into flat segments, with the claim numbers of
// each segment and the footnote references that follow it.
type layout struct {
	paras [][]piece
	shown map[int]bool // claim numbers that appear in the text
}

type piece struct {
	text string
	nums []int // claims covering this piece, ascending; nil for plain text
	refs []int // claims that end with this piece, ascending
}

// lay segments the article for the HTML and Markdown writers. A claim's
// footnote reference goes after the last piece it covers, so a claim whose
// span ends inside a paragraph break still gets one.
func lay(t *anchor.Text, es []entry) layout {
	num := make(map[int64]int, len(es))
	for _, e := range es {
		if e.placed {
			num[e.c.ID] = e.n
		}
	}
	paras := anchor.Paragraphs(t, spans(es))
	type pos struct{ p, s int }
	last := map[int]pos{}
	out := layout{paras: make([][]piece, len(paras)), shown: map[int]bool{}}
	for i, p := range paras {
		out.paras[i] = make([]piece, len(p.Segments))
		for j, s := range p.Segments {
			pc := piece{text: s.Text}
			for _, id := range s.ClaimIDs {
				if n, ok := num[id]; ok {
					pc.nums = append(pc.nums, n)
					last[n] = pos{i, j}
				}
			}
			slices.Sort(pc.nums)
			out.paras[i][j] = pc
		}
	}
	for n, at := range last {
		pc := &out.paras[at.p][at.s]
		pc.refs = append(pc.refs, n)
		out.shown[n] = true
	}
	for i := range out.paras {
		for j := range out.paras[i] {
			slices.Sort(out.paras[i][j].refs)
		}
	}
	return out
}

// webURL returns s as an absolute http(s) URL, or false. Every link an
// export writes goes through it, so javascript:, data: and relative URLs
// never become links.
func webURL(s string) (string, bool) {
	if strings.TrimSpace(s) == "" {
		return "", false
	}
	u, err := models.ParseWebURL(s)
	if err != nil {
		return "", false
	}
	return escapeURL(u.String()), true
}

// escapeURL percent-encodes every byte that RFC 3986 does not allow in a
// URL (url.URL.String leaves the query as given): spaces, quotes, < > and
// the like never reach an attribute, a Markdown destination or JSON.
func escapeURL(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("-._~:/?#[]@!$&'()*+,;=%", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// langRE is a plausible BCP 47 tag; anything else is not written out.
var langRE = regexp.MustCompile(`^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$`)

// lang is the article's language tag, or "" when it has none or it is not
// a well-formed tag.
func (d Document) lang() string {
	if l := strings.TrimSpace(d.Article.Language); langRE.MatchString(l) {
		return l
	}
	return ""
}

// stamp formats t as an ISO 8601 UTC timestamp to the second
// ("2026-03-02T09:15:00Z"), or "" for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// day formats a date as YYYY-MM-DD, or "" for nil.
func day(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// longDay formats a date for people: "3 March 2026".
func longDay(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format("2 January 2006")
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// oneLine collapses runs of white space, including line breaks, to single
// spaces and trims the ends.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// stanceLabel names a stance for people.
func stanceLabel(s models.Stance) string {
	switch s {
	case models.StanceSupports:
		return "Supports"
	case models.StanceRefutes:
		return "Refutes"
	case models.StanceContext:
		return "Context"
	case models.StanceOrigin:
		return "Origin"
	}
	return capitalise(string(s))
}

// typeLabel names a claim type for people.
func typeLabel(t models.ClaimType) string {
	if t == "" {
		return ""
	}
	return capitalise(string(t))
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + strings.ReplaceAll(s[1:], "_", " ")
}

// anchorNote explains, for people, why a claim is not shown in the text or
// that its text changed; "" when there is nothing to say.
func anchorNote(e entry) string {
	switch {
	case e.c.AnchorState == models.AnchorOrphaned:
		return "Not found in the current text of the article."
	case !e.placed:
		return "Not located in the current text of the article."
	case e.c.AnchorState == models.AnchorChanged:
		if prev := oneLine(e.c.PreviousQuote); prev != "" && prev != oneLine(e.c.Quote) {
			return "The article was revised and the text of this claim changed. It was: “" + prev + "”"
		}
		return "The article was revised and the text of this claim changed."
	}
	return ""
}

// claimantLine describes a claimant: "Name, Title (Affiliation)".
func claimantLine(c *models.Claimant) string {
	if c == nil {
		return ""
	}
	s := oneLine(c.Name)
	if t := oneLine(c.Title); t != "" {
		s += ", " + t
	}
	if a := oneLine(c.Affiliation); a != "" {
		s += " (" + a + ")"
	}
	return s
}

package views

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/claimdesk/claimdesk/internal/anchor"
	"github.com/claimdesk/claimdesk/internal/models"
)

// ArticleListView is the article list with its filters.
type ArticleListView struct {
	Q, From, To string
	Items       []models.ArticleSummary
	Page        int
	HasNext     bool
	Errors      models.ValidationError
}

func (v ArticleListView) query() url.Values {
	q := url.Values{}
	for k, val := range map[string]string{"q": v.Q, "from": v.From, "to": v.To} {
		if val != "" {
			q.Set(k, val)
		}
	}
	return q
}

// ArticleForm is the state of the new-article form.
type ArticleForm struct {
	Mode                                        string // paste, upload or url
	Title, Outlet, Byline, SourceURL, Published string
	Language, Text, URL                         string
	// HeldFile is the name of a file uploaded with this form when it failed
	// validation; the server keeps it under UploadToken for a short time.
	HeldFile, UploadToken string
	Errors                models.ValidationError
}

// ArticleView is the reading page: the article split into highlighted
// segments, and its claims in reading order.
type ArticleView struct {
	Article models.Article
	Parts   ArticleParts
	Form    ClaimForm // the no-JavaScript mark form
	Types   []models.ClaimType
	// Reattach is the claim being re-attached after a revision, if any.
	Reattach *models.ClaimDetail
}

// ArticleParts is what a reading page costs to make: the highlighted body
// and the claim list, already rendered. They depend only on the revision's
// text and the claims (never on who reads), so handlers keep them while
// neither changes.
type ArticleParts struct {
	Body, List string // HTML
	Claims     int
	// NeedsReview counts claims whose text changed or was lost in a revision.
	NeedsReview int
}

// Size is the parts' weight in bytes, for a cache's budget.
func (p ArticleParts) Size() int { return len(p.Body) + len(p.List) + 64 }

// NewArticleView is the reading page of a with its rendered parts.
func NewArticleView(a models.Article, parts ArticleParts) ArticleView {
	return ArticleView{Article: a, Parts: parts, Types: models.ClaimTypes}
}

// ParagraphView is one paragraph of the reading page.
type ParagraphView struct {
	Start, Start16 int
	Segments       []SegmentView
}

// SegmentView is a run of text covered by the same set of claims.
type SegmentView struct {
	Text     string
	ClaimIDs string // space-separated ids, "" for plain text
	State    models.State
	Multi    bool
	Num      string // the claim number(s) ending in this segment, shown after it
	Describe string // ids of list items describing it, for aria-describedby
}

// ClaimItem is a claim in the side list.
type ClaimItem struct {
	Num int
	models.ClaimDetail
}

// ClaimNumber is c's stable number within its article (issue 12: an
// identity given when it was marked, not a position); a claim without one,
// as built by hand in tests, takes its position i in reading order.
func ClaimNumber(c models.Claim, i int) int {
	if c.Number > 0 {
		return c.Number
	}
	return i + 1
}

// ClaimLabel is how pages name a claim: "Claim 3".
func ClaimLabel(c models.Claim) string {
	if c.Number > 0 {
		return "Claim " + strconv.Itoa(c.Number)
	}
	return "Claim (id " + strconv.FormatInt(c.ID, 10) + ")"
}

// NewArticleParts splits the article's text into paragraphs of flat
// segments, labels the claims with their numbers, and renders both.
func NewArticleParts(a models.Article, claims []models.ClaimDetail) (ArticleParts, error) {
	t := anchor.NewText(a.Text)
	spans := make([]anchor.Span, 0, len(claims))
	num := make(map[int64]int, len(claims))
	state := make(map[int64]models.State, len(claims))
	endOf := make(map[int64]int, len(claims))
	items := make([]ClaimItem, len(claims))
	var needsReview int
	for i, c := range claims {
		if c.AnchorState == models.AnchorOrphaned {
			needsReview++ // not in the text: listed, never highlighted
		} else {
			if c.AnchorState == models.AnchorChanged {
				needsReview++
			}
			spans = append(spans, anchor.Span{ID: c.ID, Start: c.Start, End: c.End})
		}
		num[c.ID] = ClaimNumber(c.Claim, i)
		state[c.ID] = c.State
		endOf[c.ID] = c.End
		items[i] = ClaimItem{Num: num[c.ID], ClaimDetail: c}
	}
	paras := anchor.Paragraphs(t, spans)
	out := make([]ParagraphView, len(paras))
	for i, p := range paras {
		pv := ParagraphView{Start: p.Start, Start16: p.Start16, Segments: make([]SegmentView, len(p.Segments))}
		for j, s := range p.Segments {
			sv := SegmentView{Text: s.Text}
			if len(s.ClaimIDs) > 0 {
				ids := make([]string, len(s.ClaimIDs))
				desc := make([]string, len(s.ClaimIDs))
				var nums []string
				for k, id := range s.ClaimIDs {
					ids[k] = strconv.FormatInt(id, 10)
					desc[k] = "claim-" + ids[k]
					if endOf[id] == s.End {
						nums = append(nums, strconv.Itoa(num[id]))
					}
				}
				sv.ClaimIDs = strings.Join(ids, " ")
				sv.Describe = strings.Join(desc, " ")
				sv.State = state[s.ClaimIDs[len(s.ClaimIDs)-1]]
				sv.Multi = len(s.ClaimIDs) > 1
				sv.Num = strings.Join(nums, ",")
			}
			pv.Segments[j] = sv
		}
		out[i] = pv
	}
	parts := ArticleParts{Claims: len(items), NeedsReview: needsReview}
	var b strings.Builder
	if err := articleBody(out).Render(context.Background(), &b); err != nil {
		return parts, err
	}
	parts.Body = b.String()
	b.Reset()
	if err := claimList(items).Render(context.Background(), &b); err != nil {
		return parts, err
	}
	parts.List = b.String()
	return parts, nil
}

func markClass(s SegmentView) string {
	c := "claim s-" + string(s.State)
	if s.Multi {
		c += " multi"
	}
	return c
}

// ClaimForm is the state of a form that marks or edits a claim.
type ClaimForm struct {
	Quote, Prefix, Suffix string
	Claimant, Type        string
	Summary, ClaimedAt    string
	Notes                 string
	Errors                models.ValidationError
}

// ChooseView asks which occurrence of an ambiguous quote to mark.
type ChooseView struct {
	Article     models.Article
	Form        ClaimForm
	Occurrences []models.Occurrence
	Total       int // all occurrences, when Occurrences lists only the first
}

// ClaimView is the claim page for signed-in users.
type ClaimView struct {
	Claim           models.ClaimDetail
	Context         ClaimContext // the quote with the words around it
	ArticleRevision int
	Form            ClaimForm
	Types           []models.ClaimType
	Conflict        string
	Evidence        EvidenceSection
	Review          ReviewSection
	Matches         ClaimMatchesView // "Checked before?": the claim's link and similar claims
}

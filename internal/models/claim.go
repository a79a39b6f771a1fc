package models

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// State is where a claim stands in review. It is separate from the verdict.
type State string

const (
	StateNew          State = "new"
	StateResearching  State = "researching"
	StateInReview     State = "in_review" // verdict proposed, waiting for sign-off
	StateApproved     State = "approved"
	StatePublished    State = "published"
	StateNeedsRecheck State = "needs_recheck" // the anchored text changed under a verdict in review or signed off
	StateWithdrawn    State = "withdrawn"     // a published fact-check taken back: its page is a withdrawal notice
)

// States lists every state in workflow order.
var States = []State{StateNew, StateResearching, StateInReview, StateApproved, StatePublished, StateNeedsRecheck, StateWithdrawn}

var transitions = map[State][]State{
	StateNew:          {StateResearching},
	StateResearching:  {StateInReview},
	StateInReview:     {StateApproved, StateResearching},
	StateApproved:     {StatePublished, StateResearching},
	StatePublished:    {StateResearching},
	StateNeedsRecheck: {StateResearching},
	StateWithdrawn:    {},
}

// Valid reports whether s is a known state.
func (s State) Valid() bool { return slices.Contains(States, s) }

// Label is the state's name as shown to people.
func (s State) Label() string {
	switch s {
	case StateNew:
		return "New"
	case StateResearching:
		return "Researching"
	case StateInReview:
		return "In review"
	case StateApproved:
		return "Approved"
	case StatePublished:
		return "Published"
	case StateNeedsRecheck:
		return "Needs recheck"
	case StateWithdrawn:
		return "Withdrawn"
	}
	return string(s)
}

// ParseState turns user input into a State.
func ParseState(s string) (State, error) {
	st := State(strings.TrimSpace(s))
	if !st.Valid() {
		return "", Invalid("state", "Unknown state %q: use new, researching, in_review, approved, published, needs_recheck or withdrawn.", s)
	}
	return st, nil
}

// Open reports whether a claim in state s is still being worked on: it can
// be overdue, and it belongs in a fact-checker's queue.
func (s State) Open() bool { return s != StateApproved && s != StatePublished && s != StateWithdrawn }

// OpenStates lists the states of claims still being worked on.
var OpenStates = []State{StateNew, StateResearching, StateInReview, StateNeedsRecheck}

// CanMove reports whether the workflow allows from → to by a person.
// needs_recheck is entered only by re-anchoring, never by hand.
func CanMove(from, to State) bool { return slices.Contains(transitions[from], to) }

// NextStates lists the states a person may move a claim to from s.
func NextStates(s State) []State { return transitions[s] }

// ClaimType is the kind of claim.
type ClaimType string

const (
	TypeStatement  ClaimType = "statement"
	TypeQuote      ClaimType = "quote"
	TypeStatistic  ClaimType = "statistic"
	TypePrediction ClaimType = "prediction"
	TypeOther      ClaimType = "other"
)

// ClaimTypes lists every claim type.
var ClaimTypes = []ClaimType{TypeStatement, TypeQuote, TypeStatistic, TypePrediction, TypeOther}

// ParseClaimType turns user input into a ClaimType; empty means statement.
func ParseClaimType(s string) (ClaimType, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return TypeStatement, nil
	}
	t := ClaimType(s)
	if !slices.Contains(ClaimTypes, t) {
		return "", Invalid("type", "Unknown claim type %q: choose quote, statement, statistic, prediction or other.", s)
	}
	return t, nil
}

// AnchorState says whether a claim's quote is still where it was marked.
type AnchorState string

const (
	AnchorAnchored AnchorState = "anchored" // quote unchanged, wherever it moved
	AnchorChanged  AnchorState = "changed"  // found with confidence, but the text differs
	AnchorOrphaned AnchorState = "orphaned" // not found with confidence: never moved silently
)

// Limits on claim fields.
const (
	SummaryRecommendedRunes = 75
	MaxSummaryRunes         = 500
	MaxNotesRunes           = 10000
	ContextRunes            = 32 // prefix and suffix length in code points
)

// Claim is a span of an article's canonical text that makes a checkable claim.
// Start and End count Unicode code points (W3C TextPositionSelector).
type Claim struct {
	ID             int64
	ArticleID      int64
	Number         int // the claim's number within its article, from 1: an identity kept for good, not a position
	Start          int `gorm:"column:start_pos"`
	End            int `gorm:"column:end_pos"`
	Quote          string
	Prefix         string
	Suffix         string
	Summary        string
	Type           ClaimType
	ClaimantID     *int64
	ClaimedAt      *time.Time
	ClaimedPlace   string // where the claim was made (ClaimReview itemReviewed.appearance location)
	Notes          string
	State          State
	VerdictID      *int64
	Explanation    string
	Rationale      string
	ProposedBy     *int64 // who proposed the current verdict
	VerdictBy      *int64 // who chose the current verdict label
	ExplanationBy  *int64 // who wrote the current explanation
	RationaleBy    *int64 // who wrote the current rationale
	AssigneeID     *int64
	Due            *time.Time
	AnchorState    AnchorState
	AnchorRevision int
	PreviousQuote  string
	// Publication (docs/publishing.md). PublishedAt is the first
	// publication; once set, the claim has a public page for good, showing
	// the Pub* snapshot taken at the latest publication.
	PublishedAt      *time.Time
	PublicModifiedAt *time.Time // ClaimReview dateModified: publication, correction, re-verification, withdrawal
	ReverifySince    *time.Time // a revision changed the words of the published fact-check; nil once decided
	ReverifiedAt     *time.Time // the latest "Verdict stands"
	WithdrawnAt      *time.Time
	WithdrawalReason string
	CorrectionNote   string // the public note of a correction in progress, recorded when it is published
	PubVerdictID     *int64
	PubVerdictLabel  string
	PubExplanation   string
	PubRationale     string
	PubQuote         string // the words as published (or last re-verified)
	Version          int
	ReviewRound      int // increases each time the claim enters in_review; approvals count per round
	EvidenceCount    int `gorm:"->"` // evidence links, kept by database triggers (never written from here)
	CreatedBy        int64
	CreatedAt        time.Time
	UpdatedAt        time.Time
	DeletedAt        *time.Time
}

// ClaimDetail is a claim with the names that pages and the API show beside it.
type ClaimDetail struct {
	Claim
	Claimant      *Claimant
	Verdict       *Verdict
	AssigneeName  string
	AssigneeEmail string
	ArticleTitle  string
}

// ETag is the claim's entity tag for If-Match.
func (c Claim) ETag() string { return fmt.Sprintf(`"claim-%d-v%d"`, c.ID, c.Version) }

// ClaimInput is the editable content of a claim, as a person or script gives it.
// Nil pointers mean "not given".
type ClaimInput struct {
	Summary  *string
	Type     *string
	Claimant *string // a claimant's id or name; "" clears it
	// ClaimantKind is the kind (person or organization) of a claimant that
	// Claimant names and that does not exist yet; person when not given.
	ClaimantKind *string
	ClaimedAt    *string
	Notes        *string
}

// Validate checks the fields that are present.
func (in ClaimInput) Validate() ValidationError {
	v := ValidationError{}
	if in.Summary != nil && len([]rune(*in.Summary)) > MaxSummaryRunes {
		v.Add("summary", fmt.Sprintf("Keep the summary under %d characters (%d recommended).", MaxSummaryRunes, SummaryRecommendedRunes))
	}
	if in.Type != nil {
		if _, err := ParseClaimType(*in.Type); err != nil {
			v.Add("type", err.(ValidationError)["type"])
		}
	}
	if in.ClaimedAt != nil && strings.TrimSpace(*in.ClaimedAt) != "" {
		if _, err := ParseDate(*in.ClaimedAt); err != nil {
			v.Add("claimed_at", err.Error())
		}
	}
	if in.Notes != nil && len([]rune(*in.Notes)) > MaxNotesRunes {
		v.Add("notes", "Keep notes under 10,000 characters.")
	}
	if in.ClaimantKind != nil && *in.ClaimantKind != KindPerson && *in.ClaimantKind != KindOrganization {
		v.Add("claimant", "A claimant's kind is \"person\" or \"organization\".")
	}
	if in.Claimant != nil && len([]rune(*in.Claimant)) > 200 {
		v.Add("claimant", "Keep the claimant's name under 200 characters.")
	}
	return v
}

// Claimant kinds.
const (
	KindPerson       = "person"
	KindOrganization = "organization"
)

// Claimant is the person or organisation that made claims.
type Claimant struct {
	ID          int64
	Name        string
	Kind        string
	Title       string
	Affiliation string
	SameAs      []string `gorm:"serializer:json"`
	NameKey     string   // Name folded for matching in any case; the store sets it
	SearchKey   string   // name, title and affiliation folded, for search; the store sets it
	Version     int      `gorm:"default:1"` // optimistic concurrency: bumped by every change
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Verdict is one label of the newsroom's rating scale.
type Verdict struct {
	ID           int64
	Label        string
	Position     int // order on the scale, 1 = best
	Value        *int
	Colour       string
	Description  string
	NotCheckable bool
	LabelKey     string // Label folded for matching in any case; the store sets it
	Version      int    `gorm:"default:1"` // optimistic concurrency for scale edits
}

// Public reports whether the claim has a public page: it was published
// once (or is published, from before publication dates were kept), and it
// is not deleted. A withdrawn claim's page is a notice.
func (c Claim) Public() bool {
	return (c.PublishedAt != nil || c.State == StatePublished) && c.DeletedAt == nil
}

// Correction kinds.
const (
	CorrectionFix        = "correction"
	CorrectionWithdrawal = "withdrawal"
)

// Correction is a public, dated note on a published fact-check: a change
// of its rating, explanation or rationale, or its withdrawal.
type Correction struct {
	ID             int64
	ClaimID        int64
	ArticleID      int64
	Kind           string
	Note           string
	OldVerdict     string
	NewVerdict     string
	OldExplanation string
	NewExplanation string
	CreatedBy      int64
	CreatedAt      time.Time
}

// Limits on publication notes.
const MaxCorrectionRunes = 2000

package models

import "time"

// Stance is what a source shows about a claim.
type Stance string

const (
	StanceSupports Stance = "supports"
	StanceRefutes  Stance = "refutes"
	StanceContext  Stance = "context"
	StanceOrigin   Stance = "origin" // where the claim appeared
)

// Stances lists every stance.
var Stances = []Stance{StanceSupports, StanceRefutes, StanceContext, StanceOrigin}

// SourceKinds lists the kinds of source document.
var SourceKinds = []string{"primary_document", "official_statement", "transcript", "dataset", "court_filing", "news_report", "social_media_post", "interview", "other"}

// Source is a document in the newsroom's shared library.
type Source struct {
	ID          int64
	URL         string // normalised
	Title       string
	Publisher   string
	Kind        string
	PublishedAt *time.Time
	AccessedAt  *time.Time
	ArchiveURL  string
	Notes       string
	CreatedBy   int64
	Version     int `gorm:"default:1"` // optimistic concurrency: bumped by every change
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Evidence links a claim to a source.
type Evidence struct {
	ID        int64
	ClaimID   int64
	SourceID  int64
	Stance    Stance
	Passage   string // exact passage quoted from the source
	Note      string
	AddedBy   int64
	Version   int `gorm:"default:1"` // optimistic concurrency: bumped by every edit
	CreatedAt time.Time
	UpdatedAt *time.Time // last change (set on create too)
}

// TableName keeps the table's name singular, as the word is.
func (Evidence) TableName() string { return "evidence" }

// EvidenceDetail is evidence with its source and the name of who added it.
type EvidenceDetail struct {
	Evidence
	Source      Source
	AddedByName string
}

// Appearance is a place the claim was made (ClaimReview's appearance).
type Appearance struct {
	ID      int64
	ClaimID int64
	URL     string
	First   bool // firstAppearance
}

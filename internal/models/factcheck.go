package models

import (
	"strconv"
	"time"
)

// FactCheck is a published fact-check in the newsroom's library: a
// schema.org ClaimReview by anyone (another fact-checker's feed, or our
// own), kept with the fields that matching, browsing and citing need.
// Its URL, normalised as source URLs are, identifies it: importing the
// same fact-check again updates the entry.
type FactCheck struct {
	ID            int64
	URL           string // normalised
	ClaimReviewed string // the claim as the fact-checker worded it
	Headline      string // headline, or name
	Excerpt       string // description or reviewBody, shortened
	RatingName    string // reviewRating.alternateName ("" = no rating given)
	RatingValue   *float64
	BestRating    *float64
	WorstRating   *float64
	PublisherName string // publisher, or author, organisation
	PublisherURL  string
	Claimant      string     // itemReviewed.author.name
	ClaimURL      string     // where the claim appeared (itemReviewed appearance)
	ClaimDate     *time.Time // when the claim was made
	DatePublished *time.Time // of the fact-check
	DateModified  *time.Time // of the fact-check
	Language      string     // BCP 47 tag in lower case, "" if not given
	Version       int        `gorm:"default:1"` // bumped by every import that updates it
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// TableName is factchecks.
func (FactCheck) TableName() string { return "factchecks" }

// HasRating reports whether the fact-check gives a rating at all.
func (f FactCheck) HasRating() bool { return f.RatingName != "" || f.RatingValue != nil }

// Rating is the rating as shown to people: its name, else its value on the
// scale, else "no rating".
func (f FactCheck) Rating() string {
	switch {
	case f.RatingName != "":
		return f.RatingName
	case f.RatingValue != nil && f.BestRating != nil:
		return formatNumber(*f.RatingValue) + " of " + formatNumber(*f.BestRating)
	case f.RatingValue != nil:
		return formatNumber(*f.RatingValue)
	}
	return "no rating"
}

func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

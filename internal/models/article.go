package models

import (
	"strings"
	"time"
)

// Article is a news text that claims are marked in. Text is the canonical
// plain text (paragraphs separated by one blank line, NFC) that every offset
// refers to, counted in Unicode code points. HTML is the sanitised original,
// when the article came from HTML.
type Article struct {
	ID          int64
	Title       string
	Outlet      string
	Byline      string
	SourceURL   string
	PublishedAt *time.Time // a date; time of day is not kept
	Language    string
	Text        string
	HTML        string
	Revision    int // number of the current revision, from 1
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	DeletedAt   *time.Time
}

// ArticleSummary is what lists show: no text.
type ArticleSummary struct {
	ID          int64
	Title       string
	Outlet      string
	Byline      string
	PublishedAt *time.Time
	Language    string
	Revision    int
	ClaimCount  int
	CreatedAt   time.Time
}

// Revision is one saved version of an article's text.
type Revision struct {
	ID        int64
	ArticleID int64
	Number    int
	Text      string
	HTML      string
	Note      string
	AuthorID  int64
	CreatedAt time.Time
}

// Limits on article input.
const (
	MaxArticleBytes = 2 << 20 // 2 MiB of canonical text
	MaxUploadBytes  = 5 << 20 // 5 MiB of raw input (upload, paste or fetched page)
	MaxTitleRunes   = 500
)

// ArticleMeta is the metadata a person or script supplies with a new article.
type ArticleMeta struct {
	Title       string
	Outlet      string
	Byline      string
	SourceURL   string
	PublishedAt string // YYYY-MM-DD or RFC 3339, optional
	Language    string // BCP 47 tag, optional
}

// Validate checks the metadata and returns the parsed publication date.
func (m *ArticleMeta) Validate() (*time.Time, ValidationError) {
	v := ValidationError{}
	m.Title = strings.TrimSpace(m.Title)
	m.Outlet = strings.TrimSpace(m.Outlet)
	m.Byline = strings.TrimSpace(m.Byline)
	m.SourceURL = strings.TrimSpace(m.SourceURL)
	m.Language = strings.TrimSpace(m.Language)
	if m.Title == "" {
		v.Add("title", "Enter a title.")
	} else if len([]rune(m.Title)) > MaxTitleRunes {
		v.Add("title", "Keep the title under 500 characters.")
	}
	for field, val := range map[string]string{"outlet": m.Outlet, "byline": m.Byline} {
		if len([]rune(val)) > 300 {
			v.Add(field, "Keep this under 300 characters.")
		}
	}
	if m.SourceURL != "" {
		if _, err := ParseWebURL(m.SourceURL); err != nil {
			v.Add("source_url", err.Error())
		}
	}
	if m.Language != "" && !validLanguageTag(m.Language) {
		v.Add("language", "Use a language tag such as en, fr or pt-BR.")
	}
	var published *time.Time
	if m.PublishedAt != "" {
		t, err := ParseDate(m.PublishedAt)
		if err != nil {
			v.Add("published_at", err.Error())
		} else {
			published = &t
		}
	}
	return published, v
}

func validLanguageTag(s string) bool {
	if len(s) > 35 {
		return false
	}
	for i, part := range strings.Split(s, "-") {
		if part == "" || len(part) > 8 || (i == 0 && (len(part) < 2 || len(part) > 3)) {
			return false
		}
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' && i > 0) {
				return false
			}
		}
	}
	return true
}

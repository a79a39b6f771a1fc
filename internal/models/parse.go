package models

import (
	"errors"
	"net/url"
	"strings"
	"time"
)

// ParseDate reads a calendar date given as YYYY-MM-DD (or an RFC 3339 time,
// whose date is kept) and returns it at midnight UTC.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		y, m, d := t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	}
	return time.Time{}, errors.New("Use a date like 2018-07-16.")
}

// ParseWebURL accepts only absolute http and https URLs with a host.
// javascript:, data: and other schemes are refused.
func ParseWebURL(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if len(s) > 2048 {
		return nil, errors.New("That URL is too long (2048 characters at most).")
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return nil, errors.New("Enter a full web address starting with http:// or https://.")
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	default:
		return nil, errors.New("Only http:// and https:// addresses are accepted.")
	}
	if u.User != nil {
		return nil, errors.New("Addresses with a user name or password are not accepted.")
	}
	return u, nil
}

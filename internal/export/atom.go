package export

import (
	"encoding/xml"
	"io"
	"time"
)

// Feed is an Atom feed (RFC 4287) of public fact-checks or corrections.
type Feed struct {
	ID, Title, Link, Self, Author string
	Entries                       []FeedEntry // newest first
}

// FeedEntry is one entry; Summary is plain text.
type FeedEntry struct {
	ID, Title, Link, Summary string
	Published, Updated       time.Time
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID        string   `xml:"id"`
	Title     atomText `xml:"title"`
	Link      atomLink `xml:"link"`
	Published string   `xml:"published"`
	Updated   string   `xml:"updated"`
	Summary   atomText `xml:"summary"`
}

// WriteAtom writes f as Atom. Every text is character data of type
// "text", escaped by the encoder: markup in a note stays inert. The feed's
// updated is its newest entry's (or the zero time's epoch, for an empty
// feed, so that the same data always gives the same bytes).
func WriteAtom(w io.Writer, f Feed) error {
	out := atomFeed{ID: f.ID, Title: oneLine(f.Title), Author: atomAuthor{Name: oneLine(f.Author)},
		Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: f.Link}, {Rel: "self", Type: "application/atom+xml", Href: f.Self}}}
	var newest time.Time
	for _, e := range f.Entries {
		if e.Updated.After(newest) {
			newest = e.Updated
		}
		out.Entries = append(out.Entries, atomEntry{ID: e.ID, Title: atomText{"text", oneLine(e.Title)},
			Link: atomLink{Rel: "alternate", Type: "text/html", Href: e.Link}, Published: atomTime(e.Published),
			Updated: atomTime(e.Updated), Summary: atomText{"text", e.Summary}})
	}
	if newest.IsZero() {
		newest = time.Unix(0, 0)
	}
	out.Updated = atomTime(newest)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

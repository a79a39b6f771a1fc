package export

import (
	"encoding/json"
	"io"

	"github.com/claimdesk/claimdesk/internal/anchor"
	"github.com/claimdesk/claimdesk/internal/models"
)

// AnnotationContext is the JSON-LD context of every W3C Web Annotation
// document.
const AnnotationContext = "http://www.w3.org/ns/anno.jsonld"

// AnnotationMediaType is the content type to serve annotations with.
const AnnotationMediaType = `application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"`

// WriteAnnotations writes the article's claims as a W3C AnnotationCollection
// (JSON-LD) whose first page is embedded and holds every annotation, one per
// claim in reading order. See Annotation for the shape of each.
func WriteAnnotations(w io.Writer, d Document) error {
	t := anchor.NewText(d.Article.Text)
	items := make([]any, 0, len(d.Claims))
	for _, c := range d.Claims {
		a := annotation(d, t, c)
		delete(a, "@context") // given once, on the collection
		items = append(items, a)
	}
	coll := d.collectionURL()
	page := coll + "?page=0"
	title := oneLine(d.Article.Title)
	if title == "" {
		title = "article " + itoa(d.Article.ID)
	}
	doc := map[string]any{
		"@context": AnnotationContext,
		"id":       coll,
		"type":     "AnnotationCollection",
		"label":    "Claims in “" + title + "”",
		"total":    len(items),
		"first": map[string]any{
			"id":         page,
			"type":       "AnnotationPage",
			"startIndex": 0,
			"items":      items,
		},
		"last": page,
	}
	return writeJSON(w, doc)
}

// Annotation is one claim as a W3C Web Annotation (JSON-LD, with @context),
// as the API serves it at /api/v1/claims/{id}/annotation:
//
//   - id: BaseURL/api/v1/claims/{id}/annotation; motivation "assessing";
//     created/modified as ISO 8601 UTC; creator the Person who marked the
//     claim; generator Claimdesk.
//   - target: source is the article's original URL (or its Claimdesk page),
//     with a TextQuoteSelector (exact, prefix, suffix) and, when the claim is
//     located in the current text, a TextPositionSelector in code points and
//     a TimeState whose cached copy is BaseURL/articles/{id}/revisions/{n},
//     the revision those offsets count in.
//   - body: the verdict label (TextualBody, purpose assessing), the
//     explanation (describing), the notes (commenting), each evidence source
//     (SpecificResource, purpose linking, with the quoted passage as a
//     TextQuoteSelector and the archived copy as a TimeState) and the claim
//     type (tagging).
func Annotation(d Document, c models.ClaimDetail) map[string]any {
	return annotation(d, anchor.NewText(d.Article.Text), c)
}

func annotation(d Document, t *anchor.Text, c models.ClaimDetail) map[string]any {
	a := map[string]any{
		"@context":   AnnotationContext,
		"id":         d.annotationURL(c.ID),
		"type":       "Annotation",
		"motivation": "assessing",
		"target":     annotationTarget(d, t, c),
		"generator": map[string]any{
			"id":   d.base() + "/",
			"type": "Software",
			"name": "Claimdesk",
		},
	}
	if s := stamp(c.CreatedAt); s != "" {
		a["created"] = s
	}
	if s := stamp(c.UpdatedAt); s != "" {
		a["modified"] = s
	}
	if s := stamp(d.Generated); s != "" {
		a["generated"] = s
	}
	if c.CreatedBy != 0 {
		cr := map[string]any{"id": d.userURL(c.CreatedBy), "type": "Person"}
		if n := oneLine(d.Creators[c.CreatedBy]); n != "" {
			cr["name"] = n
		}
		a["creator"] = cr
	}
	if b := annotationBodies(d, c); len(b) > 0 {
		a["body"] = b
	}
	return a
}

func annotationTarget(d Document, t *anchor.Text, c models.ClaimDetail) map[string]any {
	quote := map[string]any{"type": "TextQuoteSelector", "exact": c.Quote}
	if c.Prefix != "" {
		quote["prefix"] = c.Prefix
	}
	if c.Suffix != "" {
		quote["suffix"] = c.Suffix
	}
	selectors := []any{quote}
	target := map[string]any{"source": d.targetSource()}
	if located(t, d.Article, c.Claim) {
		selectors = append(selectors, map[string]any{
			"type":  "TextPositionSelector",
			"start": c.Start,
			"end":   c.End,
		})
		rev := d.Article.Revision
		if rev < 1 {
			rev = 1
		}
		// The article read as revision rev at least since it was last
		// updated; the cached copy is that revision's canonical text.
		when := d.Article.UpdatedAt
		if when.IsZero() {
			when = d.Generated
		}
		state := map[string]any{"type": "TimeState", "cached": d.revisionURL(rev)}
		if s := stamp(when); s != "" {
			state["sourceDate"] = s
			target["state"] = state
		}
	}
	target["selector"] = selectors
	return target
}

func annotationBodies(d Document, c models.ClaimDetail) []any {
	var bodies []any
	text := func(purpose, value string) map[string]any {
		return map[string]any{
			"type":    "TextualBody",
			"purpose": purpose,
			"value":   value,
			"format":  "text/plain",
		}
	}
	if c.Verdict != nil {
		bodies = append(bodies, text("assessing", oneLine(c.Verdict.Label)))
		if c.Explanation != "" {
			bodies = append(bodies, text("describing", c.Explanation))
		}
	}
	if c.Notes != "" {
		bodies = append(bodies, text("commenting", c.Notes))
	}
	for _, ev := range d.Evidence[c.ID] {
		u, ok := webURL(ev.Source.URL)
		if !ok {
			continue
		}
		sr := map[string]any{
			"type":    "SpecificResource",
			"purpose": "linking",
			"source":  u,
		}
		if ev.Passage != "" {
			sr["selector"] = map[string]any{"type": "TextQuoteSelector", "exact": ev.Passage}
		}
		if arch, ok := webURL(ev.Source.ArchiveURL); ok {
			// A TimeState needs a date: when the source was read, else
			// when it was added as evidence.
			when := ev.CreatedAt
			if ev.Source.AccessedAt != nil {
				when = *ev.Source.AccessedAt
			}
			if s := stamp(when); s != "" {
				sr["state"] = map[string]any{"type": "TimeState", "cached": arch, "sourceDate": s}
			}
		}
		bodies = append(bodies, sr)
	}
	if c.Type != "" {
		bodies = append(bodies, map[string]any{
			"type":    "TextualBody",
			"purpose": "tagging",
			"value":   string(c.Type),
		})
	}
	return bodies
}

// writeJSON writes v as indented JSON with a final newline. <, > and & in
// strings are written as \u003c, \u003e and \u0026, so the output can be
// embedded in an HTML <script type="application/ld+json"> as it is.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

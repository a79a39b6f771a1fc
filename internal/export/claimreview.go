package export

import (
	"io"

	"github.com/claimdesk/claimdesk/internal/models"
)

// WriteClaimReview writes a JSON array of schema.org ClaimReview objects,
// one per claim that has a verdict, in reading order ([] when none has).
// Each object is complete on its own (with @context), as ClaimReview
// returns it.
func WriteClaimReview(w io.Writer, d Document) error {
	out := []any{}
	for _, c := range d.Claims {
		if cr, ok := ClaimReview(d, c); ok {
			out = append(out, cr)
		}
	}
	return writeJSON(w, out)
}

// ClaimReview is c as a schema.org ClaimReview for the claim's public page
// (Google's fact-check profile). It is false when c has no verdict: a review
// without a rating is not a ClaimReview. It does not look at c.State;
// callers that publish it (the public claim page) decide which states are
// public.
//
// Required: url (BaseURL/claims/{id}), claimReviewed (the summary, or the
// quote when there is none; never the verdict), reviewRating.alternateName
// (the verdict label). Recommended: author (the newsroom), datePublished,
// itemReviewed (the Claim: its verbatim text, author as Person or
// Organization by the claimant's kind, datePublished = when the claim was
// made, appearance and firstAppearance), and ratingValue/bestRating/
// worstRating when the scale is numeric.
//
// Embed it with json.Marshal (or an encoder that escapes HTML), which turns
// < into \u003c, so no text in it can close the surrounding <script>.
func ClaimReview(d Document, c models.ClaimDetail) (map[string]any, bool) {
	if c.Verdict == nil {
		return nil, false
	}
	url := d.claimURL(c.ID)
	reviewed := oneLine(c.Summary)
	if reviewed == "" {
		reviewed = oneLine(c.Quote)
	}
	cr := map[string]any{
		"@context":      "https://schema.org",
		"@type":         "ClaimReview",
		"@id":           url + "#claimreview",
		"url":           url,
		"claimReviewed": reviewed,
		"reviewRating":  rating(d.Scale, *c.Verdict, c.Explanation),
		"itemReviewed":  reviewedClaim(d, c),
	}
	if a := newsroomOrg(d); a != nil {
		cr["author"] = a
	}
	// datePublished is the first publication; dateModified moves with every
	// correction, re-verification and withdrawal (docs/publishing.md). A
	// claim never published (an internal export) has only its last update.
	published, modified := c.UpdatedAt, c.UpdatedAt
	if c.PublishedAt != nil {
		published, modified = *c.PublishedAt, *c.PublishedAt
	}
	if c.PublicModifiedAt != nil {
		modified = *c.PublicModifiedAt
	}
	if s := stamp(published); s != "" {
		cr["datePublished"] = s
	}
	if s := stamp(modified); s != "" {
		cr["dateModified"] = s
	}
	if lang := d.lang(); lang != "" {
		cr["inLanguage"] = lang
	}
	if cites := citations(d.Evidence[c.ID]); len(cites) > 0 {
		cr["citation"] = cites
	}
	return cr, true
}

// rating is the Rating for v. Numbers are given only when v has a value:
// bestRating and worstRating are the highest and lowest values on the scale
// (verdicts marked not checkable left out), widened to include v's own value
// so that worstRating ≤ ratingValue ≤ bestRating always holds.
func rating(scale []models.Verdict, v models.Verdict, explanation string) map[string]any {
	r := map[string]any{
		"@type":         "Rating",
		"alternateName": oneLine(v.Label),
	}
	if ex := oneLine(explanation); ex != "" {
		r["ratingExplanation"] = ex
	}
	if v.Value == nil || v.NotCheckable {
		return r
	}
	best, worst := *v.Value, *v.Value
	for _, s := range scale {
		if s.Value == nil || s.NotCheckable {
			continue
		}
		best, worst = max(best, *s.Value), min(worst, *s.Value)
	}
	r["ratingValue"] = *v.Value
	r["bestRating"] = best
	r["worstRating"] = worst
	return r
}

// reviewedClaim is the itemReviewed Claim.
func reviewedClaim(d Document, c models.ClaimDetail) map[string]any {
	cl := map[string]any{"@type": "Claim"}
	if q := oneLine(c.Quote); q != "" {
		cl["text"] = q
	}
	if a := claimant(c.Claimant); a != nil {
		cl["author"] = a
	}
	if s := day(c.ClaimedAt); s != "" {
		cl["datePublished"] = s
	}
	var apps []any
	seen := map[string]bool{}
	for _, ap := range d.Appearances[c.ID] {
		u, ok := webURL(ap.URL)
		if !ok || seen[u] {
			continue
		}
		seen[u] = true
		cw := map[string]any{"@type": "CreativeWork", "url": u}
		if ap.First {
			if _, dup := cl["firstAppearance"]; !dup {
				cl["firstAppearance"] = cw
				continue
			}
		}
		apps = append(apps, cw)
	}
	// Evidence of where the claim came from is an appearance too.
	for _, ev := range d.Evidence[c.ID] {
		u, ok := webURL(ev.Source.URL)
		if ev.Stance != models.StanceOrigin || !ok || seen[u] {
			continue
		}
		seen[u] = true
		cw := map[string]any{"@type": "CreativeWork", "url": u}
		if t := oneLine(ev.Source.Title); t != "" {
			cw["name"] = t
		}
		apps = append(apps, cw)
	}
	// So is the article the claim was marked in.
	if u, ok := webURL(d.Article.SourceURL); ok && !seen[u] {
		na := map[string]any{"@type": "NewsArticle", "url": u}
		if h := oneLine(d.Article.Title); h != "" {
			na["headline"] = h
		}
		if p := day(d.Article.PublishedAt); p != "" {
			na["datePublished"] = p
		}
		if o := oneLine(d.Article.Outlet); o != "" {
			na["publisher"] = map[string]any{"@type": "Organization", "name": o}
		}
		apps = append(apps, na)
	}
	if len(apps) > 0 {
		cl["appearance"] = apps
	}
	return cl
}

// claimant is the Claim's author: an Organization for organisations, else
// a Person (with jobTitle and affiliation).
func claimant(c *models.Claimant) map[string]any {
	if c == nil || oneLine(c.Name) == "" {
		return nil
	}
	a := map[string]any{"name": oneLine(c.Name)}
	if c.Kind == models.KindOrganization {
		a["@type"] = "Organization"
	} else {
		a["@type"] = "Person"
		if t := oneLine(c.Title); t != "" {
			a["jobTitle"] = t
		}
		if af := oneLine(c.Affiliation); af != "" {
			a["affiliation"] = map[string]any{"@type": "Organization", "name": af}
		}
	}
	var same []any
	for _, s := range c.SameAs {
		if u, ok := webURL(s); ok {
			same = append(same, u)
		}
	}
	if len(same) > 0 {
		a["sameAs"] = same
	}
	return a
}

// DefaultNewsroom is the ClaimReview author until the newsroom's name is
// set in Settings; publishing warns about it.
const DefaultNewsroom = "Claimdesk newsroom"

// newsroomOrg is the ClaimReview author: the newsroom of the settings, or
// DefaultNewsroom.
func newsroomOrg(d Document) map[string]any {
	name := oneLine(d.Newsroom.Name)
	if name == "" {
		name = DefaultNewsroom
	}
	org := map[string]any{"@type": "Organization", "name": name}
	if u, ok := webURL(d.Newsroom.URL); ok {
		org["url"] = u
	} else if u, ok := webURL(d.base()); ok {
		org["url"] = u
	}
	if u, ok := webURL(d.Newsroom.LogoURL); ok {
		org["logo"] = map[string]any{"@type": "ImageObject", "url": u}
	}
	return org
}

// citations lists the evidence sources other than the claim's origins,
// which are appearances (schema.org citation; Google ignores it, other
// readers of the markup use it).
func citations(evs []models.EvidenceDetail) []any {
	var out []any
	for _, ev := range evs {
		u, ok := webURL(ev.Source.URL)
		if !ok || ev.Stance == models.StanceOrigin {
			continue
		}
		cw := map[string]any{"@type": "CreativeWork", "url": u}
		if t := oneLine(ev.Source.Title); t != "" {
			cw["name"] = t
		}
		if p := day(ev.Source.PublishedAt); p != "" {
			cw["datePublished"] = p
		}
		if p := oneLine(ev.Source.Publisher); p != "" {
			cw["publisher"] = map[string]any{"@type": "Organization", "name": p}
		}
		out = append(out, cw)
	}
	return out
}

// PublicFace is c as the public sees it: once published, the verdict,
// explanation and rationale of its latest publication (a correction in
// progress stays internal until it is signed off and published).
func PublicFace(c models.ClaimDetail, scale []models.Verdict) models.ClaimDetail {
	if c.PublishedAt == nil {
		return c
	}
	c.Explanation, c.Rationale, c.Verdict = c.PubExplanation, c.PubRationale, nil
	if c.PubQuote != "" && c.PubQuote != c.Quote {
		// A revision changed the words under re-verification: the fact-check
		// is about the words as published, whose context is gone.
		c.Quote, c.Prefix, c.Suffix = c.PubQuote, "", ""
	}
	if c.PubVerdictID != nil {
		for i := range scale {
			if scale[i].ID == *c.PubVerdictID {
				v := scale[i]
				c.Verdict = &v
			}
		}
	}
	if c.Verdict == nil && c.PubVerdictLabel != "" { // the label was deleted since
		c.Verdict = &models.Verdict{Label: c.PubVerdictLabel}
	}
	return c
}

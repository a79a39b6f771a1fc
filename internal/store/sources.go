package store

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// Limits on sources and evidence.
const (
	MaxPublisherRunes    = 200
	MaxSourceNotesRunes  = 10000
	MaxPassageRunes      = 5000
	MaxEvidenceNoteRunes = 2000
	MaxPlaceRunes        = 200
	MaxAppearances       = 50
)

// ---- URL normalisation ----

// trackingParams are query parameters that say how a reader arrived, not
// which document they read. Names starting with utm_, pk_ or mtm_ are
// tracking too (Google Analytics, Piwik, Matomo).
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true, "gclsrc": true,
	"msclkid": true, "yclid": true, "twclid": true, "ttclid": true, "li_fat_id": true, "igshid": true,
	"mc_cid": true, "mc_eid": true, "_ga": true, "_gl": true, "_hsenc": true, "_hsmi": true,
	"mkt_tok": true, "oly_anon_id": true, "oly_enc_id": true, "vero_id": true, "vero_conv": true,
	"ref_src": true, "ref_url": true, "cmpid": true, "ncid": true, "ocid": true, "smid": true,
}

func isTracking(key string) bool {
	k := strings.ToLower(key)
	return trackingParams[k] || strings.HasPrefix(k, "utm_") || strings.HasPrefix(k, "pk_") || strings.HasPrefix(k, "mtm_")
}

// NormalizeURL returns the form of a web address under which a document is
// kept in the library, so that the same document is not entered twice:
// scheme and host in lower case, no default port, no trailing dot on the
// host, dot segments resolved, percent-encoding made uniform, no trailing
// slash (except the root), tracking parameters removed and the remaining
// parameters sorted by name, and no #fragment (a part of the same
// document; #! and #/ routes of script-driven sites are kept). Only
// absolute http and https addresses are accepted; the error is a message
// for the user.
func NormalizeURL(raw string) (string, error) {
	u, err := models.ParseWebURL(raw)
	if err != nil {
		return "", err
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return "", userMessage("Enter a full web address starting with http:// or https://.")
	}
	port := u.Port()
	if scheme == "http" && port == "80" || scheme == "https" && port == "443" {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	out := scheme + "://" + host + normalizePath(u.EscapedPath())
	if q := normalizeQuery(u.RawQuery); q != "" {
		out += "?" + q
	}
	if f := u.EscapedFragment(); strings.HasPrefix(f, "!") || strings.HasPrefix(f, "/") {
		out += "#" + normalizeEscapes(f)
	}
	return out, nil
}

// userMessage is an error whose text is a sentence for the user.
type userMessage string

func (m userMessage) Error() string { return string(m) }

func normalizePath(p string) string {
	p = normalizeEscapes(p)
	var out []string
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case ".":
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	p = strings.Join(out, "/")
	p = strings.TrimRight(p, "/")
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return p
}

func normalizeQuery(raw string) string {
	if raw == "" {
		return ""
	}
	var kept []string
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		key, _, _ := strings.Cut(pair, "=")
		if isTracking(decodeLoose(key)) {
			continue
		}
		kept = append(kept, normalizeEscapes(pair))
	}
	sort.SliceStable(kept, func(i, j int) bool {
		ki, _, _ := strings.Cut(kept[i], "=")
		kj, _, _ := strings.Cut(kept[j], "=")
		return ki < kj
	})
	return strings.Join(kept, "&")
}

func decodeLoose(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// normalizeEscapes decodes percent-escapes of unreserved characters
// (RFC 3986 §6.2.2.2) and writes the others in upper case.
func normalizeEscapes(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			c := unhex(s[i+1])<<4 | unhex(s[i+2])
			if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
				b.WriteByte(c)
			} else {
				b.WriteString(strings.ToUpper(s[i : i+3]))
			}
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// ---- Sources ----

// SourceInput is a source's editable content as a person or script gives
// it. Nil pointers mean "not given".
type SourceInput struct {
	URL         *string
	Title       *string
	Publisher   *string
	Kind        *string
	PublishedAt *string // YYYY-MM-DD; "" clears
	AccessedAt  *string // YYYY-MM-DD; "" clears
	ArchiveURL  *string
	Notes       *string
}

// apply validates the given fields and copies them into src. Field names in
// the returned messages are prefixed with prefix ("source." when the source
// is part of an evidence request).
func (in SourceInput) apply(src *models.Source, prefix string) models.ValidationError {
	v := models.ValidationError{}
	if in.URL != nil {
		u, err := NormalizeURL(*in.URL)
		switch {
		case strings.TrimSpace(*in.URL) == "":
			v.Add(prefix+"url", "Enter the source's web address.")
		case err != nil:
			v.Add(prefix+"url", err.Error())
		default:
			src.URL = u
		}
	}
	if in.Title != nil {
		t := oneLine(*in.Title)
		if n := len([]rune(t)); n > models.MaxTitleRunes {
			v.Add(prefix+"title", fmt.Sprintf("Keep the title under %d characters (it has %d).", models.MaxTitleRunes, n))
		}
		src.Title = t
	}
	if in.Publisher != nil {
		p := oneLine(*in.Publisher)
		if len([]rune(p)) > MaxPublisherRunes {
			v.Add(prefix+"publisher", "Keep the publisher under 200 characters.")
		}
		src.Publisher = p
	}
	if in.Kind != nil {
		k := strings.TrimSpace(*in.Kind)
		if k == "" {
			k = "other"
		}
		if !slices.Contains(models.SourceKinds, k) {
			v.Add(prefix+"kind", fmt.Sprintf("Unknown kind %q: choose one of %s.", k, strings.Join(models.SourceKinds, ", ")))
		}
		src.Kind = k
	}
	for _, d := range []struct {
		name string
		in   *string
		out  **time.Time
	}{{"published_at", in.PublishedAt, &src.PublishedAt}, {"accessed_at", in.AccessedAt, &src.AccessedAt}} {
		if d.in == nil {
			continue
		}
		if strings.TrimSpace(*d.in) == "" {
			*d.out = nil
			continue
		}
		t, err := models.ParseDate(*d.in)
		if err != nil {
			v.Add(prefix+d.name, err.Error())
			continue
		}
		*d.out = &t
	}
	if in.ArchiveURL != nil {
		a := strings.TrimSpace(*in.ArchiveURL)
		if a != "" {
			if _, err := models.ParseWebURL(a); err != nil {
				v.Add(prefix+"archive_url", err.Error())
			}
		}
		src.ArchiveURL = a
	}
	if in.Notes != nil {
		n := strings.TrimSpace(*in.Notes)
		if len([]rune(n)) > MaxSourceNotesRunes {
			v.Add(prefix+"notes", "Keep notes under 10,000 characters.")
		}
		src.Notes = n
	}
	return v
}

// oneLine trims s and turns every run of white space into one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// sourceTerm is one word of the search index of sources.
type sourceTerm struct {
	Term     string
	SourceID int64
}

func (sourceTerm) TableName() string { return "source_terms" }

const (
	maxTermRunes    = 48
	maxTermsPerItem = 300
)

// indexWords splits s into lower-case words of letters and digits, each cut
// to maxTermRunes.
func indexWords(s string) []string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range words {
		if r := []rune(w); len(r) > maxTermRunes {
			words[i] = string(r[:maxTermRunes])
		}
	}
	return words
}

func sourceTerms(src models.Source) []sourceTerm {
	seen := map[string]bool{}
	var out []sourceTerm
	for _, w := range indexWords(src.Title + " " + src.Publisher + " " + strings.TrimPrefix(strings.TrimPrefix(src.URL, "https://"), "http://")) {
		if seen[w] || len(out) >= maxTermsPerItem {
			continue
		}
		seen[w] = true
		out = append(out, sourceTerm{Term: w, SourceID: src.ID})
	}
	return out
}

// indexSource replaces the search words of src, inside the caller's transaction.
func indexSource(tx *gorm.DB, src models.Source) error {
	if err := tx.Where("source_id = ?", src.ID).Delete(&sourceTerm{}).Error; err != nil {
		return fmt.Errorf("store: unindex source %d: %w", src.ID, err)
	}
	terms := sourceTerms(src)
	if len(terms) == 0 {
		return nil
	}
	if err := tx.CreateInBatches(terms, 100).Error; err != nil {
		return fmt.Errorf("store: index source %d: %w", src.ID, err)
	}
	return nil
}

// CreateSource adds a source to the library. A source whose normalised URL
// is already there is a *models.ConflictError carrying that source.
func (s *Store) CreateSource(ctx context.Context, actor Actor, in SourceInput) (models.Source, error) {
	var src models.Source
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		src, _, err = s.createSource(tx, actor, in, "", false)
		return err
	})
	return src, err
}

// createSource validates in and stores it, or, when reuse is set and the
// URL is already in the library, returns that source (created = false).
func (s *Store) createSource(tx *gorm.DB, actor Actor, in SourceInput, prefix string, reuse bool) (models.Source, bool, error) {
	if in.URL == nil {
		return models.Source{}, false, models.ValidationError{prefix + "url": "Enter the source's web address."}
	}
	src := models.Source{Kind: "other", CreatedBy: actor.ID, Version: 1}
	if in.Kind == nil {
		in.Kind = new(string)
	}
	if v := in.apply(&src, prefix); len(v) > 0 {
		return models.Source{}, false, v
	}
	if src.AccessedAt == nil && in.AccessedAt == nil {
		today := s.nowUTC()
		d := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
		src.AccessedAt = &d
	}
	var existing models.Source
	res := tx.Where("url = ?", src.URL).Limit(1).Find(&existing)
	if res.Error != nil {
		return models.Source{}, false, fmt.Errorf("store: source by url: %w", res.Error)
	}
	if res.RowsAffected > 0 {
		if reuse {
			return existing, false, nil
		}
		return models.Source{}, false, &models.ConflictError{
			Message: fmt.Sprintf("That document is already in the library as source %d (“%s”).", existing.ID, sourceLabel(existing)),
			Current: existing,
		}
	}
	if err := tx.Create(&src).Error; err != nil {
		return models.Source{}, false, writeErr(err, "source")
	}
	if err := indexSource(tx, src); err != nil {
		return models.Source{}, false, err
	}
	err := s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "source", EntityID: src.ID, Action: "created"}, Changes{
		"url": {nil, src.URL}, "title": {nil, src.Title}, "publisher": {nil, src.Publisher}, "kind": {nil, src.Kind},
	})
	return src, true, err
}

func sourceLabel(src models.Source) string {
	if src.Title != "" {
		return src.Title
	}
	return src.URL
}

// Source returns a source of the library.
func (s *Store) Source(ctx context.Context, id int64) (models.Source, error) {
	var src models.Source
	if err := s.conn(ctx).First(&src, id).Error; err != nil {
		return models.Source{}, lookupErr(err, "source", id)
	}
	return src, nil
}

// SourceByURL returns the library's source for a web address, after
// normalising it; ErrNotFound when there is none.
func (s *Store) SourceByURL(ctx context.Context, raw string) (models.Source, error) {
	u, err := NormalizeURL(raw)
	if err != nil {
		return models.Source{}, models.ValidationError{"url": err.Error()}
	}
	var src models.Source
	if err := s.conn(ctx).Where("url = ?", u).First(&src).Error; err != nil {
		return models.Source{}, lookupErr(err, "source", u)
	}
	return src, nil
}

// UpdateSource applies in if the source is still at version; otherwise it
// returns a *models.ConflictError carrying the current source.
func (s *Store) UpdateSource(ctx context.Context, actor Actor, id int64, version int, in SourceInput) (models.Source, error) {
	if version <= 0 {
		return models.Source{}, models.ValidationError{"version": "Send the version of the source your change is based on."}
	}
	var src models.Source
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.First(&src, id).Error; err != nil {
			return lookupErr(err, "source", id)
		}
		if src.Version != version {
			return staleSource(src)
		}
		old := src
		if v := in.apply(&src, ""); len(v) > 0 {
			return v
		}
		if src.URL != old.URL {
			var other models.Source
			res := tx.Select("id, title, url").Where("url = ? AND id <> ?", src.URL, id).Limit(1).Find(&other)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected > 0 {
				return &models.ConflictError{Message: fmt.Sprintf("That address is already in the library as source %d (“%s”).", other.ID, sourceLabel(other))}
			}
		}
		ch := Changes{}
		ch.diff("url", old.URL, src.URL)
		ch.diff("title", old.Title, src.Title)
		ch.diff("publisher", old.Publisher, src.Publisher)
		ch.diff("kind", old.Kind, src.Kind)
		ch.diff("published_at", dateValue(old.PublishedAt), dateValue(src.PublishedAt))
		ch.diff("accessed_at", dateValue(old.AccessedAt), dateValue(src.AccessedAt))
		ch.diff("archive_url", old.ArchiveURL, src.ArchiveURL)
		ch.diff("notes", old.Notes, src.Notes)
		if len(ch) == 0 {
			return nil
		}
		src.Version++
		src.UpdatedAt = s.nowUTC()
		res := tx.Model(&models.Source{}).Where("id = ? AND version = ?", id, version).Updates(map[string]any{
			"url": src.URL, "title": src.Title, "publisher": src.Publisher, "kind": src.Kind,
			"published_at": src.PublishedAt, "accessed_at": src.AccessedAt, "archive_url": src.ArchiveURL,
			"notes": src.Notes, "version": src.Version, "updated_at": src.UpdatedAt,
		})
		if res.Error != nil {
			return writeErr(res.Error, "source")
		}
		if res.RowsAffected == 0 {
			var cur models.Source
			if err := tx.First(&cur, id).Error; err != nil {
				return lookupErr(err, "source", id)
			}
			return staleSource(cur)
		}
		if err := indexSource(tx, src); err != nil {
			return err
		}
		return s.appendHistory(tx, actor, models.HistoryEntry{EntityType: "source", EntityID: id, Action: "updated"}, ch)
	})
	if err != nil {
		return models.Source{}, err
	}
	return src, nil
}

func staleSource(cur models.Source) error {
	return &models.ConflictError{
		Message: fmt.Sprintf("Someone else changed this source (now version %d). Your change was not saved: review theirs and apply yours again.", cur.Version),
		Current: cur,
	}
}

// SourceQuery searches and pages the library.
type SourceQuery struct {
	Q       string // words matched as prefixes of words in title, publisher and URL; or a whole URL
	Page    int    // from 1
	PerPage int
}

// SourcePage is one page of the library, with how many live claims cite each source.
type SourcePage struct {
	Items     []models.Source
	Citations map[int64]int
	Page      int
	PerPage   int
	HasNext   bool
}

// Sources searches the library, newest first.
func (s *Store) Sources(ctx context.Context, q SourceQuery) (SourcePage, error) {
	q.Page = max(q.Page, 1)
	if q.PerPage <= 0 || q.PerPage > 100 {
		q.PerPage = 25
	}
	p := SourcePage{Page: q.Page, PerPage: q.PerPage, Citations: map[int64]int{}}
	db := s.conn(ctx).Model(&models.Source{})
	if text := strings.TrimSpace(q.Q); text != "" {
		lower := strings.ToLower(text)
		if u, err := NormalizeURL(text); err == nil && (strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")) {
			db = db.Where("url = ?", u)
		} else {
			words := searchWords(text)
			if len(words) == 0 {
				return p, nil
			}
			for _, w := range words {
				if r := []rune(w); len(r) > maxTermRunes {
					w = string(r[:maxTermRunes])
				}
				db = db.Where("id IN (SELECT source_id FROM source_terms WHERE term >= ? AND term < ?)", w, w+"\U0010FFFF")
			}
		}
	}
	var rows []models.Source
	if err := db.Order("id DESC").Offset((q.Page - 1) * q.PerPage).Limit(q.PerPage + 1).Find(&rows).Error; err != nil {
		return SourcePage{}, fmt.Errorf("store: sources: %w", err)
	}
	if len(rows) > q.PerPage {
		rows, p.HasNext = rows[:q.PerPage], true
	}
	p.Items = rows
	if len(rows) == 0 {
		return p, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	counts, err := s.citationCounts(ctx, ids)
	if err != nil {
		return SourcePage{}, err
	}
	p.Citations = counts
	return p, nil
}

// citationCounts counts the live claims citing each source.
func (s *Store) citationCounts(ctx context.Context, sourceIDs []int64) (map[int64]int, error) {
	var rows []struct {
		SourceID int64
		N        int
	}
	err := s.conn(ctx).Table("evidence").Select("evidence.source_id, count(DISTINCT evidence.claim_id) AS n").
		Joins("JOIN claims ON claims.id = evidence.claim_id").
		Where("evidence.source_id IN ? AND claims.deleted_at IS NULL", sourceIDs).
		Group("evidence.source_id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: citation counts: %w", err)
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.SourceID] = r.N
	}
	return out, nil
}

// Citation is one use of a source: the evidence and the claim it supports,
// refutes, explains or locates.
type Citation struct {
	Evidence models.Evidence
	Claim    models.ClaimDetail
}

// SourceCitations returns the live claims citing a source, newest link first.
func (s *Store) SourceCitations(ctx context.Context, sourceID int64, page, perPage int) ([]Citation, bool, error) {
	page = max(page, 1)
	if perPage <= 0 || perPage > 100 {
		perPage = 50
	}
	var ev []models.Evidence
	err := s.conn(ctx).Table("evidence").Select("evidence.*").
		Joins("JOIN claims ON claims.id = evidence.claim_id").
		Where("evidence.source_id = ? AND claims.deleted_at IS NULL", sourceID).
		Order("evidence.id DESC").Offset((page - 1) * perPage).Limit(perPage + 1).Find(&ev).Error
	if err != nil {
		return nil, false, fmt.Errorf("store: citations of source %d: %w", sourceID, err)
	}
	more := len(ev) > perPage
	if more {
		ev = ev[:perPage]
	}
	if len(ev) == 0 {
		return nil, false, nil
	}
	ids := make([]int64, 0, len(ev))
	for _, e := range ev {
		if !slices.Contains(ids, e.ClaimID) {
			ids = append(ids, e.ClaimID)
		}
	}
	var cs []models.Claim
	if err := s.conn(ctx).Where("id IN ?", ids).Find(&cs).Error; err != nil {
		return nil, false, fmt.Errorf("store: cited claims: %w", err)
	}
	ds, err := s.details(ctx, cs)
	if err != nil {
		return nil, false, err
	}
	byID := make(map[int64]models.ClaimDetail, len(ds))
	for _, d := range ds {
		byID[d.ID] = d
	}
	out := make([]Citation, len(ev))
	for i, e := range ev {
		out[i] = Citation{Evidence: e, Claim: byID[e.ClaimID]}
	}
	return out, more, nil
}

// ---- Evidence ----

// ParseStance turns user input into a Stance.
func ParseStance(s string) (models.Stance, error) {
	st := models.Stance(strings.ToLower(strings.TrimSpace(s)))
	if !slices.Contains(models.Stances, st) {
		if strings.TrimSpace(s) == "" {
			return "", models.Invalid("stance", "Choose what the source shows: supports, refutes, context or origin.")
		}
		return "", models.Invalid("stance", "Unknown stance %q: choose supports, refutes, context or origin.", s)
	}
	return st, nil
}

// EvidenceInput links a claim to a source: an existing one (SourceID) or
// one given by its address (Source), which is added to the library unless
// the library already has it.
type EvidenceInput struct {
	SourceID *int64
	Source   *SourceInput
	Stance   string
	Passage  string
	Note     string
}

func validateEvidenceText(passage, note *string, v models.ValidationError) {
	if passage != nil {
		*passage = strings.TrimSpace(*passage)
		if n := len([]rune(*passage)); n > MaxPassageRunes {
			v.Add("passage", fmt.Sprintf("Quote at most %d characters of the source (this passage has %d): keep the part that matters.", MaxPassageRunes, n))
		}
	}
	if note != nil {
		*note = strings.TrimSpace(*note)
		if len([]rune(*note)) > MaxEvidenceNoteRunes {
			v.Add("note", "Keep the note under 2,000 characters.")
		}
	}
}

// AddEvidence links a claim to a source in one transaction, adding the
// source to the library first when it is new. The same source with the
// same stance twice is a *models.ConflictError carrying the existing
// evidence; a missing claim is ErrNotFound.
func (s *Store) AddEvidence(ctx context.Context, actor Actor, claimID int64, in EvidenceInput) (models.EvidenceDetail, error) {
	v := models.ValidationError{}
	stance, err := ParseStance(in.Stance)
	if err != nil {
		v.Add("stance", err.(models.ValidationError)["stance"])
	}
	validateEvidenceText(&in.Passage, &in.Note, v)
	switch {
	case in.SourceID == nil && in.Source == nil:
		v.Add("source_id", "Choose a source from the library, or give the address of a new one.")
	case in.SourceID != nil && in.Source != nil:
		v.Add("source_id", "Give either a library source or a new address, not both.")
	}
	if len(v) > 0 {
		return models.EvidenceDetail{}, v
	}
	var e models.Evidence
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var c models.Claim
		if err := tx.Select("id, article_id").Where("deleted_at IS NULL").First(&c, claimID).Error; err != nil {
			return lookupErr(err, "claim", claimID)
		}
		var src models.Source
		if in.SourceID != nil {
			res := tx.Limit(1).Find(&src, *in.SourceID)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return models.Invalid("source_id", "There is no source %d in the library.", *in.SourceID)
			}
		} else {
			var err error
			if src, _, err = s.createSource(tx, actor, *in.Source, "source.", true); err != nil {
				return err
			}
		}
		var dup models.Evidence
		res := tx.Where("claim_id = ? AND source_id = ? AND stance = ?", claimID, src.ID, stance).Limit(1).Find(&dup)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected > 0 {
			return &models.ConflictError{
				Message: fmt.Sprintf("“%s” is already linked to this claim as %s (evidence %d). Edit that link instead of adding it again.", sourceLabel(src), stance, dup.ID),
				Current: dup,
			}
		}
		now := s.nowUTC()
		e = models.Evidence{ClaimID: claimID, SourceID: src.ID, Stance: stance, Passage: in.Passage, Note: in.Note,
			AddedBy: actor.ID, Version: 1, CreatedAt: now, UpdatedAt: &now}
		if err := tx.Create(&e).Error; err != nil {
			return writeErr(err, "evidence")
		}
		return s.appendHistory(tx, actor, evidenceEntry(e, c.ArticleID, "created"), Changes{
			"source_id": {nil, src.ID}, "stance": {nil, e.Stance}, "passage": {nil, e.Passage}, "note": {nil, e.Note},
		})
	})
	if err != nil {
		return models.EvidenceDetail{}, err
	}
	return s.EvidenceItem(ctx, e.ID)
}

func evidenceEntry(e models.Evidence, articleID int64, action string) models.HistoryEntry {
	return models.HistoryEntry{EntityType: "evidence", EntityID: e.ID, ClaimID: &e.ClaimID, ArticleID: &articleID, Action: action}
}

// EvidenceItem returns one evidence link with its source and who added it.
func (s *Store) EvidenceItem(ctx context.Context, id int64) (models.EvidenceDetail, error) {
	var e models.Evidence
	if err := s.conn(ctx).First(&e, id).Error; err != nil {
		return models.EvidenceDetail{}, lookupErr(err, "evidence", id)
	}
	ds, err := s.evidenceDetails(ctx, []models.Evidence{e})
	if err != nil {
		return models.EvidenceDetail{}, err
	}
	return ds[0], nil
}

// ClaimEvidence returns a live claim's evidence, in the order it was added.
func (s *Store) ClaimEvidence(ctx context.Context, claimID int64) ([]models.EvidenceDetail, error) {
	var n int64
	if err := s.conn(ctx).Model(&models.Claim{}).Where("id = ? AND deleted_at IS NULL", claimID).Count(&n).Error; err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("claim %d: %w", claimID, models.ErrNotFound)
	}
	var ev []models.Evidence
	if err := s.conn(ctx).Where("claim_id = ?", claimID).Order("id").Limit(1000).Find(&ev).Error; err != nil {
		return nil, fmt.Errorf("store: evidence of claim %d: %w", claimID, err)
	}
	return s.evidenceDetails(ctx, ev)
}

// evidenceDetails loads sources and names with one query each.
func (s *Store) evidenceDetails(ctx context.Context, ev []models.Evidence) ([]models.EvidenceDetail, error) {
	out := make([]models.EvidenceDetail, len(ev))
	if len(ev) == 0 {
		return out, nil
	}
	var sourceIDs, userIDs []int64
	for _, e := range ev {
		sourceIDs = append(sourceIDs, e.SourceID)
		userIDs = append(userIDs, e.AddedBy)
	}
	var srcs []models.Source
	if err := s.conn(ctx).Where("id IN ?", sourceIDs).Find(&srcs).Error; err != nil {
		return nil, fmt.Errorf("store: evidence sources: %w", err)
	}
	byID := make(map[int64]models.Source, len(srcs))
	for _, src := range srcs {
		byID[src.ID] = src
	}
	var users []models.User
	if err := s.conn(ctx).Select("id, name").Where("id IN ?", userIDs).Find(&users).Error; err != nil {
		return nil, fmt.Errorf("store: evidence users: %w", err)
	}
	names := make(map[int64]string, len(users))
	for _, u := range users {
		names[u.ID] = u.Name
	}
	for i, e := range ev {
		out[i] = models.EvidenceDetail{Evidence: e, Source: byID[e.SourceID], AddedByName: names[e.AddedBy]}
	}
	return out, nil
}

// EvidencePatch changes an evidence link. Nil fields stay as they are.
type EvidencePatch struct {
	Version int
	Stance  *string
	Passage *string
	Note    *string
}

// UpdateEvidence applies p if the link is still at p.Version; otherwise it
// returns a *models.ConflictError carrying the current link.
func (s *Store) UpdateEvidence(ctx context.Context, actor Actor, id int64, p EvidencePatch) (models.EvidenceDetail, error) {
	v := models.ValidationError{}
	if p.Version <= 0 {
		v.Add("version", "Send the version of the evidence your change is based on.")
	}
	var stance models.Stance
	if p.Stance != nil {
		st, err := ParseStance(*p.Stance)
		if err != nil {
			v.Add("stance", err.(models.ValidationError)["stance"])
		}
		stance = st
	}
	validateEvidenceText(p.Passage, p.Note, v)
	if len(v) > 0 {
		return models.EvidenceDetail{}, v
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var e models.Evidence
		if err := tx.First(&e, id).Error; err != nil {
			return lookupErr(err, "evidence", id)
		}
		c, err := liveClaim(tx, e.ClaimID)
		if err != nil {
			return err
		}
		if e.Version != p.Version {
			return staleEvidence(e)
		}
		old := e
		if p.Stance != nil {
			e.Stance = stance
		}
		if p.Passage != nil {
			e.Passage = *p.Passage
		}
		if p.Note != nil {
			e.Note = *p.Note
		}
		ch := Changes{}
		ch.diff("stance", old.Stance, e.Stance)
		ch.diff("passage", old.Passage, e.Passage)
		ch.diff("note", old.Note, e.Note)
		if len(ch) == 0 {
			return nil
		}
		if e.Stance != old.Stance {
			var dup models.Evidence
			res := tx.Where("claim_id = ? AND source_id = ? AND stance = ? AND id <> ?", e.ClaimID, e.SourceID, e.Stance, e.ID).Limit(1).Find(&dup)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected > 0 {
				return &models.ConflictError{Message: fmt.Sprintf("This source is already linked to the claim as %s (evidence %d).", e.Stance, dup.ID), Current: dup}
			}
		}
		now := s.nowUTC()
		e.Version++
		res := tx.Model(&models.Evidence{}).Where("id = ? AND version = ?", id, p.Version).Updates(map[string]any{
			"stance": e.Stance, "passage": e.Passage, "note": e.Note, "version": e.Version, "updated_at": now,
		})
		if res.Error != nil {
			return writeErr(res.Error, "evidence")
		}
		if res.RowsAffected == 0 {
			var cur models.Evidence
			if err := tx.First(&cur, id).Error; err != nil {
				return lookupErr(err, "evidence", id)
			}
			return staleEvidence(cur)
		}
		return s.appendHistory(tx, actor, evidenceEntry(e, c.ArticleID, "updated"), ch)
	})
	if err != nil {
		return models.EvidenceDetail{}, err
	}
	return s.EvidenceItem(ctx, id)
}

func liveClaim(tx *gorm.DB, id int64) (models.Claim, error) {
	var c models.Claim
	if err := tx.Select("id, article_id, version").Where("deleted_at IS NULL").First(&c, id).Error; err != nil {
		return c, lookupErr(err, "claim", id)
	}
	return c, nil
}

func staleEvidence(cur models.Evidence) error {
	return &models.ConflictError{
		Message: fmt.Sprintf("Someone else changed this evidence (now version %d). Your change was not saved: review theirs and apply yours again.", cur.Version),
		Current: cur,
	}
}

// DeleteEvidence removes a link between a claim and a source; the source
// stays in the library and history keeps what the link said. version 0
// skips the version check.
func (s *Store) DeleteEvidence(ctx context.Context, actor Actor, id int64, version int) (models.Evidence, error) {
	var e models.Evidence
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.First(&e, id).Error; err != nil {
			return lookupErr(err, "evidence", id)
		}
		c, err := liveClaim(tx, e.ClaimID)
		if err != nil {
			return err
		}
		if version != 0 && e.Version != version {
			return staleEvidence(e)
		}
		if err := tx.Where("id = ?", id).Delete(&models.Evidence{}).Error; err != nil {
			return fmt.Errorf("store: delete evidence %d: %w", id, err)
		}
		return s.appendHistory(tx, actor, evidenceEntry(e, c.ArticleID, "deleted"), Changes{
			"source_id": {e.SourceID, nil}, "stance": {e.Stance, nil}, "passage": {e.Passage, nil}, "note": {e.Note, nil},
		})
	})
	return e, err
}

// ---- Where the claim was made ----

// ClaimOrigin is where and when a claim was made, as ClaimReview's
// itemReviewed models it: date, place, first appearance and other
// appearances (normalised URLs).
type ClaimOrigin struct {
	ClaimID         int64
	Version         int // the claim's version
	ClaimedAt       *time.Time
	Place           string
	FirstAppearance string
	Appearances     []string
}

// ClaimOrigin returns where a live claim was made.
func (s *Store) ClaimOrigin(ctx context.Context, claimID int64) (ClaimOrigin, error) {
	var c models.Claim
	if err := s.conn(ctx).Select("id, version, claimed_at, claimed_place").Where("deleted_at IS NULL").First(&c, claimID).Error; err != nil {
		return ClaimOrigin{}, lookupErr(err, "claim", claimID)
	}
	apps, err := s.Appearances(ctx, []int64{claimID})
	if err != nil {
		return ClaimOrigin{}, err
	}
	return originOf(c, apps[claimID]), nil
}

func originOf(c models.Claim, apps []models.Appearance) ClaimOrigin {
	o := ClaimOrigin{ClaimID: c.ID, Version: c.Version, ClaimedAt: c.ClaimedAt, Place: c.ClaimedPlace, Appearances: []string{}}
	for _, a := range apps {
		if a.First {
			o.FirstAppearance = a.URL
		} else {
			o.Appearances = append(o.Appearances, a.URL)
		}
	}
	return o
}

// Appearances returns the appearances of several claims in one query,
// first appearance first (for pages and exports).
func (s *Store) Appearances(ctx context.Context, claimIDs []int64) (map[int64][]models.Appearance, error) {
	out := map[int64][]models.Appearance{}
	if len(claimIDs) == 0 {
		return out, nil
	}
	var rows []models.Appearance
	if err := s.conn(ctx).Where("claim_id IN ?", claimIDs).Order("claim_id, first DESC, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: appearances: %w", err)
	}
	for _, a := range rows {
		out[a.ClaimID] = append(out[a.ClaimID], a)
	}
	return out, nil
}

// OriginInput changes where a claim was made. Nil fields stay as they are;
// Version is the claim's version the change is based on.
type OriginInput struct {
	Version         int
	Place           *string
	FirstAppearance *string   // "" clears
	Appearances     *[]string // replaces the other appearances
}

// SetClaimOrigin records where a claim was made, if the claim is still at
// in.Version, and moves the claim to its next version.
func (s *Store) SetClaimOrigin(ctx context.Context, actor Actor, claimID int64, in OriginInput) (ClaimOrigin, error) {
	v := models.ValidationError{}
	if in.Version <= 0 {
		v.Add("version", "Send the version of the claim your change is based on.")
	}
	var place, first string
	if in.Place != nil {
		place = oneLine(*in.Place)
		if len([]rune(place)) > MaxPlaceRunes {
			v.Add("place", "Keep the place under 200 characters.")
		}
	}
	if in.FirstAppearance != nil && strings.TrimSpace(*in.FirstAppearance) != "" {
		u, err := NormalizeURL(*in.FirstAppearance)
		if err != nil {
			v.Add("first_appearance", err.Error())
		}
		first = u
	}
	var others []string
	if in.Appearances != nil {
		if len(*in.Appearances) > MaxAppearances {
			v.Add("appearances", fmt.Sprintf("List at most %d appearances.", MaxAppearances))
		}
		for _, raw := range *in.Appearances {
			if strings.TrimSpace(raw) == "" {
				continue
			}
			u, err := NormalizeURL(raw)
			if err != nil {
				v.Add("appearances", fmt.Sprintf("%q: %s", clip(raw, 80), err.Error()))
				continue
			}
			if !slices.Contains(others, u) {
				others = append(others, u)
			}
		}
	}
	if len(v) > 0 {
		return ClaimOrigin{}, v
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var c models.Claim
		if err := tx.Where("deleted_at IS NULL").First(&c, claimID).Error; err != nil {
			return lookupErr(err, "claim", claimID)
		}
		if c.Version != in.Version {
			return s.staleClaim(ctx, tx, c)
		}
		var apps []models.Appearance
		if err := tx.Where("claim_id = ?", claimID).Order("first DESC, id").Find(&apps).Error; err != nil {
			return err
		}
		old := originOf(c, apps)
		now := originOf(c, apps)
		if in.Place != nil {
			now.Place = place
		}
		if in.FirstAppearance != nil {
			now.FirstAppearance = first
		}
		if in.Appearances != nil {
			now.Appearances = others
		}
		now.Appearances = slices.DeleteFunc(slices.Clone(now.Appearances), func(u string) bool { return u == now.FirstAppearance })
		ch := Changes{}
		ch.diff("claimed_place", old.Place, now.Place)
		ch.diff("first_appearance", old.FirstAppearance, now.FirstAppearance)
		ch.diff("appearances", strings.Join(old.Appearances, " "), strings.Join(now.Appearances, " "))
		if len(ch) == 0 {
			return nil
		}
		if _, ok := ch["appearances"]; ok {
			ch["appearances"] = Change{old.Appearances, now.Appearances}
		}
		if err := tx.Where("claim_id = ?", claimID).Delete(&models.Appearance{}).Error; err != nil {
			return fmt.Errorf("store: clear appearances: %w", err)
		}
		var rows []models.Appearance
		if now.FirstAppearance != "" {
			rows = append(rows, models.Appearance{ClaimID: claimID, URL: now.FirstAppearance, First: true})
		}
		for _, u := range now.Appearances {
			rows = append(rows, models.Appearance{ClaimID: claimID, URL: u})
		}
		if len(rows) > 0 {
			if err := tx.Create(&rows).Error; err != nil {
				return writeErr(err, "appearance")
			}
		}
		res := tx.Model(&models.Claim{}).Where("id = ? AND version = ?", claimID, in.Version).
			Updates(map[string]any{"claimed_place": now.Place, "version": c.Version + 1, "updated_at": s.nowUTC()})
		if res.Error != nil {
			return writeErr(res.Error, "claim")
		}
		if res.RowsAffected == 0 {
			return s.staleClaim(ctx, tx, c)
		}
		c.Version++
		return s.appendHistory(tx, actor, claimEntry(c, "updated"), ch)
	})
	if err != nil {
		return ClaimOrigin{}, err
	}
	return s.ClaimOrigin(ctx, claimID)
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

package export

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/claimdesk/claimdesk/internal/models"
)

// utf8BOM starts the CSV file. Excel opens a CSV without it in the
// system's legacy code page and garbles every non-ASCII character (curly
// quotes, accents, emoji); with it, Excel, LibreOffice and Numbers all read
// UTF-8. Programs reading the file must skip it (Go's encoding/csv does not).
const utf8BOM = "\uFEFF"

// csvHeader names the columns of WriteCSV, in order.
var csvHeader = []string{
	"article_id", "article_title", "claim_id", "number",
	"start", "end", "quote", "prefix", "suffix",
	"summary", "type", "claimant", "claimant_kind", "claimed_at",
	"state", "verdict", "verdict_value", "explanation", "rationale", "notes",
	"proposed_by", "assignee", "due",
	"anchor_state", "anchor_revision", "previous_quote", "version",
	"created_by", "created_at", "updated_at",
	"evidence", "appearances", "url",
}

// WriteCSV writes one row per claim, in reading order, after a header row.
// The file starts with a UTF-8 byte order mark (for Excel) and ends lines
// with CRLF (RFC 4180). Offsets are code points; codes (type, state,
// anchor_state) are the stable values, not the labels; timestamps are
// ISO 8601 UTC and dates YYYY-MM-DD. Evidence is "stance: title <url>"
// joined by " | ".
//
// Any cell from user text that a spreadsheet could run as a formula (one
// starting with = + - @, a tab or a line break, or the full-width forms of
// = + - @) gets a leading apostrophe, which spreadsheets show as text.
// Line breaks inside cells are LF (CR and CRLF are normalised to it).
func WriteCSV(w io.Writer, d Document) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	_ = cw.Write(csvHeader)
	for i, c := range d.Claims {
		_ = cw.Write(csvRow(d, claimNumber(c, i), c))
	}
	cw.Flush()
	return cw.Error() // errors are sticky: one check after Flush covers every Write
}

func csvRow(d Document, n int, c models.ClaimDetail) []string {
	name := func(id *int64) string {
		if id == nil {
			return ""
		}
		return d.Creators[*id]
	}
	var claimant, kind string
	if c.Claimant != nil {
		claimant, kind = c.Claimant.Name, c.Claimant.Kind
	}
	var verdict, value string
	if c.Verdict != nil {
		verdict = c.Verdict.Label
		if c.Verdict.Value != nil {
			value = strconv.Itoa(*c.Verdict.Value)
		}
	}
	anchorRev := ""
	if c.AnchorRevision > 0 {
		anchorRev = strconv.Itoa(c.AnchorRevision)
	}
	creator := d.Creators[c.CreatedBy]
	return []string{
		itoa(d.Article.ID),
		cell(d.Article.Title),
		itoa(c.ID),
		strconv.Itoa(n),
		strconv.Itoa(c.Start),
		strconv.Itoa(c.End),
		cell(c.Quote),
		cell(c.Prefix),
		cell(c.Suffix),
		cell(c.Summary),
		cell(string(c.Type)),
		cell(claimant),
		cell(kind),
		day(c.ClaimedAt),
		cell(string(c.State)),
		cell(verdict),
		value,
		cell(c.Explanation),
		cell(c.Rationale),
		cell(c.Notes),
		cell(name(c.ProposedBy)),
		cell(c.AssigneeName),
		day(c.Due),
		cell(string(c.AnchorState)),
		anchorRev,
		cell(c.PreviousQuote),
		strconv.Itoa(c.Version),
		cell(creator),
		stamp(c.CreatedAt),
		stamp(c.UpdatedAt),
		cell(evidenceCell(d.Evidence[c.ID])),
		cell(appearancesCell(d.Appearances[c.ID])),
		d.claimURL(c.ID),
	}
}

// evidenceCell is "stance: title <url>" for each piece of evidence, joined
// by " | ".
func evidenceCell(evs []models.EvidenceDetail) string {
	parts := make([]string, 0, len(evs))
	for _, ev := range evs {
		s := string(ev.Stance) + ": " + oneLine(ev.Source.Title)
		if u := strings.TrimSpace(ev.Source.URL); u != "" {
			s += " <" + u + ">"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " | ")
}

// appearancesCell lists appearance URLs joined by " | ", the first
// appearance marked.
func appearancesCell(aps []models.Appearance) string {
	parts := make([]string, 0, len(aps))
	for _, ap := range aps {
		s := strings.TrimSpace(ap.URL)
		if ap.First {
			s += " (first)"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " | ")
}

// cell neutralises a user-text cell that a spreadsheet would read as a
// formula (OWASP "CSV injection"), by prefixing an apostrophe.
// Line breaks are normalised to LF first (written as CRLF inside the quoted
// cell), so a lone CR, which CSV readers drop, cannot alter the text.
func cell(s string) string {
	if s == "" {
		return s
	}
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + s
	}
	for _, p := range []string{"＝", "＋", "－", "＠"} { // full-width forms
		if strings.HasPrefix(s, p) {
			return "'" + s
		}
	}
	return s
}

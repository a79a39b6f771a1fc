package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/views"
)

// historyRoutes registers history's read routes: nothing edits or deletes it.
func (h *handler) historyRoutes(pages, api *echo.Group) {
	pages.GET("/articles/:id/history", h.articleHistory)
	api.GET("/claims/:id/history", h.apiClaimHistory)
	api.GET("/articles/:id/history", h.apiArticleHistory)
}

// technicalFields are positions and counters that matter to an audit but
// not to a fact-checker reading the history: shown folded away.
var technicalFields = map[string]bool{"start": true, "end": true, "revision": true, "anchor_revision": true, "version": true, "review_round": true}

var fieldLabels = map[string]string{
	"state": "State", "verdict_id": "Verdict", "verdict": "Verdict", "explanation": "Explanation", "rationale": "Rationale",
	"assignee_id": "Assignee", "due": "Due date", "reason": "Reason", "note": "Note", "round": "Review round",
	"summary": "Summary", "type": "Type", "claimant_id": "Claimant", "claimed_at": "Claimed on", "notes": "Notes",
	"quote": "Quote", "start": "Start", "end": "End", "anchor_state": "Anchor", "title": "Title", "outlet": "Outlet",
	"source_url": "Source URL", "revision": "Revision", "label": "Label", "value": "Value", "colour": "Colour",
	"description": "Description", "not_checkable": "Not checkable", "position": "Position", "proposed_by": "Proposed by",
	"claims_moved": "Claims moved", "claims_moved_to": "Claims moved to",
	"published_at": "Published", "reverified_at": "Re-verified", "under_reverification_since": "Under re-verification since",
	"correction_note": "Public correction note", "correction": "Public correction",
}

// fieldOrder puts the fields people care most about first.
var fieldOrder = []string{"state", "verdict_id", "verdict", "explanation", "rationale", "assignee_id", "due", "reason", "note", "round",
	"quote", "summary", "claimant_id", "type", "claimed_at", "notes", "start", "end"}

func fieldRank(f string) int {
	if i := slices.Index(fieldOrder, f); i >= 0 {
		return i
	}
	return len(fieldOrder)
}

// historyItem turns an entry into words. withSubject names and links the
// claim an entry is about (for the article's history).
func historyItem(e models.HistoryEntry, names store.HistoryNames, withSubject bool) views.HistoryItem {
	it := views.HistoryItem{ID: e.ID, At: e.CreatedAt, Actor: e.ActorName}
	if it.Actor == "" {
		it.Actor = "Claimdesk"
	}
	var verb string
	switch e.EntityType + " " + e.Action {
	case "claim created":
		verb = "marked"
	case "claim updated":
		verb = "edited"
	case "claim state changed":
		verb = "changed the state of"
	case "claim deleted":
		verb = "deleted"
	case "approval approved":
		verb = "approved the verdict on"
	case "approval rejected":
		verb = "rejected the verdict on"
	case "claim verdict stands":
		verb = "confirmed the published verdict still stands on"
	case "claim correction started":
		verb = "started a public correction of"
	case "claim withdrawn":
		verb = "withdrew the published fact-check of"
	case "claim linked":
		verb = "linked an earlier check to"
	case "claim unlinked":
		verb = "removed the earlier check linked to"
	default:
		verb = e.Action + " " + strings.ReplaceAll(e.EntityType, "_", " ")
		if e.ClaimID != nil {
			verb += " on"
		}
	}
	it.What = verb
	switch {
	case e.ClaimID != nil && withSubject:
		it.Subject, it.Link = claimSubject(*e.ClaimID, names), "/claims/"+itoa(*e.ClaimID)
	case e.ClaimID != nil:
		it.Subject = "the claim"
	case e.EntityType == "article":
		it.What, it.Subject = strings.TrimSuffix(verb, " article"), "the article"
		if e.Action == "created" {
			it.What = "added"
		}
	}
	var ch map[string][2]any
	if json.Unmarshal([]byte(e.Changes), &ch) != nil {
		return it
	}
	fields := make([]string, 0, len(ch))
	for f := range ch {
		fields = append(fields, f)
	}
	slices.SortFunc(fields, func(a, b string) int {
		if d := fieldRank(a) - fieldRank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	for _, f := range fields {
		label, ok := fieldLabels[f]
		if !ok {
			label = strings.ReplaceAll(f, "_", " ")
		}
		old, now := historyValue(f, ch[f][0], names), historyValue(f, ch[f][1], names)
		if old == "" && now == "" {
			continue // e.g. an empty summary when a claim is marked
		}
		it.Changes = append(it.Changes, views.FieldChange{Field: label, Old: old, New: now, Note: f == "reason" || f == "note" || f == "correction_note" || f == "correction",
			Technical: technicalFields[f]})
	}
	return it
}

// claimSubject names a claim in history by its number ("claim 3"); a claim
// whose row is gone keeps its id.
func claimSubject(id int64, names store.HistoryNames) string {
	if n := names.Claims[id]; n > 0 {
		return "claim " + itoa(n)
	}
	return "claim (id " + itoa(id) + ")"
}

func historyValue(field string, v any, names store.HistoryNames) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64:
		id := int64(x)
		switch field {
		case "verdict_id":
			if n, ok := names.Verdicts[id]; ok {
				return n
			}
			return "label " + itoa(id) + " (deleted)"
		case "assignee_id", "proposed_by", "user_id":
			if n, ok := names.Users[id]; ok {
				return n
			}
		case "claimant_id":
			if n, ok := names.Claimants[id]; ok {
				return n
			}
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		if field == "published_at" || field == "reverified_at" || field == "under_reverification_since" {
			if t, err := time.Parse(time.RFC3339, x); err == nil {
				return t.UTC().Format("2 January 2006, 15:04 UTC")
			}
		}
		if field == "state" || field == "anchor_state" {
			if st := models.State(x); st.Valid() {
				return st.Label()
			}
		}
		return clipText(x, 300)
	}
	b, _ := json.Marshal(v)
	return clipText(string(b), 300)
}

// articleHistory is the history of an article and its claims, newest first.
func (h *handler) articleHistory(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	before, err := optionalID(c, "before")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a, err := h.store.Article(ctx, id)
	if err != nil {
		return err
	}
	const perPage = 100
	hist, err := h.store.ArticleHistory(ctx, id, before, perPage)
	if err != nil {
		return err
	}
	names, err := h.store.HistoryNames(ctx, hist)
	if err != nil {
		return err
	}
	v := views.ArticleHistoryView{Article: a}
	for _, e := range hist {
		v.Items = append(v.Items, historyItem(e, names, true))
	}
	if len(hist) == perPage {
		v.Older = hist[len(hist)-1].ID
	}
	return render(c, http.StatusOK, views.ArticleHistoryPage(v))
}

type historyJSON struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	Actor      *userRef        `json:"actor"`
	EntityType string          `json:"entity_type"`
	EntityID   int64           `json:"entity_id"`
	ClaimID    *int64          `json:"claim_id"`
	ArticleID  *int64          `json:"article_id"`
	Action     string          `json:"action"`
	Changes    json.RawMessage `json:"changes"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

func toHistoryJSON(es []models.HistoryEntry) []historyJSON {
	out := make([]historyJSON, len(es))
	for i, e := range es {
		j := historyJSON{ID: e.ID, At: e.CreatedAt, EntityType: e.EntityType, EntityID: e.EntityID, ClaimID: e.ClaimID, ArticleID: e.ArticleID,
			Action: e.Action, Changes: json.RawMessage(e.Changes), PrevHash: e.PrevHash, Hash: e.Hash}
		if !json.Valid(j.Changes) {
			j.Changes = json.RawMessage("{}")
		}
		if e.ActorID != nil || e.ActorName != "" {
			j.Actor = &userRef{Name: e.ActorName}
			if e.ActorID != nil {
				j.Actor.ID = *e.ActorID
			}
		}
		out[i] = j
	}
	return out
}

func (h *handler) apiClaimHistory(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.store.Claim(ctx, id); err != nil {
		return err
	}
	hist, err := h.store.ClaimHistory(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": toHistoryJSON(hist)})
}

func (h *handler) apiArticleHistory(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	before, err := optionalID(c, "before")
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", 100, 500)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.store.Article(ctx, id); err != nil {
		return err
	}
	hist, err := h.store.ArticleHistory(ctx, id, before, limit)
	if err != nil {
		return err
	}
	var next *string
	if len(hist) == limit {
		q := url.Values{"before": {itoa(hist[len(hist)-1].ID)}, "limit": {strconv.Itoa(limit)}}
		s := fmt.Sprintf("/api/v1/articles/%d/history?%s", id, q.Encode())
		next = &s
	}
	return c.JSON(http.StatusOK, map[string]any{"items": toHistoryJSON(hist), "next": next})
}

package handlers

import (
	"math"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/claimdesk/claimdesk/internal/match"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

// matchRoutes: "has this been checked before?" (issue 11 part 3): the API,
// the box, the mark dialog's suggestions, similar claims and links on the
// claim page, and the article scan.
func (h *handler) matchRoutes(signedIn, api *echo.Group) {
	api.POST("/match", h.apiMatch)
}

// Limits of a match request.
const (
	defaultMatchLimit = 10
	maxMatchLimit     = 50
)

type matchRequest struct {
	Text  *string `json:"text"`
	Limit *int    `json:"limit"`
}

// matchJSON is one match in the API.
type matchJSON struct {
	Kind      string  `json:"kind"`
	ID        int64   `json:"id"`
	Score     float64 `json:"score"`
	Suggest   bool    `json:"suggest"` // score at or above the threshold
	Text      string  `json:"text"`
	Rating    string  `json:"rating"`
	URL       string  `json:"url"`
	Publisher string  `json:"publisher"`
	Date      *string `json:"date"`
	State     string  `json:"state,omitempty"` // our claims
}

type matchListJSON struct {
	Items     []matchJSON `json:"items"`
	Threshold float64     `json:"threshold"`
}

func (h *handler) apiMatch(c echo.Context) error {
	var req matchRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	limit := defaultMatchLimit
	if req.Limit != nil {
		if *req.Limit < 1 || *req.Limit > maxMatchLimit {
			return &badRequest{msg: "The limit is out of range.", fields: map[string]string{"limit": "Give a limit from 1 to 50 (10 when left out)."}}
		}
		limit = *req.Limit
	}
	text := ""
	if req.Text != nil {
		text = *req.Text
	}
	if err := validMatchText(text); err != nil {
		return err
	}
	items, err := h.matcher.Match(c.Request().Context(), match.Query{Text: text}, limit)
	if err != nil {
		return err
	}
	out, err := h.matchList(c, items)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// validMatchText refuses empty text and text over match.MaxQueryRunes.
func validMatchText(text string) error {
	switch {
	case strings.TrimSpace(text) == "":
		return models.ValidationError{"text": "Give the text to match: a claim, a sentence or a post."}
	case utf8.RuneCountInString(text) > match.MaxQueryRunes:
		return models.ValidationError{"text": "Keep the text to 10,000 characters: match one claim or passage at a time."}
	}
	return nil
}

// matchList is the API's shape of matches: absolute addresses, our
// newsroom as the publisher of our claims, scores to four places.
func (h *handler) matchList(c echo.Context, items []store.MatchItem) (matchListJSON, error) {
	out := matchListJSON{Items: make([]matchJSON, 0, len(items)), Threshold: match.Threshold}
	newsroom := ""
	for _, it := range items {
		if it.Kind == store.MatchClaim && newsroom == "" {
			settings, err := h.store.Settings(c.Request().Context())
			if err != nil {
				return out, err
			}
			newsroom = settings["newsroom_name"]
			break
		}
	}
	for _, it := range items {
		j := matchJSON{Kind: it.Kind, ID: it.ID, Score: math.Round(it.Score*1e4) / 1e4, Suggest: it.Score >= match.Threshold,
			Text: it.Text, Rating: it.Rating, URL: it.URL, Publisher: it.Publisher}
		if it.Kind == store.MatchClaim {
			j.URL, j.Publisher, j.State = h.baseURL+"/claims/"+itoa(it.ID), newsroom, string(it.State)
		}
		if it.Date != nil {
			d := it.Date.Format("2006-01-02")
			j.Date = &d
		}
		out.Items = append(out.Items, j)
	}
	return out, nil
}

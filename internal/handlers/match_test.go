package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
)

func mtDay(s string) *time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return &t
}

// mtLibrary puts three fact-checks in the app's library and returns their ids.
func mtLibrary(t *testing.T, a *app) []int64 {
	t.Helper()
	w, err := a.store.UpsertFactChecks(context.Background(), store.Actor{Name: "test"}, []models.FactCheck{
		{URL: "https://checks.example/putin-interference", ClaimReviewed: "The Russian state has never interfered in the internal affairs of the United States, including the election process.",
			Headline: "Did Putin say Russia never interfered?", Excerpt: "US intelligence agencies concluded that Russia interfered in the 2016 election.",
			RatingName: "False", PublisherName: "Checks Example", DatePublished: mtDay("2018-07-17")},
		{URL: "https://checks.example/wedding-rings", ClaimReviewed: "A photograph shows wedding rings removed from Holocaust victims.", Headline: "Wedding rings photo <script>alert(1)</script>",
			PublisherName: "Checks <b>Example</b>", DatePublished: mtDay("2019-12-01")},
		{URL: "https://checks.example/microchips", ClaimReviewed: "Bill Gates wants to put microchips in vaccines.", Headline: "Gates microchip vaccine",
			RatingName: "Pants on Fire", PublisherName: "Other Checks"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return []int64{w[0].ID, w[1].ID, w[2].ID}
}

const mtPutin = "The Russian state has never interfered and is not going to interfere into internal American affairs, including election process."

func TestAPIMatch(t *testing.T) {
	a := newApp(t)
	ids := mtLibrary(t, a)
	c := a.apiClient(models.RoleViewer)
	status, body, _ := c.call("POST", "/api/v1/match", map[string]any{"text": mtPutin})
	if status != http.StatusOK {
		t.Fatalf("match: %d %v", status, body)
	}
	items, _ := body["items"].([]any)
	if len(items) == 0 {
		t.Fatalf("no matches: %v", body)
	}
	top := items[0].(map[string]any)
	want := map[string]any{"kind": "factcheck", "id": float64(ids[0]), "rating": "False", "publisher": "Checks Example",
		"url": "https://checks.example/putin-interference", "date": "2018-07-17", "suggest": true}
	for k, v := range want {
		if top[k] != v {
			t.Errorf("items[0].%s = %v; want %v", k, top[k], v)
		}
	}
	if s, _ := top["score"].(float64); s <= 0 || s > 1 || !strings.HasPrefix(top["text"].(string), "The Russian state has never interfered") {
		t.Errorf("items[0] = %v", top)
	}
	if th, _ := body["threshold"].(float64); th <= 0 || th >= 1 {
		t.Errorf("threshold = %v", body["threshold"])
	}
	// limit
	status, body, _ = c.call("POST", "/api/v1/match", map[string]any{"text": "Putin Gates microchips wedding rings", "limit": 1})
	if items, _ := body["items"].([]any); status != http.StatusOK || len(items) != 1 {
		t.Errorf("limit 1: %d %v", status, body)
	}
	// A fact-check with no rating says so.
	_, body, _ = c.call("POST", "/api/v1/match", map[string]any{"text": "wedding rings taken from Holocaust victims photo"})
	if items, _ := body["items"].([]any); len(items) == 0 || items[0].(map[string]any)["rating"] != "no rating" {
		t.Errorf("no rating: %v", body)
	}
}

func TestAPIMatchBadInput(t *testing.T) {
	a := newApp(t)
	mtLibrary(t, a)
	c := a.apiClient(models.RoleViewer)
	long := strings.Repeat("x", 10001)
	for _, tc := range []struct {
		name  string
		body  any
		want  int
		field string
	}{
		{"empty text", map[string]any{"text": ""}, 422, "text"},
		{"blank text", map[string]any{"text": " \n\t "}, 422, "text"},
		{"no text", map[string]any{"limit": 3}, 422, "text"},
		{"empty object", map[string]any{}, 422, "text"},
		{"text too long", map[string]any{"text": long}, 422, "text"},
		{"limit 0", map[string]any{"text": "Putin", "limit": 0}, 400, "limit"},
		{"limit 51", map[string]any{"text": "Putin", "limit": 51}, 400, "limit"},
		{"limit negative", map[string]any{"text": "Putin", "limit": -1}, 400, "limit"},
		{"limit a string", map[string]any{"text": "Putin", "limit": "10"}, 400, "limit"},
		{"limit fractional", map[string]any{"text": "Putin", "limit": 2.5}, 400, "limit"},
		{"text a number", map[string]any{"text": 12}, 400, "text"},
		{"unknown field", map[string]any{"text": "Putin", "lang": "en"}, 400, "lang"},
		{"not JSON", "text=Putin", 400, ""},
		{"an array", `["Putin"]`, 400, ""},
		{"NUL", `{"text": "Putin\u0000"}`, 400, ""},
		{"trailing data", `{"text": "Putin"} {}`, 400, ""},
	} {
		status, body, _ := c.call("POST", "/api/v1/match", tc.body)
		if status != tc.want {
			t.Errorf("%s: status %d; want %d (%v)", tc.name, status, tc.want, body)
			continue
		}
		if tc.field != "" && fields(body)[tc.field] == nil {
			t.Errorf("%s: no message for %s: %v", tc.name, tc.field, body)
		}
	}
	// Exactly the limit is fine, in code points.
	if status, body, _ := c.call("POST", "/api/v1/match", map[string]any{"text": strings.Repeat("é", 10000)}); status != http.StatusOK {
		t.Errorf("10,000 characters: %d %v", status, body)
	}
	anon := &client{a: a}
	if status, _, _ := anon.call("POST", "/api/v1/match", map[string]any{"text": "Putin"}); status != http.StatusUnauthorized {
		t.Errorf("without a token: %d", status)
	}
}

const mtHelsinki = `HELSINKI — President Donald Trump met Vladimir Putin in Helsinki on Monday.

Putin said: “The Russian state has never interfered and is not going to interfere into internal American affairs, including the election process.”

The two leaders spoke for more than two hours. Reporters waited outside in the rain.`

func mtArticle(t *testing.T, c *client) (int64, string) {
	t.Helper()
	code, art, _ := c.call("POST", "/api/v1/articles", map[string]any{"title": "Helsinki summit", "text": mtHelsinki, "published_at": "2018-07-16"})
	if code != http.StatusCreated {
		t.Fatalf("create article: %d %v", code, art)
	}
	return int64(num(art, "id")), art["text"].(string)
}

func TestMarkDialogSuggestionsAndLink(t *testing.T) {
	a := newApp(t)
	ids := mtLibrary(t, a)
	id, text := mtArticle(t, a.apiClient(models.RoleEditor))
	b := a.signIn(models.RoleEditor)
	quote := "The Russian state has never interfered and is not going to interfere into internal American affairs"
	res := b.get("/articles/" + itoa(id) + "/suggestions?text=" + url.QueryEscape(quote))
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("suggestions: %d %s", res.StatusCode, res.Body)
	}
	var got matchListBody
	if err := json.Unmarshal([]byte(res.Body), &got); err != nil || len(got.Items) == 0 || len(got.Items) > 3 {
		t.Fatalf("suggestions = %s (%v)", res.Body, err)
	}
	top := got.Items[0]
	if top.ID != ids[0] || top.Kind != "factcheck" || !strings.HasPrefix(top.Ref, "factcheck:"+itoa(ids[0])+":") {
		t.Fatalf("top suggestion = %+v", top)
	}
	for _, it := range got.Items {
		if it.Score < got.Threshold {
			t.Errorf("suggestion below the threshold: %+v", it)
		}
	}
	if res := b.get("/articles/" + itoa(id) + "/suggestions?text=" + url.QueryEscape("Reporters waited outside")); !strings.Contains(res.Body, `"items":[]`) {
		t.Errorf("unrelated words suggested: %s", res.Body)
	}
	if res := b.get("/articles/" + itoa(id) + "/suggestions?text=" + strings.Repeat("a", 10001)); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("too long: %d", res.StatusCode)
	}

	// Marking with a bad match writes nothing; with the suggestion, the claim is linked.
	start := cp(text, quote)
	form := url.Values{"start": {itoa(int64(start))}, "end": {itoa(int64(start + len([]rune(quote))))}, "revision": {"1"}, "match": {"factcheck:abc:0.5"}}
	if res := b.postForm("/articles/"+itoa(id)+"/claims", form); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad match: %d", res.StatusCode)
	}
	if cs, _ := a.store.ArticleClaims(context.Background(), id); len(cs) != 0 {
		t.Fatalf("a claim was written with a bad match: %d", len(cs))
	}
	form.Set("match", top.Ref)
	if res := b.postForm("/articles/"+itoa(id)+"/claims", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark with a match: %d %s", res.StatusCode, res.Body)
	}
	cs, _ := a.store.ArticleClaims(context.Background(), id)
	if len(cs) != 1 {
		t.Fatalf("claims = %d", len(cs))
	}
	l, err := a.store.ClaimLink(context.Background(), cs[0].ID)
	if err != nil || *l.FactCheckID != ids[0] || l.CreatorName != b.user.Name {
		t.Fatalf("link = %+v, %v", l, err)
	}
	// The claim page shows the link; the history has it.
	page := b.get("/claims/" + itoa(cs[0].ID))
	for _, want := range []string{`data-testid="claim-link"`, "Matches an earlier fact-check", "https://checks.example/putin-interference", "Checks Example"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("claim page lacks %q", want)
		}
	}
	hist, _ := a.store.ClaimHistory(context.Background(), cs[0].ID)
	if len(hist) < 2 || hist[1].Action != "linked" {
		t.Errorf("history = %+v", hist)
	}
}

type matchListBody struct {
	Items []struct {
		Kind  string  `json:"kind"`
		ID    int64   `json:"id"`
		Score float64 `json:"score"`
		Ref   string  `json:"ref"`
	} `json:"items"`
	Threshold float64 `json:"threshold"`
}

func TestClaimPageSimilarLinkAndCopy(t *testing.T) {
	a := newApp(t)
	ids := mtLibrary(t, a)
	id, text := mtArticle(t, a.apiClient(models.RoleEditor))
	ed := a.signIn(models.RoleEditor)
	quote := "The Russian state has never interfered and is not going to interfere into internal American affairs, including the election process."
	start := cp(text, quote)
	res := ed.postForm("/articles/"+itoa(id)+"/claims", url.Values{"start": {itoa(int64(start))}, "end": {itoa(int64(start + len([]rune(quote))))}, "revision": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark: %d", res.StatusCode)
	}
	cs, _ := a.store.ArticleClaims(context.Background(), id)
	claim := cs[0]
	page := ed.get("/claims/" + itoa(claim.ID))
	if !strings.Contains(page.Body, `data-testid="similar"`) || !strings.Contains(page.Body, `value="factcheck:`+itoa(ids[0])+`:`) {
		t.Fatalf("no similar claims on the claim page:\n%s", page.Body)
	}
	if strings.Contains(page.Body, `data-testid="claim-link"`) {
		t.Fatal("link shown before linking")
	}
	// Hostile library text is inert.
	if strings.Contains(page.Body, "<b>Example</b>") || strings.Contains(page.Body, "<script>alert(1)") {
		t.Error("library text rendered as HTML")
	}
	if res := ed.postForm("/claims/"+itoa(claim.ID)+"/link", url.Values{"match": {"factcheck:" + itoa(ids[0]) + ":0.9"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("link: %d %s", res.StatusCode, res.Body)
	}
	if res := ed.postForm("/claims/"+itoa(claim.ID)+"/link", url.Values{"match": {"factcheck:999999:0.9"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("link to nothing: %d", res.StatusCode)
	}
	if res := ed.postForm("/claims/"+itoa(claim.ID)+"/link", url.Values{"match": {""}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("link without a match: %d", res.StatusCode)
	}
	if !strings.Contains(ed.get("/claims/"+itoa(claim.ID)).Body, `data-testid="claim-link"`) {
		t.Fatal("link not shown")
	}
	// A viewer cannot link; an editor cannot copy a verdict.
	viewer := a.signIn(models.RoleViewer)
	viewer.get("/claims/" + itoa(claim.ID))
	if res := viewer.postForm("/claims/"+itoa(claim.ID)+"/unlink", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer unlinking: %d", res.StatusCode)
	}
	if res := ed.postForm("/claims/"+itoa(claim.ID)+"/link/copy", url.Values{"version": {"1"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("editor copying a verdict: %d", res.StatusCode)
	}
	// The fact-checker copies the earlier rating and explanation into the proposal.
	fc := a.signIn(models.RoleFactChecker)
	if !strings.Contains(fc.get("/claims/"+itoa(claim.ID)).Body, `data-testid="copy-link"`) {
		t.Fatal("no copy offer for the fact-checker")
	}
	cur, _ := a.store.Claim(context.Background(), claim.ID)
	if res := fc.postForm("/claims/"+itoa(claim.ID)+"/link/copy", url.Values{"version": {itoa(int64(cur.Version))}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("copy: %d %s", res.StatusCode, res.Body)
	}
	after, _ := a.store.Claim(context.Background(), claim.ID)
	if after.Verdict == nil || after.Verdict.Label != "False" || !strings.Contains(after.Explanation, "Checks Example rated this claim “False” (https://checks.example/putin-interference).") {
		t.Fatalf("after copying: verdict %v, explanation %q", after.Verdict, after.Explanation)
	}
	if after.State != models.StateNew && after.State != models.StateResearching {
		t.Errorf("copying changed the state to %s: the proposal still needs sign-off", after.State)
	}
	if res := fc.postForm("/claims/"+itoa(claim.ID)+"/link/copy", url.Values{"version": {itoa(int64(cur.Version))}}); res.StatusCode != http.StatusConflict {
		t.Errorf("copy at a stale version: %d", res.StatusCode)
	}
	if res := ed.postForm("/claims/"+itoa(claim.ID)+"/unlink", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlink: %d", res.StatusCode)
	}
	if strings.Contains(ed.get("/claims/"+itoa(claim.ID)).Body, `data-testid="claim-link"`) {
		t.Error("link still shown after unlinking")
	}
}

func TestArticleScan(t *testing.T) {
	a := newApp(t)
	ids := mtLibrary(t, a)
	id, text := mtArticle(t, a.apiClient(models.RoleEditor))
	b := a.signIn(models.RoleEditor)
	page := b.get("/articles/" + itoa(id) + "/scan")
	if page.StatusCode != http.StatusOK || strings.Count(page.Body, `data-testid="scan-item"`) != 1 {
		t.Fatalf("scan: %d, %d suggestions\n%s", page.StatusCode, strings.Count(page.Body, `data-testid="scan-item"`), page.Body)
	}
	sentence := "Putin said: “The Russian state has never interfered and is not going to interfere into internal American affairs, including the election process.”"
	start, end := cp(text, sentence), cp(text, sentence)+len([]rune(sentence))
	if !strings.Contains(page.Body, `data-start="`+itoa(int64(start))+`" data-end="`+itoa(int64(end))+`"`) {
		t.Fatalf("the suggestion is not the Putin sentence:\n%s", page.Body)
	}
	if !strings.Contains(b.get("/articles/"+itoa(id)).Body, `href="/articles/`+itoa(id)+`/scan"`) {
		t.Error("the article page has no scan link")
	}
	// Dismissed: not offered again for this revision.
	form := url.Values{"revision": {"1"}, "start": {itoa(int64(start))}, "end": {itoa(int64(end))}}
	if res := b.postForm("/articles/"+itoa(id)+"/scan/dismiss", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("dismiss: %d %s", res.StatusCode, res.Body)
	}
	page = b.get("/articles/" + itoa(id) + "/scan")
	if strings.Contains(page.Body, `data-testid="scan-item"`) || !strings.Contains(page.Body, "1 dismissed earlier is not shown again") {
		t.Fatalf("dismissed suggestion shown again:\n%s", page.Body)
	}
	// Accepted (on a fresh revision's scan): a claim on the sentence, linked to the match.
	if res := b.postForm("/articles/"+itoa(id)+"/scan/dismiss", url.Values{"revision": {"9"}, "start": {"0"}, "end": {"5"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("dismiss on a missing revision: %d", res.StatusCode)
	}
	form.Set("match", "factcheck:"+itoa(ids[0])+":0.8123")
	if res := b.postForm("/articles/"+itoa(id)+"/scan/accept", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", res.StatusCode, res.Body)
	}
	cs, _ := a.store.ArticleClaims(context.Background(), id)
	if len(cs) != 1 || cs[0].Quote != sentence {
		t.Fatalf("claims after accepting = %+v", cs)
	}
	if l, err := a.store.ClaimLink(context.Background(), cs[0].ID); err != nil || *l.FactCheckID != ids[0] || l.Score != 0.8123 {
		t.Fatalf("link = %+v, %v", l, err)
	}
	for _, bad := range []url.Values{
		{"revision": {"1"}, "start": {"x"}, "end": {"5"}},
		{"revision": {"1"}, "end": {"5"}},
		{"revision": {"1"}, "start": {"5"}, "end": {"99999"}},
		{"revision": {"1"}, "start": {"0"}, "end": {"5"}, "match": {"tweet:1:0.5"}},
	} {
		if res := b.postForm("/articles/"+itoa(id)+"/scan/accept", bad); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("accept %v: %d", bad, res.StatusCode)
		}
	}
	viewer := a.signIn(models.RoleViewer)
	viewer.get("/articles/" + itoa(id) + "/scan")
	if res := viewer.postForm("/articles/"+itoa(id)+"/scan/accept", form); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer accepting: %d", res.StatusCode)
	}
}

func TestMatchBox(t *testing.T) {
	a := newApp(t)
	mtLibrary(t, a)
	b := a.signIn(models.RoleViewer)
	if res := b.get("/match"); res.StatusCode != http.StatusOK || strings.Contains(res.Body, `data-testid="match-results"`) {
		t.Fatalf("box: %d", res.StatusCode)
	}
	res := b.postForm("/match", url.Values{"text": {"Bill Gates is putting microchips in vaccines — Someone (@someone) March 3, 2021"}})
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "https://checks.example/microchips") || !strings.Contains(res.Body, "Pants on Fire") {
		t.Fatalf("box results: %d\n%s", res.StatusCode, res.Body)
	}
	if res := b.get("/match?text=" + url.QueryEscape("wedding rings Holocaust victims photograph")); !strings.Contains(res.Body, "https://checks.example/wedding-rings") || strings.Contains(res.Body, "<b>Example</b>") {
		t.Errorf("box from the query string: %s", res.Body)
	}
	if res := b.postForm("/match", url.Values{"text": {"Reporters waited outside in the rain"}}); !strings.Contains(res.Body, `data-testid="no-matches"`) {
		t.Errorf("unrelated text matched something")
	}
	res = b.postForm("/match", url.Values{"text": {"  "}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Give the text to match") {
		t.Errorf("empty box: %d", res.StatusCode)
	}
	long := strings.Repeat("word ", 2001)
	if res := b.postForm("/match", url.Values{"text": {long}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "word word") {
		t.Errorf("long text: %d (the text must come back)", res.StatusCode)
	}
}

package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
	"github.com/claimdesk/claimdesk/static"
)

// Every versioned resource exposes its version, and every 409 carries current.
func TestVerdictScaleVersionsAndConflicts(t *testing.T) {
	a := newApp(t)
	admin := a.apiClient(models.RoleAdmin)
	code, list, _ := admin.call("GET", "/api/v1/verdicts", nil)
	items, _ := list["items"].([]any)
	if code != http.StatusOK || len(items) == 0 {
		t.Fatalf("scale: %d %v", code, list)
	}
	first := items[0].(map[string]any)
	if num(first, "version") < 1 {
		t.Fatalf("scale items carry no version: %v", first)
	}
	path := "/api/v1/verdicts/" + itoa(int64(num(first, "id")))
	v := num(first, "version")
	if code, out, _ := admin.call("PATCH", path, map[string]any{"description": "Accurate.", "version": v}); code != http.StatusOK || num(out, "version") != v+1 {
		t.Fatalf("patch: %d %v", code, out)
	}
	code, out, _ := admin.call("PATCH", path, map[string]any{"description": "Stale.", "version": v})
	cur, _ := out["current"].(map[string]any)
	if code != http.StatusConflict || cur == nil || num(cur, "version") != v+1 || cur["description"] != "Accurate." || !strings.Contains(out["error"].(string), fmt.Sprintf("version %d", v+1)) {
		t.Fatalf("stale patch: %d %v", code, out)
	}
}

// On PostgreSQL a change can commit between the store's read and its
// update; that 409 too says the version now and carries current.
func TestVerdictConcurrentChangeOnPostgreSQL(t *testing.T) {
	a, dbURL := rvNewApp(t)
	if !strings.HasPrefix(dbURL, "postgres") {
		t.Skip("SQLite serialises writers (BEGIN IMMEDIATE): the concurrent path cannot happen there")
	}
	admin := a.apiClient(models.RoleAdmin)
	ctx := context.Background()
	scale, err := a.store.Verdicts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id, v := scale[0].ID, scale[0].Version
	db := rvRawDB(t, dbURL)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "UPDATE verdicts SET version = version + 1, description = 'Theirs.' WHERE id = $1", id); err != nil {
		t.Fatal(err)
	}
	type result struct {
		code int
		out  map[string]any
	}
	done := make(chan result, 1)
	go func() {
		code, out, _ := admin.call("PATCH", "/api/v1/verdicts/"+itoa(id), map[string]any{"description": "Mine.", "version": v})
		done <- result{code, out}
	}()
	// Wait until the PATCH is blocked on the row lock, past its version check.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the PATCH never waited for the row lock")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	cur, _ := r.out["current"].(map[string]any)
	if r.code != http.StatusConflict || cur == nil || num(cur, "version") != v+1 || cur["description"] != "Theirs." || !strings.Contains(r.out["error"].(string), fmt.Sprintf("version %d", v+1)) {
		t.Fatalf("concurrent change: %d %v", r.code, r.out)
	}
}

func TestStaleTextCarriesTheRevisionNow(t *testing.T) {
	a := newApp(t)
	ed := a.apiClient(models.RoleEditor)
	art := storetest.Article(t, a.store, ed.user, "Helsinki", rvHelsinki)
	path := "/api/v1/articles/" + itoa(art.ID) + "/text"
	if code, out, _ := ed.call("PUT", path, map[string]any{"text": rvHelsinki + "\n\nUpdated.", "revision": 1}); code != http.StatusOK {
		t.Fatalf("first save: %d %v", code, out)
	}
	code, out, _ := ed.call("PUT", path, map[string]any{"text": rvHelsinki + "\n\nMine.", "revision": 1})
	cur, _ := out["current"].(map[string]any)
	if code != http.StatusConflict || cur == nil || num(cur, "revision") != 2 || num(cur, "id") != int(art.ID) {
		t.Fatalf("stale save: %d %v", code, out)
	}
}

// A body over 6 MB is a 413 whether or not it says its length.
func TestChunkedBodyOverTheLimitIs413(t *testing.T) {
	a := newApp(t)
	ed := a.apiClient(models.RoleEditor)
	big := `{"title": "Big", "text": "` + strings.Repeat("a", 7<<20) + `"}`
	for _, chunked := range []bool{false, true} {
		var body io.Reader = strings.NewReader(big)
		if chunked {
			body = io.MultiReader(body) // hides the length: the request goes chunked
		}
		req, _ := http.NewRequest("POST", a.srv.URL+"/api/v1/articles", body)
		req.Header.Set("Authorization", "Bearer "+ed.token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge || !bytes.Contains(raw, []byte("6 MB")) {
			t.Errorf("chunked=%v: %d %s", chunked, res.StatusCode, raw)
		}
	}
	// A chunked form too: not a 403 because the parsed form came out empty.
	b := a.signIn(models.RoleEditor)
	form := url.Values{"_csrf": {b.csrf}, "title": {"Big"}, "text": {strings.Repeat("a", 7<<20)}}.Encode()
	req, _ := http.NewRequest("POST", a.srv.URL+"/articles", io.MultiReader(strings.NewReader(form)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res := b.do(req); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked form: %d", res.StatusCode)
	}
}

// Error pages answered before the session middleware link the hashed
// stylesheet and scripts, like every other page.
func TestEarlyErrorPagesAreStyled(t *testing.T) {
	a := newApp(t)
	assets, err := static.Load()
	if err != nil {
		t.Fatal(err)
	}
	css, js := assets.URL("css/app.css"), assets.URL("js/app.js")
	anon := a.anonymous()
	res := anon.get("/login?q=%00") // refused by refuseNUL, before the session middleware
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.Body, css) || !strings.Contains(res.Body, js) {
		t.Errorf("NUL in the query: %d, stylesheet %s linked: %v", res.StatusCode, css, strings.Contains(res.Body, css))
	}
	if res := a.signIn(models.RoleViewer).get("/no/such/page"); res.StatusCode != http.StatusNotFound || !strings.Contains(res.Body, css) {
		t.Errorf("unknown route: %d, stylesheet linked: %v", res.StatusCode, strings.Contains(res.Body, css))
	}
	req, _ := http.NewRequest("POST", a.srv.URL+"/login", strings.NewReader(strings.Repeat("a", 7<<20)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res = anon.do(req)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, css) {
		t.Errorf("body too large: %d, stylesheet linked: %v", res.StatusCode, strings.Contains(res.Body, css))
	}
}

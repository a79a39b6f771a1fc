package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

// Removing the newest entries leaves a valid chain; only a head kept
// outside shows it.
func TestHistoryHeadDetectsTruncation(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	u := storetest.User(t, s, models.RoleEditor)
	storetest.Article(t, s, u, "One", "First paragraph.")
	head, ok, err := s.HistoryHead(ctx)
	if err != nil || !ok {
		t.Fatalf("head: %v %v", ok, err)
	}
	parsed, err := store.ParseHistoryHead(head.String())
	if err != nil || parsed.ID != head.ID || parsed.Hash != head.Hash {
		t.Fatalf("parse %q: %+v %v", head, parsed, err)
	}
	if r, err := s.VerifyHistoryHead(ctx, head); err != nil || !r.OK || r.Head.ID != head.ID {
		t.Fatalf("verify against the head: %+v %v", r, err)
	}
	wrong := head
	wrong.Hash = strings.Repeat("a", 64)
	if r, _ := s.VerifyHistoryHead(ctx, wrong); r.OK {
		t.Fatalf("another hash for the head passed")
	}
	// Remove the newest entry behind the application's back.
	drop := []string{"DROP TRIGGER history_no_delete", "DELETE FROM history_entries WHERE id = " + strconv.FormatInt(head.ID, 10)}
	if s.Dialect() == "postgres" {
		drop[0] = "DROP TRIGGER history_no_update ON history_entries"
	}
	for _, q := range drop {
		if err := store.TamperForTest(s, ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := s.VerifyHistory(ctx); err != nil || !r.OK {
		t.Fatalf("the truncated chain should still verify on its own: %+v %v", r, err)
	}
	r, err := s.VerifyHistoryHead(ctx, head)
	if err != nil || r.OK || r.BrokenAt != head.ID || !strings.Contains(r.Problem, "truncated") {
		t.Fatalf("truncation not detected: %+v %v", r, err)
	}
	for _, bad := range []string{"", "12", "12:xyz", "0:" + strings.Repeat("a", 64), "-1:" + strings.Repeat("a", 64)} {
		if _, err := store.ParseHistoryHead(bad); err == nil {
			t.Errorf("ParseHistoryHead(%q) accepted it", bad)
		}
	}
}

// Every backup carries the head in its header line.
func TestBackupCarriesTheHistoryHead(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	u := storetest.User(t, s, models.RoleEditor)
	storetest.Article(t, s, u, "One", "First paragraph.")
	head, _, err := s.HistoryHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := s.ExportBackup(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	line, _, _ := strings.Cut(buf.String(), "\n")
	var h struct {
		HistoryHead struct {
			ID   int64  `json:"id"`
			Hash string `json:"hash"`
		} `json:"history_head"`
	}
	if err := json.Unmarshal([]byte(line), &h); err != nil || h.HistoryHead.ID != head.ID || h.HistoryHead.Hash != head.Hash {
		t.Fatalf("backup header %s; want head %s (%v)", line, head, err)
	}
}

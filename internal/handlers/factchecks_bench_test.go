package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/claimdesk/claimdesk/internal/handlers"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
	"github.com/claimdesk/claimdesk/static"
)

// BenchmarkFactCheckImportAPI imports the 14,231 fact-checks of
// ../shared/claimmatch through POST /api/v1/factchecks/import in batches
// of 2,000 lines (JSON Lines), into an empty library and then again (all
// updated), through the real router and a real database (PostgreSQL with
// TEST_DATABASE_URL). Target: under 30 s for the whole library.
//
//	go test -tags sqlite_fts5 -run '^$' -bench FactCheckImportAPI -benchtime 1x ./internal/handlers/
func BenchmarkFactCheckImportAPI(b *testing.B) {
	raw, err := os.ReadFile("../../../shared/claimmatch/factchecks.jsonl")
	if err != nil {
		b.Skipf("no claimmatch library: %v", err)
	}
	var batches [][]byte
	var cur bytes.Buffer
	lines := 0
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		cur.Write(sc.Bytes())
		cur.WriteByte('\n')
		if lines++; lines%2000 == 0 {
			batches = append(batches, bytes.Clone(cur.Bytes()))
			cur.Reset()
		}
	}
	if cur.Len() > 0 {
		batches = append(batches, cur.Bytes())
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := storetest.New(b)
		assets, err := static.Load()
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(handlers.New(handlers.Deps{Store: st, Assets: assets, BaseURL: "http://claims.test"}))
		u := storetest.User(b, st, models.RoleEditor)
		tok, _, err := st.CreateToken(context.Background(), store.ActorOf(u), u.ID, "bench", 0)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for pass, want := range []int{http.StatusCreated, http.StatusOK} {
			start := time.Now()
			for _, body := range batches {
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/factchecks/import", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("Content-Type", "application/x-ndjson")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != want {
					b.Fatalf("pass %d: status %d", pass, res.StatusCode)
				}
			}
			name := "s/first-import"
			if pass == 1 {
				name = "s/re-import"
			}
			b.ReportMetric(time.Since(start).Seconds(), name)
		}
		b.StopTimer()
		srv.Close()
	}
	b.ReportMetric(float64(lines), "factchecks")
}

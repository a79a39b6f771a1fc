package factcheck_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/claimdesk/claimdesk/internal/factcheck"
	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

func importString(t *testing.T, st *store.Store, in string, opt factcheck.Options) factcheck.Report {
	t.Helper()
	rep, err := factcheck.Import(context.Background(), st, store.Actor{Name: "test"}, factcheck.NewReader(strings.NewReader(in), false), opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestImportIdempotent(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	rep := importString(t, st, "["+cr1+","+cr2+"]", factcheck.Options{})
	if rep.Total != 2 || len(rep.Created) != 2 || len(rep.Updated) != 0 || len(rep.Failed) != 0 {
		t.Fatalf("first import: %+v", rep)
	}
	// The same fact-checks again, one under another spelling of its url
	// and with a new rating: updated, never duplicated.
	again := strings.Replace(cr1, "https://factcheck.example/a?utm_source=x", "HTTPS://FactCheck.example:443/a/#top", 1)
	again = strings.Replace(again, `"alternateName":"False"`, `"alternateName":"Pants on fire"`, 1)
	rep2 := importString(t, st, "["+again+","+cr2+"]", factcheck.Options{})
	if len(rep2.Created) != 0 || len(rep2.Updated) != 2 || rep2.Updated[0].ID != rep.Created[0].ID {
		t.Fatalf("second import: %+v (first %+v)", rep2, rep)
	}
	if n, _ := st.CountFactChecks(ctx); n != 2 {
		t.Fatalf("%d fact-checks, want 2", n)
	}
	fc, err := st.FactCheck(ctx, rep.Created[0].ID)
	if err != nil || fc.RatingName != "Pants on fire" || fc.Version != 2 {
		t.Fatalf("updated fact-check: %+v, %v", fc, err)
	}
}

// Duplicate urls in one file: the first is created, the later updates it.
func TestImportDuplicatesInOneFile(t *testing.T) {
	st := storetest.New(t)
	later := strings.Replace(cr1, "The moon is made of cheese.", "The moon is made of green cheese.", 1)
	for _, batch := range []int{0, 1} {
		t.Run(fmt.Sprint("batch ", batch), func(t *testing.T) {
			st := storetest.New(t)
			rep := importString(t, st, "["+cr1+","+cr2+","+later+"]", factcheck.Options{Batch: batch})
			if len(rep.Created) != 2 || len(rep.Updated) != 1 || rep.Updated[0].Index != 2 || rep.Updated[0].ID != rep.Created[0].ID {
				t.Fatalf("report: %+v", rep)
			}
			fc, _ := st.FactCheck(context.Background(), rep.Created[0].ID)
			if fc.ClaimReviewed != "The moon is made of green cheese." {
				t.Errorf("kept %q, want the later item", fc.ClaimReviewed)
			}
		})
	}
	_ = st
}

// Invalid items write nothing; the valid ones are all written.
func TestImportPartialFile(t *testing.T) {
	st := storetest.New(t)
	rep := importString(t, st, "["+cr1+`,{"@type":"ClaimReview","url":"javascript:alert(1)","claimReviewed":"x"},`+cr2+"]", factcheck.Options{})
	if rep.Total != 3 || len(rep.Created) != 2 || len(rep.Failed) != 1 || rep.Failed[0].Index != 1 || rep.Failed[0].Reason != factcheck.ReasonBadURL {
		t.Fatalf("report: %+v", rep)
	}
	if n, _ := st.CountFactChecks(context.Background()); n != 2 {
		t.Fatalf("%d stored", n)
	}
}

// A file that is not JSON writes nothing, even when its first part was good.
func TestImportBadFileWritesNothing(t *testing.T) {
	st := storetest.New(t)
	_, err := factcheck.Import(context.Background(), st, store.Actor{Name: "test"}, factcheck.NewReader(strings.NewReader("["+cr1+","+cr2+",{broken"), false), factcheck.Options{})
	var v models.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("err = %v", err)
	}
	if n, _ := st.CountFactChecks(context.Background()); n != 0 {
		t.Fatalf("%d stored after a bad file", n)
	}
}

func TestFactCheckSearchAndFilters(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	in := `[` + cr1 + `,
{"@type":"ClaimReview","url":"https://other.example/1","claimReviewed":"Vaccines contain microchips","headline":"Microchip rumours","author":{"name":"Other Desk"},"datePublished":"2021-03-01","inLanguage":"en-GB"},
{"@type":"ClaimReview","url":"https://other.example/2","claimReviewed":"Les vaccins contiennent des puces","author":{"name":"Other Desk"},"datePublished":"2022-03-01","inLanguage":"fr"},
{"@type":"ClaimReview","url":"https://other.example/3","claimReviewed":"Running marathons damages the heart","author":{"name":"Other Desk"}}]`
	importString(t, st, in, factcheck.Options{})
	urls := func(q store.FactCheckQuery) []string {
		t.Helper()
		p, err := st.FactChecks(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range p.Items {
			out = append(out, f.URL)
		}
		return out
	}
	tests := []struct {
		name string
		q    store.FactCheckQuery
		want string
	}{
		{"all, newest first, undated last", store.FactCheckQuery{}, "https://other.example/2 https://other.example/1 https://factcheck.example/a https://other.example/3"},
		{"word", store.FactCheckQuery{Q: "cheese"}, "https://factcheck.example/a"},
		{"prefix", store.FactCheckQuery{Q: "microch"}, "https://other.example/1"},
		{"stem", store.FactCheckQuery{Q: "damage running"}, "https://other.example/3"},
		{"stem of plural", store.FactCheckQuery{Q: "marathon"}, "https://other.example/3"},
		{"every word must match", store.FactCheckQuery{Q: "vaccines cheese"}, ""},
		{"claimant", store.FactCheckQuery{Q: "person"}, "https://factcheck.example/a"},
		{"syntax is inert", store.FactCheckQuery{Q: `"cheese"* -:&|!(`}, "https://factcheck.example/a"},
		{"publisher", store.FactCheckQuery{Publisher: "other desk"}, "https://other.example/2 https://other.example/1 https://other.example/3"},
		{"language with region", store.FactCheckQuery{Language: "en"}, "https://other.example/1 https://factcheck.example/a"},
		{"language", store.FactCheckQuery{Language: "fr"}, "https://other.example/2"},
		{"dates", store.FactCheckQuery{From: day("2021-01-01"), To: day("2021-03-01")}, "https://other.example/1"},
		{"search and filter", store.FactCheckQuery{Q: "vacc", Publisher: "Other Desk", Language: "fr"}, "https://other.example/2"},
		{"paging", store.FactCheckQuery{PerPage: 1, Page: 2}, "https://other.example/1"},
	}
	for _, tt := range tests {
		if got := strings.Join(urls(tt.q), " "); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
	pubs, err := st.FactCheckPublishers(ctx, 10)
	if err != nil || len(pubs) != 2 || pubs[0].Name != "Other Desk" || pubs[0].N != 3 {
		t.Errorf("publishers: %+v %v", pubs, err)
	}
}

func TestDeleteFactCheck(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	rep := importString(t, st, "["+cr1+","+cr2+"]", factcheck.Options{})
	id := rep.Created[0].ID
	if err := st.DeleteFactCheck(ctx, store.Actor{Name: "admin"}, id); err != nil {
		t.Fatal(err)
	}
	if _, err := st.FactCheck(ctx, id); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := st.DeleteFactCheck(ctx, store.Actor{Name: "admin"}, id); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if p, _ := st.FactChecks(ctx, store.FactCheckQuery{Q: "cheese"}); len(p.Items) != 0 {
		t.Fatalf("deleted fact-check still found: %+v", p.Items)
	}
}

func day(s string) *time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return &t
}

// The real library imports whole, in batches as the command line does.
func TestImportClaimmatchLibrary(t *testing.T) {
	const path = "../../../shared/claimmatch/factchecks.jsonl"
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("no %s: %v", path, err)
	}
	defer f.Close()
	if testing.Short() {
		t.Skip("imports 14,231 fact-checks")
	}
	st := storetest.New(t)
	rep, err := factcheck.Import(context.Background(), st, store.Actor{Name: "test"}, factcheck.NewReader(f, false), factcheck.Options{Batch: 2000, CountsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total != 14231 || rep.NCreated != 14231 || rep.NFailed != 0 {
		t.Fatalf("report: total %d, created %d, updated %d, failed %d: %+v", rep.Total, rep.NCreated, rep.NUpdated, rep.NFailed, rep.Failed)
	}
}

package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/internal/store/storetest"
)

func TestNormalizeURL(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"https://www.justice.gov/opa/pr/grand-jury-indicts-12-russian-intelligence-officers", "https://www.justice.gov/opa/pr/grand-jury-indicts-12-russian-intelligence-officers"},
		{"  HTTPS://WWW.Justice.GOV:443/opa/pr/Grand-Jury/  ", "https://www.justice.gov/opa/pr/Grand-Jury"},
		{"http://example.org:80", "http://example.org/"},
		{"http://example.org:8080/a/", "http://example.org:8080/a"},
		{"https://example.org.:443/", "https://example.org/"},
		{"https://example.org/a/./b/../c", "https://example.org/a/c"},
		{"https://example.org/%7euser/%e2%82%ac", "https://example.org/~user/%E2%82%AC"},
		{"https://example.org/story?utm_source=tw&utm_medium=social&id=7&fbclid=abc&gclid=x", "https://example.org/story?id=7"},
		{"https://example.org/story?b=2&a=1&UTM_Campaign=x&mc_eid=1", "https://example.org/story?a=1&b=2"},
		{"https://example.org/story?utm_source=x", "https://example.org/story"},
		{"https://example.org/story#section-2", "https://example.org/story"},
		{"https://example.org/app#!/item/4", "https://example.org/app#!/item/4"},
		{"https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"},
	}
	for _, tt := range tests {
		got, err := store.NormalizeURL(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizeURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "not a url", "javascript:alert(1)", "JavaScript://example.org/%0Aalert(1)", "data:text/html,<script>x</script>",
		"ftp://example.org/file", "/relative/path", "https://user:pw@example.org/", "https://" + strings.Repeat("a", 2100) + ".org"} {
		if got, err := store.NormalizeURL(bad); err == nil {
			t.Errorf("NormalizeURL(%q) = %q, want an error", bad, got)
		}
	}
}

func ptr[T any](v T) *T { return &v }

type fixture struct {
	s      *store.Store
	ctx    context.Context
	editor models.User
	actor  store.Actor
	art    models.Article
}

func newFixture(t *testing.T) fixture {
	s := storetest.New(t)
	ed := storetest.User(t, s, models.RoleEditor)
	art := storetest.Article(t, s, ed, "Summit", "The minister said exports rose 12% last year. Critics said that was wrong.\n\nThe agency denied it.")
	return fixture{s: s, ctx: context.Background(), editor: ed, actor: store.ActorOf(ed), art: art}
}

func (f fixture) claim(t *testing.T, quote string) models.ClaimDetail {
	t.Helper()
	i := strings.Index(f.art.Text, quote)
	if i < 0 {
		t.Fatalf("fixture lacks %q", quote)
	}
	start := len([]rune(f.art.Text[:i]))
	d, err := f.s.CreateClaim(f.ctx, f.actor, store.NewClaim{ArticleID: f.art.ID, Revision: f.art.Revision, Start: start, End: start + len([]rune(quote)), Quote: quote})
	if err != nil {
		t.Fatalf("create claim: %v", err)
	}
	return d
}

func TestCreateSourceKeepsOneDocumentOnce(t *testing.T) {
	f := newFixture(t)
	src, err := f.s.CreateSource(f.ctx, f.actor, store.SourceInput{URL: ptr("https://Example.org:443/report/?utm_source=x"), Title: ptr("  Annual   report "), Kind: ptr("dataset")})
	if err != nil {
		t.Fatal(err)
	}
	if src.URL != "https://example.org/report" || src.Title != "Annual report" || src.Kind != "dataset" || src.Version != 1 || src.AccessedAt == nil {
		t.Fatalf("created %+v", src)
	}
	_, err = f.s.CreateSource(f.ctx, f.actor, store.SourceInput{URL: ptr("https://example.org/report#p2")})
	var conf *models.ConflictError
	if !errors.As(err, &conf) || conf.Current.(models.Source).ID != src.ID {
		t.Fatalf("second create of the same document: %v, want a conflict naming source %d", err, src.ID)
	}
	got, err := f.s.SourceByURL(f.ctx, "HTTPS://EXAMPLE.ORG/report/")
	if err != nil || got.ID != src.ID {
		t.Fatalf("SourceByURL = %d, %v", got.ID, err)
	}
	tests := []struct {
		name  string
		in    store.SourceInput
		field string
	}{
		{"no url", store.SourceInput{Title: ptr("x")}, "url"},
		{"javascript url", store.SourceInput{URL: ptr("javascript:alert(1)")}, "url"},
		{"data url", store.SourceInput{URL: ptr("data:text/html;base64,PHNjcmlwdD4=")}, "url"},
		{"malformed url", store.SourceInput{URL: ptr("http://exa mple.org/")}, "url"},
		{"unknown kind", store.SourceInput{URL: ptr("https://example.org/k"), Kind: ptr("rumour")}, "kind"},
		{"bad date", store.SourceInput{URL: ptr("https://example.org/d"), PublishedAt: ptr("yesterday")}, "published_at"},
		{"javascript archive", store.SourceInput{URL: ptr("https://example.org/a"), ArchiveURL: ptr("javascript:alert(1)")}, "archive_url"},
		{"long title", store.SourceInput{URL: ptr("https://example.org/t"), Title: ptr(strings.Repeat("t", models.MaxTitleRunes+1))}, "title"},
	}
	for _, tt := range tests {
		_, err := f.s.CreateSource(f.ctx, f.actor, tt.in)
		var v models.ValidationError
		if !errors.As(err, &v) || v[tt.field] == "" {
			t.Errorf("%s: err = %v, want a message on %q", tt.name, err, tt.field)
		}
	}
	p, err := f.s.Sources(f.ctx, store.SourceQuery{})
	if err != nil || len(p.Items) != 1 {
		t.Fatalf("library after bad input has %d sources (%v), want 1", len(p.Items), err)
	}
}

func TestSourcesSearch(t *testing.T) {
	f := newFixture(t)
	mk := func(url, title, publisher string) models.Source {
		src, err := f.s.CreateSource(f.ctx, f.actor, store.SourceInput{URL: &url, Title: &title, Publisher: &publisher})
		if err != nil {
			t.Fatal(err)
		}
		return src
	}
	doj := mk("https://www.justice.gov/opa/pr/grand-jury-indicts-twelve-officers", "Grand jury indicts twelve Russian intelligence officers", "U.S. Department of Justice")
	cbs := mk("https://www.cbsnews.com/news/trump-interview-transcript/", "Transcript: President Trump's interview", "CBS News")
	mk("https://example.org/other", "Weather report", "Met Office")
	tests := []struct {
		q    string
		want []int64
	}{
		{"russian", []int64{doj.ID}},
		{"Russ intell", []int64{doj.ID}},
		{"justice", []int64{doj.ID}},
		{"cbs", []int64{cbs.ID}},
		{"cbsnews transcript", []int64{cbs.ID}},
		{"report", []int64{3}},
		{"grand weather", nil},
		{"https://www.cbsnews.com/news/trump-interview-transcript?utm_source=tw", []int64{cbs.ID}},
		{"%_'\"", nil},
	}
	for _, tt := range tests {
		p, err := f.s.Sources(f.ctx, store.SourceQuery{Q: tt.q})
		if err != nil {
			t.Fatalf("q=%q: %v", tt.q, err)
		}
		var got []int64
		for _, s := range p.Items {
			got = append(got, s.ID)
		}
		if tt.q == "report" { // matches the weather report only (by id order)
			if len(got) != 1 || p.Items[0].Title != "Weather report" {
				t.Errorf("q=%q: got %v", tt.q, got)
			}
			continue
		}
		if len(got) != len(tt.want) || len(got) > 0 && got[0] != tt.want[0] {
			t.Errorf("q=%q: got %v, want %v", tt.q, got, tt.want)
		}
	}
	p, err := f.s.Sources(f.ctx, store.SourceQuery{PerPage: 2})
	if err != nil || len(p.Items) != 2 || !p.HasNext || p.Items[0].Title != "Weather report" {
		t.Fatalf("page 1: %d items, next %v, %v", len(p.Items), p.HasNext, err)
	}
	p, err = f.s.Sources(f.ctx, store.SourceQuery{PerPage: 2, Page: 2})
	if err != nil || len(p.Items) != 1 || p.HasNext || p.Items[0].ID != doj.ID {
		t.Fatalf("page 2: %+v, %v", p, err)
	}
	// Renaming re-indexes.
	if _, err := f.s.UpdateSource(f.ctx, f.actor, doj.ID, 1, store.SourceInput{Title: ptr("Indictment press release")}); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.s.Sources(f.ctx, store.SourceQuery{Q: "russian"}); len(p.Items) != 0 {
		t.Errorf("old title still found: %v", p.Items)
	}
	if p, _ := f.s.Sources(f.ctx, store.SourceQuery{Q: "indictment press"}); len(p.Items) != 1 {
		t.Errorf("new title not found")
	}
}

func TestUpdateSourceConflicts(t *testing.T) {
	f := newFixture(t)
	a, _ := f.s.CreateSource(f.ctx, f.actor, store.SourceInput{URL: ptr("https://example.org/a"), Title: ptr("A")})
	b, _ := f.s.CreateSource(f.ctx, f.actor, store.SourceInput{URL: ptr("https://example.org/b"), Title: ptr("B")})
	got, err := f.s.UpdateSource(f.ctx, f.actor, a.ID, 1, store.SourceInput{Publisher: ptr("Agency"), Notes: ptr("checked")})
	if err != nil || got.Version != 2 || got.Publisher != "Agency" {
		t.Fatalf("update: %+v, %v", got, err)
	}
	_, err = f.s.UpdateSource(f.ctx, f.actor, a.ID, 1, store.SourceInput{Title: ptr("stale")})
	var conf *models.ConflictError
	if !errors.As(err, &conf) || conf.Current.(models.Source).Version != 2 {
		t.Fatalf("stale update: %v, want a conflict with version 2", err)
	}
	_, err = f.s.UpdateSource(f.ctx, f.actor, b.ID, 1, store.SourceInput{URL: ptr("https://EXAMPLE.org/a/")})
	if !errors.As(err, &conf) {
		t.Fatalf("moving b onto a's address: %v, want a conflict", err)
	}
	if cur, _ := f.s.Source(f.ctx, a.ID); cur.Title != "A" || cur.Version != 2 {
		t.Fatalf("source a after conflicts: %+v", cur)
	}
	if _, err := f.s.UpdateSource(f.ctx, f.actor, 999, 1, store.SourceInput{}); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("missing source: %v", err)
	}
}

func TestEvidenceLifecycle(t *testing.T) {
	f := newFixture(t)
	c := f.claim(t, "exports rose 12% last year")
	lib, _ := f.s.CreateSource(f.ctx, f.actor, store.SourceInput{URL: ptr("https://stats.example.org/trade-2024"), Title: ptr("Trade statistics 2024")})

	e1, err := f.s.AddEvidence(f.ctx, f.actor, c.ID, store.EvidenceInput{SourceID: &lib.ID, Stance: "refutes", Passage: "  Exports fell 3%.  "})
	if err != nil {
		t.Fatal(err)
	}
	if e1.Source.ID != lib.ID || e1.Stance != models.StanceRefutes || e1.Passage != "Exports fell 3%." || e1.AddedByName != f.editor.Name || e1.Version != 1 {
		t.Fatalf("evidence: %+v", e1)
	}
	// A new address that is already in the library reuses the source.
	e2, err := f.s.AddEvidence(f.ctx, f.actor, c.ID, store.EvidenceInput{Source: &store.SourceInput{URL: ptr("https://STATS.example.org/trade-2024/?utm_campaign=x"), Title: ptr("ignored")}, Stance: "context"})
	if err != nil || e2.Source.ID != lib.ID || e2.Source.Title != "Trade statistics 2024" {
		t.Fatalf("reuse by URL: %+v, %v", e2.Source, err)
	}
	// A genuinely new address is added to the library in the same transaction.
	e3, err := f.s.AddEvidence(f.ctx, f.actor, c.ID, store.EvidenceInput{Source: &store.SourceInput{URL: ptr("https://news.example.org/minister"), Title: ptr("Minister's speech"), Kind: ptr("transcript")}, Stance: "origin"})
	if err != nil || e3.Source.ID == lib.ID || e3.Source.Kind != "transcript" {
		t.Fatalf("new source: %+v, %v", e3.Source, err)
	}
	_, err = f.s.AddEvidence(f.ctx, f.actor, c.ID, store.EvidenceInput{SourceID: &lib.ID, Stance: "refutes"})
	var conf *models.ConflictError
	if !errors.As(err, &conf) || conf.Current.(models.Evidence).ID != e1.ID {
		t.Fatalf("same source, same stance: %v, want a conflict naming evidence %d", err, e1.ID)
	}
	bad := []struct {
		name  string
		in    store.EvidenceInput
		field string
	}{
		{"unknown stance", store.EvidenceInput{SourceID: &lib.ID, Stance: "agrees"}, "stance"},
		{"no stance", store.EvidenceInput{SourceID: &lib.ID}, "stance"},
		{"no source", store.EvidenceInput{Stance: "supports"}, "source_id"},
		{"both", store.EvidenceInput{SourceID: &lib.ID, Source: &store.SourceInput{URL: ptr("https://x.org")}, Stance: "supports"}, "source_id"},
		{"missing source", store.EvidenceInput{SourceID: ptr(int64(999)), Stance: "supports"}, "source_id"},
		{"long passage", store.EvidenceInput{SourceID: &lib.ID, Stance: "supports", Passage: strings.Repeat("é", store.MaxPassageRunes+1)}, "passage"},
		{"javascript source", store.EvidenceInput{Source: &store.SourceInput{URL: ptr("javascript:alert(1)")}, Stance: "supports"}, "source.url"},
	}
	for _, tt := range bad {
		_, err := f.s.AddEvidence(f.ctx, f.actor, c.ID, tt.in)
		var v models.ValidationError
		if !errors.As(err, &v) || v[tt.field] == "" {
			t.Errorf("%s: err = %v, want a message on %q", tt.name, err, tt.field)
		}
	}
	if _, err := f.s.AddEvidence(f.ctx, f.actor, 999, store.EvidenceInput{SourceID: &lib.ID, Stance: "supports"}); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("missing claim: %v, want ErrNotFound", err)
	}
	list, err := f.s.ClaimEvidence(f.ctx, c.ID)
	if err != nil || len(list) != 3 || list[0].ID != e1.ID || list[2].Source.Title != "Minister's speech" {
		t.Fatalf("claim evidence: %d, %v", len(list), err)
	}
	if d, _ := f.s.Claim(f.ctx, c.ID); d.EvidenceCount != 3 {
		t.Errorf("evidence count = %d, want 3", d.EvidenceCount)
	}

	// Edit with the right version, then a stale one.
	up, err := f.s.UpdateEvidence(f.ctx, f.actor, e1.ID, store.EvidencePatch{Version: 1, Note: ptr("Table 4")})
	if err != nil || up.Version != 2 || up.Note != "Table 4" || up.Passage != "Exports fell 3%." {
		t.Fatalf("update: %+v, %v", up.Evidence, err)
	}
	if _, err := f.s.UpdateEvidence(f.ctx, f.actor, e1.ID, store.EvidencePatch{Version: 1, Note: ptr("lost")}); !errors.As(err, &conf) {
		t.Fatalf("stale update: %v, want a conflict", err)
	}
	if _, err := f.s.UpdateEvidence(f.ctx, f.actor, e2.ID, store.EvidencePatch{Version: 1, Stance: ptr("refutes")}); !errors.As(err, &conf) {
		t.Fatalf("stance onto an existing link: %v, want a conflict", err)
	}
	if _, err := f.s.DeleteEvidence(f.ctx, f.actor, e2.ID, 5); !errors.As(err, &conf) {
		t.Fatalf("stale delete: %v", err)
	}
	if _, err := f.s.DeleteEvidence(f.ctx, f.actor, e2.ID, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.DeleteEvidence(f.ctx, f.actor, e2.ID, 0); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if d, _ := f.s.Claim(f.ctx, c.ID); d.EvidenceCount != 2 {
		t.Errorf("evidence count after a delete = %d, want 2", d.EvidenceCount)
	}
	hist, _ := f.s.History(f.ctx, store.HistoryQuery{ClaimID: c.ID})
	var actions []string
	for _, h := range hist {
		if h.EntityType == "evidence" {
			actions = append(actions, h.Action)
		}
	}
	if strings.Join(actions, ",") != "created,created,created,updated,deleted" {
		t.Errorf("evidence history = %v", actions)
	}
	if r, err := f.s.VerifyHistory(f.ctx); err != nil || !r.OK {
		t.Errorf("history chain: %+v, %v", r, err)
	}

	// The source page lists live citing claims only.
	c2 := f.claim(t, "The agency denied it")
	if _, err := f.s.AddEvidence(f.ctx, f.actor, c2.ID, store.EvidenceInput{SourceID: &lib.ID, Stance: "supports"}); err != nil {
		t.Fatal(err)
	}
	cites, more, err := f.s.SourceCitations(f.ctx, lib.ID, 1, 10)
	if err != nil || more || len(cites) != 2 || cites[0].Claim.ID != c2.ID || cites[1].Claim.Quote != c.Quote || cites[1].Evidence.Stance != models.StanceRefutes {
		t.Fatalf("citations: %+v, %v", cites, err)
	}
	if err := f.s.DeleteClaim(f.ctx, f.actor, c2.ID, 0); err != nil {
		t.Fatal(err)
	}
	cites, _, _ = f.s.SourceCitations(f.ctx, lib.ID, 1, 10)
	p, _ := f.s.Sources(f.ctx, store.SourceQuery{Q: "trade"})
	if len(cites) != 1 || p.Citations[lib.ID] != 1 {
		t.Fatalf("after deleting a claim: %d citations, count %d; want 1, 1", len(cites), p.Citations[lib.ID])
	}
	if _, err := f.s.AddEvidence(f.ctx, f.actor, c2.ID, store.EvidenceInput{SourceID: &lib.ID, Stance: "context"}); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("evidence on a deleted claim: %v", err)
	}
}

func TestClaimOrigin(t *testing.T) {
	f := newFixture(t)
	c := f.claim(t, "exports rose 12% last year")
	o, err := f.s.SetClaimOrigin(f.ctx, f.actor, c.ID, store.OriginInput{
		Version: c.Version, Place: ptr(" Press conference,\n Helsinki "),
		FirstAppearance: ptr("https://Video.example.org/live/?utm_source=x"),
		Appearances:     &[]string{"https://news.example.org/a", "", "https://news.example.org/a/", "https://video.example.org/live"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if o.Place != "Press conference, Helsinki" || o.FirstAppearance != "https://video.example.org/live" || len(o.Appearances) != 1 || o.Appearances[0] != "https://news.example.org/a" || o.Version != c.Version+1 {
		t.Fatalf("origin: %+v", o)
	}
	if _, err := f.s.SetClaimOrigin(f.ctx, f.actor, c.ID, store.OriginInput{Version: c.Version, Place: ptr("stale")}); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("stale origin: %v", err)
	}
	_, err = f.s.SetClaimOrigin(f.ctx, f.actor, c.ID, store.OriginInput{Version: o.Version, Appearances: &[]string{"javascript:alert(1)"}})
	var v models.ValidationError
	if !errors.As(err, &v) || v["appearances"] == "" {
		t.Fatalf("javascript appearance: %v", err)
	}
	d, _ := f.s.Claim(f.ctx, c.ID)
	if d.ClaimedPlace != "Press conference, Helsinki" || d.Version != o.Version {
		t.Fatalf("claim after origin: place %q version %d", d.ClaimedPlace, d.Version)
	}
	o2, err := f.s.SetClaimOrigin(f.ctx, f.actor, c.ID, store.OriginInput{Version: o.Version, FirstAppearance: ptr(""), Appearances: &[]string{}})
	if err != nil || o2.FirstAppearance != "" || len(o2.Appearances) != 0 || o2.Place != o.Place {
		t.Fatalf("clearing: %+v, %v", o2, err)
	}
}

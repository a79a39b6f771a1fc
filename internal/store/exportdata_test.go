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

// newClaimAt is a NewClaim for the first occurrence of quote in text.
func newClaimAt(articleID int64, text, quote string) store.NewClaim {
	i := strings.Index(text, quote)
	start := len([]rune(text[:i]))
	return store.NewClaim{ArticleID: articleID, Revision: 1, Start: start, End: start + len([]rune(quote)), Quote: quote}
}

func TestArticleExportLoadsEverythingInBatches(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	cred := fillAll(t, s) // three claims, one deleted; evidence and appearances on the first
	ex, err := s.ArticleExport(ctx, cred.articleID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Claims) != 2 || ex.Claims[0].Start > ex.Claims[1].Start {
		t.Fatalf("claims: %d, want the 2 live ones in reading order", len(ex.Claims))
	}
	first := ex.Claims[0] // the claim in the first paragraph is deleted
	if !strings.HasPrefix(first.Quote, "The Russian state") {
		t.Fatalf("first claim = %q", first.Quote)
	}
	ev := ex.Evidence[first.ID]
	if len(ev) != 1 || ev[0].Source.Title != "Indictment <script>" || ev[0].Source.PublishedAt == nil || ev[0].Source.PublishedAt.Format("2006-01-02") != "2018-07-13" || ev[0].AddedByName == "" {
		t.Errorf("evidence = %+v", ev)
	}
	apps := ex.Appearances[first.ID]
	if len(apps) != 2 || !apps[0].First || apps[0].URL != "https://kremlin.example/transcript" {
		t.Errorf("appearances = %+v, want the first appearance first", apps)
	}
	if ex.Creators[first.CreatedBy] == "" || first.ProposedBy == nil || ex.Creators[*first.ProposedBy] == "" {
		t.Errorf("creators = %v", ex.Creators)
	}
	if ex.Newsroom.Name != `Helsinki Desk "</style>"` || ex.Newsroom.URL != "https://desk.example.org/" || len(ex.Scale) != 8 {
		t.Errorf("newsroom = %+v, scale %d", ex.Newsroom, len(ex.Scale))
	}

	one, err := s.ClaimExport(ctx, first.ID)
	if err != nil || len(one.Claims) != 1 || len(one.Evidence[first.ID]) != 1 || len(one.Appearances[first.ID]) != 2 || one.Article.ID != cred.articleID {
		t.Errorf("ClaimExport = %+v, %v", one.Claims, err)
	}
	admin := storetest.User(t, s, models.RoleAdmin)
	if err := s.DeleteArticle(ctx, store.ActorOf(admin), cred.articleID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ArticleExport(ctx, cred.articleID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("export of a deleted article: %v", err)
	}
	if _, err := s.ClaimExport(ctx, first.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("export of a claim of a deleted article: %v", err)
	}
}

func TestImportClaims(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	ed := storetest.User(t, s, models.RoleEditor)
	text := "Prices rose. Wages fell. Prices rose again."
	a := storetest.Article(t, s, ed, "T", text)
	existing, err := s.CreateClaim(ctx, store.ActorOf(ed), newClaimAt(a.ID, text, "Wages fell."))
	if err != nil {
		t.Fatal(err)
	}
	note := "From Hypothesis"
	in := []store.ImportedClaim{
		{NewClaim: newClaimAt(a.ID, text, "Prices rose."), Annotation: "urn:1"},
		{NewClaim: newClaimAt(a.ID, text, "Wages fell."), Annotation: "urn:2"},  // already marked
		{NewClaim: newClaimAt(a.ID, text, "Prices rose."), Annotation: "urn:3"}, // twice in the file
		{NewClaim: newClaimAt(a.ID, text, "again"), Annotation: "urn:4"},
	}
	in[3].Input.Notes = &note

	// A conflict writes nothing.
	if _, err := s.ImportClaims(ctx, store.ActorOf(ed), a.ID, 2, in); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("import against revision 2: err = %v, want a conflict", err)
	}
	long := strings.Repeat("x", models.MaxNotesRunes+1)
	bad := append([]store.ImportedClaim{}, in...)
	bad[1].Input.Notes = &long
	var verr models.ValidationError
	if _, err := s.ImportClaims(ctx, store.ActorOf(ed), a.ID, 1, bad); !errors.As(err, &verr) {
		t.Fatalf("import with overlong notes: err = %v, want a validation error", err)
	}
	if cs, _ := s.ArticleClaims(ctx, a.ID); len(cs) != 1 {
		t.Fatalf("after refused imports: %d claims, want only the existing one", len(cs))
	}

	ids, err := s.ImportClaims(ctx, store.ActorOf(ed), a.ID, 1, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 4 || ids[0] == 0 || ids[1] != 0 || ids[2] != 0 || ids[3] == 0 || ids[0] == existing.ID {
		t.Fatalf("ids = %v, want new claims for 1 and 4 only", ids)
	}
	c, err := s.Claim(ctx, ids[3])
	if err != nil || c.Notes != note || c.State != models.StateNew || c.CreatedBy != ed.ID || c.AnchorRevision != 1 {
		t.Errorf("imported claim = %+v, %v", c.Claim, err)
	}
	hist, err := s.History(ctx, store.HistoryQuery{ClaimID: ids[0]})
	if err != nil || len(hist) != 1 || hist[0].Action != "imported" || !strings.Contains(hist[0].Changes, "urn:1") {
		t.Errorf("history of an imported claim = %+v, %v", hist, err)
	}
	if r, err := s.VerifyHistory(ctx); err != nil || !r.OK {
		t.Errorf("history chain: %+v, %v", r, err)
	}
}

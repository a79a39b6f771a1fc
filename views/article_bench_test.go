package views_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/claimdesk/claimdesk/internal/models"
	"github.com/claimdesk/claimdesk/views"
)

// BenchmarkArticlePage renders the reading page of a 100 kB article with
// 500 claims (some overlapping) from domain values to HTML: segmenting
// and templ rendering, without the database.
func BenchmarkArticlePage(b *testing.B) {
	var sb strings.Builder
	for p := 0; sb.Len() < 100_000; p++ {
		fmt.Fprintf(&sb, "Paragraph %d: officials said on Tuesday that émissions fell 4.2%% 👍🏽 after “talks” in Genève, and critics disagreed. ", p)
		sb.WriteString("They added that more talks would follow next month.\n\n")
	}
	text := strings.TrimSpace(sb.String())
	n := len([]rune(text))
	verdict := models.Verdict{ID: 1, Label: "False", Colour: "#a40e26"}
	claims := make([]models.ClaimDetail, 500)
	for i := range claims {
		start := i * (n - 200) / 500
		claims[i] = models.ClaimDetail{Claim: models.Claim{ID: int64(i + 1), ArticleID: 1, Start: start, End: start + 40 + i%150,
			Quote: "q", State: models.States[i%len(models.States)], AnchorState: models.AnchorAnchored, Version: 1}}
		if i%3 == 0 {
			claims[i].Verdict = &verdict
		}
	}
	a := models.Article{ID: 1, Title: "Benchmark", Text: text, Revision: 1}
	ctx := views.WithChrome(context.Background(), views.Chrome{User: &models.User{ID: 1, Name: "Ed", Role: models.RoleEditor, Active: true}})
	b.ReportAllocs()
	for b.Loop() {
		parts, err := views.NewArticleParts(a, claims)
		if err != nil {
			b.Fatal(err)
		}
		if err := views.ArticlePage(views.NewArticleView(a, parts)).Render(ctx, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

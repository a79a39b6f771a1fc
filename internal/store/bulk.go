package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/claimdesk/claimdesk/internal/models"
)

// BulkLoad runs fn in one write transaction and then folds the claim tally
// rows that the claims' triggers wrote into their sums. It is the seam for
// tools that load many rows at once with their own SQL (the benchmark
// generator, internal/benchseed); application writes use the store's
// methods. fn writes no history: what it loads has no audit trail.
func (s *Store) BulkLoad(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := fn(tx); err != nil {
			return err
		}
		return s.dialect.compactTallies(tx)
	})
}

// NameKey is how claimant names and verdict labels are compared and
// stored for uniqueness (bulk loaders write it themselves).
func NameKey(s string) string { return nameKey(s) }

// SourceTerms are the source library's index words for src, as
// CreateSource writes them into source_terms.
func SourceTerms(src models.Source) []string {
	terms := sourceTerms(src)
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = t.Term
	}
	return out
}

package store

import (
	"context"

	"gorm.io/gorm"
)

// WriteForTest runs fn through the store's write path, as every write method does.
func WriteForTest(s *Store, ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.tx(ctx, fn)
}

// QueuedForTest is how many writes wait in SQLite's write queue (0 on PostgreSQL).
func QueuedForTest(s *Store) int {
	if s.writes == nil {
		return 0
	}
	return len(s.writes.reqs)
}

// GroupedForTest is how many writes SQLite's queue committed in groups of
// more than one (0 on PostgreSQL).
func GroupedForTest(s *Store) int64 {
	if s.writes == nil {
		return 0
	}
	return s.writes.grouped.Load()
}

package store

import "context"

// TamperForTest runs raw SQL, as an attacker with database access would.
func TamperForTest(s *Store, ctx context.Context, sql string) error {
	return s.conn(ctx).Exec(sql).Error
}

package store

import "context"

// MatcherCursorForTest is the highest change id the matcher applied and how
// many skipped ids it watches.
func MatcherCursorForTest(m *Matcher) (last int64, pending int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last, len(m.pending)
}

// ExecForTest runs one statement on the store's database.
func ExecForTest(s *Store, q string, args ...any) error {
	return s.conn(context.Background()).Exec(q, args...).Error
}

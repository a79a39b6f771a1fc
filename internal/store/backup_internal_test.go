package store

import "context"

// ResetSequenceForTest runs the dialect's sequence reset on one table.
func ResetSequenceForTest(s *Store, ctx context.Context, table string) error {
	return s.dialect.resetSequence(s.conn(ctx), table)
}

// BackupTablesForTest lists the tables a backup holds, in backup order, and
// the tables that backupOrder names.
func BackupTablesForTest(s *Store, ctx context.Context) (tables, order []string, err error) {
	tables, err = backupTables(s.conn(ctx))
	return tables, backupOrder, err
}

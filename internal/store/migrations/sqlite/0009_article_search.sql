-- PostgreSQL stores a search vector in this migration. SQLite searches with
-- its FTS5 index (0001) and needs nothing; the migration exists on both so
-- that both databases have the same migrations, which backups compare.
SELECT 1;

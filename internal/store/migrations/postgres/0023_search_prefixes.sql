-- SQLite's full-text indexes get prefix indexes of 3, 4, 6 and 8 characters
-- here; a search cuts its prefixes to those lengths on both databases
-- (models.SearchTerms). PostgreSQL's GIN indexes need nothing: the
-- migration exists on both so that both have the same migrations.
SELECT 1;

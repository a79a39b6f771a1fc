-- Found by cmd/loadtest (docs/benchmarks.md). PostgreSQL cannot use
-- articles_live_id (deleted_at, id) to return live articles in id order
-- (IS NULL is not an equality for ordering), so deep list pages read every
-- skipped row from the table. This partial index lets the list page through
-- ids with an index-only scan and then read only the page's rows (the
-- "deferred join" in store.Articles).
CREATE INDEX articles_live ON articles (id) WHERE deleted_at IS NULL;

-- Search (store.Articles with a query) computed to_tsvector for every row
-- it scanned: 22 ms for "inflation" on 100,000 articles
-- (docs/benchmarks.md, F2). A stored vector is computed once per write and
-- read from the GIN index. Backups leave generated columns out
-- (dialect.generatedColumns): the database computes them again.
ALTER TABLE articles ADD COLUMN search tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || outlet || ' ' || byline)) STORED;
CREATE INDEX articles_search_vector ON articles USING GIN (search);
DROP INDEX articles_search;

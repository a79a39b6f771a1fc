-- Stable claim numbers (issue 12 item 5). Each claim gets a number within
-- its article when it is created (1, 2, 3… in order of marking) and keeps it
-- for good: deleting or retiring a claim never frees its number.
-- articles.last_claim_number is the article's counter; CreateClaim raises it
-- with an UPDATE, which also locks the article row, so two people marking at
-- once queue on the row and never draw the same number (SQLite serialises
-- writers anyway). Existing claims, deleted ones too (history names them),
-- are numbered by creation order.
ALTER TABLE claims ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN last_claim_number INTEGER NOT NULL DEFAULT 0;
UPDATE claims SET number = r.n
  FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY article_id ORDER BY created_at, id) AS n FROM claims) AS r
  WHERE r.id = claims.id;
UPDATE articles SET last_claim_number = COALESCE((SELECT MAX(number) FROM claims WHERE claims.article_id = articles.id), 0);
CREATE UNIQUE INDEX claims_article_number ON claims(article_id, number);

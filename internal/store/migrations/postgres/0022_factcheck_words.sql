-- The library's vector (0020) also held English stems; a search now
-- matches words as written, as prefixes in the forms models.SearchForms
-- gives, the same on both databases (as claims, 0021).
DROP INDEX factchecks_search;
ALTER TABLE factchecks DROP COLUMN search;
ALTER TABLE factchecks ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', claim_reviewed), 'A')
  || setweight(to_tsvector('simple', headline), 'B')
  || setweight(to_tsvector('simple', excerpt || ' ' || claimant || ' ' || publisher_name), 'D')) STORED;
CREATE INDEX factchecks_search ON factchecks USING GIN (search);

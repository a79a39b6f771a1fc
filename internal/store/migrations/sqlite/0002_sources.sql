-- Sources, claimants and evidence: versions for optimistic concurrency,
-- where a claim was made, and a word index for searching the source library.
ALTER TABLE claims ADD COLUMN claimed_place TEXT NOT NULL DEFAULT '';
ALTER TABLE claimants ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sources ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE evidence ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE evidence ADD COLUMN updated_at DATETIME;
UPDATE evidence SET updated_at = created_at;
CREATE UNIQUE INDEX appearances_claim_url ON appearances(claim_id, url);
-- A source's citing claims, newest link first, without sorting them all.
DROP INDEX evidence_source;
CREATE INDEX evidence_source ON evidence(source_id, id);
-- One row per distinct word of a source's title, publisher and URL;
-- prefix search is a range scan on the primary key (BINARY collation).
CREATE TABLE source_terms (
  term TEXT NOT NULL,
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  PRIMARY KEY (term, source_id)
) WITHOUT ROWID;
CREATE INDEX source_terms_source ON source_terms(source_id);

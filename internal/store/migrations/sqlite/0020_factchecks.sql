-- The fact-check library (issue 11): published ClaimReviews by anyone,
-- one row per fact-check, identified by its normalised url. Searched
-- through an FTS5 index kept by triggers (Porter stemming over unicode61,
-- so English words match by stem and every language by word prefix).
CREATE TABLE factchecks (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL UNIQUE,
  claim_reviewed TEXT NOT NULL,
  headline TEXT NOT NULL DEFAULT '',
  excerpt TEXT NOT NULL DEFAULT '',
  rating_name TEXT NOT NULL DEFAULT '',
  rating_value REAL,
  best_rating REAL,
  worst_rating REAL,
  publisher_name TEXT NOT NULL DEFAULT '',
  publisher_url TEXT NOT NULL DEFAULT '',
  claimant TEXT NOT NULL DEFAULT '',
  claim_url TEXT NOT NULL DEFAULT '',
  claim_date DATETIME,
  date_published DATETIME,
  date_modified DATETIME,
  language TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE INDEX factchecks_publisher ON factchecks(publisher_name, id);
CREATE INDEX factchecks_language ON factchecks(language, id);
CREATE INDEX factchecks_published ON factchecks(date_published, id);
CREATE INDEX factchecks_updated ON factchecks(updated_at, id);
CREATE VIRTUAL TABLE factchecks_fts USING fts5(claim_reviewed, headline, excerpt, claimant, publisher_name,
  content='factchecks', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER factchecks_fts_ai AFTER INSERT ON factchecks BEGIN
  INSERT INTO factchecks_fts(rowid, claim_reviewed, headline, excerpt, claimant, publisher_name)
  VALUES (new.id, new.claim_reviewed, new.headline, new.excerpt, new.claimant, new.publisher_name);
END;
CREATE TRIGGER factchecks_fts_ad AFTER DELETE ON factchecks BEGIN
  INSERT INTO factchecks_fts(factchecks_fts, rowid, claim_reviewed, headline, excerpt, claimant, publisher_name)
  VALUES ('delete', old.id, old.claim_reviewed, old.headline, old.excerpt, old.claimant, old.publisher_name);
END;
CREATE TRIGGER factchecks_fts_au AFTER UPDATE OF claim_reviewed, headline, excerpt, claimant, publisher_name ON factchecks BEGIN
  INSERT INTO factchecks_fts(factchecks_fts, rowid, claim_reviewed, headline, excerpt, claimant, publisher_name)
  VALUES ('delete', old.id, old.claim_reviewed, old.headline, old.excerpt, old.claimant, old.publisher_name);
  INSERT INTO factchecks_fts(rowid, claim_reviewed, headline, excerpt, claimant, publisher_name)
  VALUES (new.id, new.claim_reviewed, new.headline, new.excerpt, new.claimant, new.publisher_name);
END;
-- Relevance weighs the claim most, then the headline (bm25 column weights).
INSERT INTO factchecks_fts(factchecks_fts, rank) VALUES ('rank', 'bm25(4.0, 2.0, 1.0, 1.0, 1.0)');

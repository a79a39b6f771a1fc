-- The library's index (0020) stemmed with Porter, which also stems a
-- search's prefixes: "unemploy" became "unemploi" and missed
-- "unemployment". Words are now indexed as written, as for claims (0021),
-- and a search matches them as prefixes in the forms models.SearchForms
-- gives, the same on both databases.
DROP TRIGGER factchecks_fts_ai;
DROP TRIGGER factchecks_fts_ad;
DROP TRIGGER factchecks_fts_au;
DROP TABLE factchecks_fts;
CREATE VIRTUAL TABLE factchecks_fts USING fts5(claim_reviewed, headline, excerpt, claimant, publisher_name,
  content='factchecks', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
INSERT INTO factchecks_fts(factchecks_fts) VALUES ('rebuild');
INSERT INTO factchecks_fts(factchecks_fts, rank) VALUES ('rank', 'bm25(4.0, 2.0, 1.0, 1.0, 1.0)');
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

-- Full-text search over claims (issue 11): quote, summary, explanation,
-- rationale, notes and the claimant's name, for live claims only (a
-- deleted claim leaves the index, so it can never be found). A contentless
-- FTS5 table (the text stays in claims and claimants; contentless_delete
-- lets a row be removed by id) of unicode61 words with diacritics folded,
-- kept by triggers on claims and on claimants' names. Words are indexed as
-- written; a search matches them as prefixes, in the forms
-- models.SearchForms gives (English stems), as PostgreSQL does.
CREATE VIRTUAL TABLE claims_fts USING fts5(quote, summary, explanation, rationale, notes, claimant,
  content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
-- Relevance weighs the quote and summary most, then the claimant.
INSERT INTO claims_fts(claims_fts, rank) VALUES ('rank', 'bm25(3.0, 3.0, 1.0, 1.0, 1.0, 2.0)');
INSERT INTO claims_fts(rowid, quote, summary, explanation, rationale, notes, claimant)
  SELECT c.id, c.quote, c.summary, c.explanation, c.rationale, c.notes, COALESCE(p.name, '')
  FROM claims c LEFT JOIN claimants p ON p.id = c.claimant_id WHERE c.deleted_at IS NULL;
CREATE TRIGGER claims_fts_ai AFTER INSERT ON claims WHEN new.deleted_at IS NULL BEGIN
  INSERT INTO claims_fts(rowid, quote, summary, explanation, rationale, notes, claimant)
  VALUES (new.id, new.quote, new.summary, new.explanation, new.rationale, new.notes,
    COALESCE((SELECT name FROM claimants WHERE id = new.claimant_id), ''));
END;
CREATE TRIGGER claims_fts_au AFTER UPDATE OF quote, summary, explanation, rationale, notes, claimant_id, deleted_at ON claims BEGIN
  DELETE FROM claims_fts WHERE rowid = old.id;
  INSERT INTO claims_fts(rowid, quote, summary, explanation, rationale, notes, claimant)
  SELECT new.id, new.quote, new.summary, new.explanation, new.rationale, new.notes,
    COALESCE((SELECT name FROM claimants WHERE id = new.claimant_id), '')
  WHERE new.deleted_at IS NULL;
END;
CREATE TRIGGER claims_fts_ad AFTER DELETE ON claims BEGIN
  DELETE FROM claims_fts WHERE rowid = old.id;
END;
CREATE TRIGGER claims_fts_claimant AFTER UPDATE OF name ON claimants WHEN old.name IS NOT new.name BEGIN
  DELETE FROM claims_fts WHERE rowid IN (SELECT id FROM claims WHERE claimant_id = new.id AND deleted_at IS NULL);
  INSERT INTO claims_fts(rowid, quote, summary, explanation, rationale, notes, claimant)
  SELECT id, quote, summary, explanation, rationale, notes, new.name FROM claims WHERE claimant_id = new.id AND deleted_at IS NULL;
END;

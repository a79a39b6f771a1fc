-- Matching (issue 11 part 3). match_changes is a log that grows by one row
-- whenever something the matching index holds changes: a fact-check of the
-- library (inserted, its words or date edited, deleted) or one of our
-- checked claims (approved or published, before or after the change).
-- Every server process keeps its own in-memory index and replays the rows
-- above the last it applied before each match (store.Matcher), so several
-- processes sharing one database stay correct. Derived: backups leave it out.
CREATE TABLE match_changes (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  item_id INTEGER NOT NULL
);
CREATE TRIGGER factchecks_match_insert AFTER INSERT ON factchecks BEGIN
  INSERT INTO match_changes (kind, item_id) VALUES ('factcheck', NEW.id);
END;
CREATE TRIGGER factchecks_match_update AFTER UPDATE OF claim_reviewed, headline, excerpt, date_published ON factchecks BEGIN
  INSERT INTO match_changes (kind, item_id) VALUES ('factcheck', NEW.id);
END;
CREATE TRIGGER factchecks_match_delete AFTER DELETE ON factchecks BEGIN
  INSERT INTO match_changes (kind, item_id) VALUES ('factcheck', OLD.id);
END;
CREATE TRIGGER claims_match_insert AFTER INSERT ON claims
WHEN NEW.state IN ('approved', 'published') BEGIN
  INSERT INTO match_changes (kind, item_id) VALUES ('claim', NEW.id);
END;
CREATE TRIGGER claims_match_update AFTER UPDATE OF state, summary, quote, explanation, claimed_at, deleted_at ON claims
WHEN OLD.state IN ('approved', 'published') OR NEW.state IN ('approved', 'published') BEGIN
  INSERT INTO match_changes (kind, item_id) VALUES ('claim', NEW.id);
END;
CREATE TRIGGER claims_match_delete AFTER DELETE ON claims
WHEN OLD.state IN ('approved', 'published') BEGIN
  INSERT INTO match_changes (kind, item_id) VALUES ('claim', OLD.id);
END;

-- A claim's link to what it matches: an earlier fact-check of the library
-- or one of our earlier claims, chosen by a person from the suggestions.
-- What was matched is copied, so the link still reads if the library entry
-- is deleted later.
CREATE TABLE claim_links (
  claim_id INTEGER PRIMARY KEY REFERENCES claims(id),
  factcheck_id INTEGER REFERENCES factchecks(id) ON DELETE SET NULL,
  matched_claim_id INTEGER REFERENCES claims(id),
  url TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL,
  rating TEXT NOT NULL DEFAULT '',
  publisher TEXT NOT NULL DEFAULT '',
  explanation TEXT NOT NULL DEFAULT '',
  score REAL NOT NULL,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at DATETIME NOT NULL
);
CREATE INDEX claim_links_factcheck ON claim_links(factcheck_id);
CREATE INDEX claim_links_claim ON claim_links(matched_claim_id);

-- Sentences of an article revision whose scan suggestion an editor
-- dismissed: the scan does not offer them again for that revision.
CREATE TABLE scan_dismissals (
  article_id INTEGER NOT NULL REFERENCES articles(id),
  revision INTEGER NOT NULL,
  start_pos INTEGER NOT NULL,
  end_pos INTEGER NOT NULL,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at DATETIME NOT NULL,
  PRIMARY KEY (article_id, revision, start_pos, end_pos)
);

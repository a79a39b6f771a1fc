-- A log that grows by one row whenever something an article's reading page
-- shows from the database changes: a claim on it (inserted, edited, moved,
-- deleted, its evidence count), or a claimant or verdict label, which any
-- page may show (article_id 0). Rows are only ever added, so the number of
-- rows for (0, article) rises with every committed change: handlers key
-- their cache of the rendered body and claim list on it (store.PageStamp).
-- The table is derived: backups leave it out.
CREATE TABLE page_changes (
  id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL
);
CREATE INDEX page_changes_article ON page_changes(article_id);
CREATE TRIGGER claims_page_insert AFTER INSERT ON claims BEGIN
  INSERT INTO page_changes (article_id) VALUES (NEW.article_id);
END;
CREATE TRIGGER claims_page_update AFTER UPDATE ON claims BEGIN
  INSERT INTO page_changes (article_id) SELECT OLD.article_id WHERE OLD.article_id <> NEW.article_id;
  INSERT INTO page_changes (article_id) VALUES (NEW.article_id);
END;
CREATE TRIGGER claims_page_delete AFTER DELETE ON claims BEGIN
  INSERT INTO page_changes (article_id) VALUES (OLD.article_id);
END;
CREATE TRIGGER claimants_page_update AFTER UPDATE ON claimants BEGIN
  INSERT INTO page_changes (article_id) VALUES (0);
END;
CREATE TRIGGER claimants_page_delete AFTER DELETE ON claimants BEGIN
  INSERT INTO page_changes (article_id) VALUES (0);
END;
CREATE TRIGGER verdicts_page_insert AFTER INSERT ON verdicts BEGIN
  INSERT INTO page_changes (article_id) VALUES (0);
END;
CREATE TRIGGER verdicts_page_update AFTER UPDATE ON verdicts BEGIN
  INSERT INTO page_changes (article_id) VALUES (0);
END;
CREATE TRIGGER verdicts_page_delete AFTER DELETE ON verdicts BEGIN
  INSERT INTO page_changes (article_id) VALUES (0);
END;

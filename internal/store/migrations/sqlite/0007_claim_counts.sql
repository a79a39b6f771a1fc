-- Counts kept by the database instead of counted on every page view.
--
-- Live claims by state and verdict, for the dashboard and the claims board.
-- Triggers append a change (+1 or -1) for every insert, state or verdict
-- change, soft delete and delete of a claim; a reader sums the rows of one
-- (state, verdict) and store.compactTallies folds them back into one row
-- each. Appending rather than updating one row per key means two writers
-- never wait on, or deadlock over, the same counter row. verdict_id 0 is
-- "no verdict". The table is derived: backups leave it out, and a restore
-- refills it through the same triggers.
CREATE TABLE claim_tallies (
  id INTEGER PRIMARY KEY,
  state TEXT NOT NULL,
  verdict_id INTEGER NOT NULL,
  n INTEGER NOT NULL
);
CREATE TRIGGER claims_tally_insert AFTER INSERT ON claims WHEN NEW.deleted_at IS NULL BEGIN
  INSERT INTO claim_tallies (state, verdict_id, n) VALUES (NEW.state, coalesce(NEW.verdict_id, 0), 1);
END;
CREATE TRIGGER claims_tally_update AFTER UPDATE OF state, verdict_id, deleted_at ON claims
WHEN OLD.state IS NOT NEW.state OR OLD.verdict_id IS NOT NEW.verdict_id OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) BEGIN
  INSERT INTO claim_tallies (state, verdict_id, n) SELECT OLD.state, coalesce(OLD.verdict_id, 0), -1 WHERE OLD.deleted_at IS NULL;
  INSERT INTO claim_tallies (state, verdict_id, n) SELECT NEW.state, coalesce(NEW.verdict_id, 0), 1 WHERE NEW.deleted_at IS NULL;
END;
CREATE TRIGGER claims_tally_delete AFTER DELETE ON claims WHEN OLD.deleted_at IS NULL BEGIN
  INSERT INTO claim_tallies (state, verdict_id, n) VALUES (OLD.state, coalesce(OLD.verdict_id, 0), -1);
END;
INSERT INTO claim_tallies (state, verdict_id, n)
  SELECT state, coalesce(verdict_id, 0), count(*) FROM claims WHERE deleted_at IS NULL GROUP BY state, coalesce(verdict_id, 0);

-- Each claim's number of evidence links, kept by triggers on evidence, so
-- that pages show it without counting and the board's "no evidence" filter
-- reads one partial index instead of probing evidence for every claim.
ALTER TABLE claims ADD COLUMN evidence_count INTEGER NOT NULL DEFAULT 0;
UPDATE claims SET evidence_count = (SELECT count(*) FROM evidence WHERE evidence.claim_id = claims.id)
  WHERE id IN (SELECT claim_id FROM evidence);
CREATE TRIGGER evidence_count_insert AFTER INSERT ON evidence BEGIN
  UPDATE claims SET evidence_count = evidence_count + 1 WHERE id = NEW.claim_id;
END;
CREATE TRIGGER evidence_count_delete AFTER DELETE ON evidence BEGIN
  UPDATE claims SET evidence_count = evidence_count - 1 WHERE id = OLD.claim_id;
END;
CREATE TRIGGER evidence_count_update AFTER UPDATE OF claim_id ON evidence WHEN OLD.claim_id <> NEW.claim_id BEGIN
  UPDATE claims SET evidence_count = evidence_count - 1 WHERE id = OLD.claim_id;
  UPDATE claims SET evidence_count = evidence_count + 1 WHERE id = NEW.claim_id;
END;
CREATE INDEX claims_no_evidence ON claims(state, id) WHERE deleted_at IS NULL AND evidence_count = 0;
-- The board's per-state counts for one claimant (a head of state can have
-- tens of thousands of claims).
CREATE INDEX claims_claimant_state ON claims(claimant_id, state, id) WHERE deleted_at IS NULL;
-- … and for one article; and overdue claims, longest overdue first, read in
-- order instead of sorting every overdue claim (store.openStatesSQL).
CREATE INDEX claims_article_state ON claims(article_id, state) WHERE deleted_at IS NULL;
CREATE INDEX claims_open_due ON claims(due, id) WHERE deleted_at IS NULL AND due IS NOT NULL AND state IN ('new', 'researching', 'in_review', 'needs_recheck');

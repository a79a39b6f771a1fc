-- "Waiting for my sign-off" reads every claim in review to leave out those
-- the reader helped write, which no index can do for them. This partial
-- index holds just those claims with every column the test reads (state and
-- deleted_at too: SQLite reads them even when the index implies them), so the
-- queue reads the index alone and the table only for the rows it shows.
CREATE INDEX claims_in_review ON claims(id, review_round, proposed_by, verdict_by, explanation_by, rationale_by, state, deleted_at)
  WHERE deleted_at IS NULL AND state = 'in_review';

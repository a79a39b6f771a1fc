-- The board's "marked by" filter and the queue's "Marked by me": a
-- person's live claims newest first, and counted by state.
CREATE INDEX claims_marked_by ON claims(created_by, id) WHERE deleted_at IS NULL;
CREATE INDEX claims_marked_by_state ON claims(created_by, state, id) WHERE deleted_at IS NULL;

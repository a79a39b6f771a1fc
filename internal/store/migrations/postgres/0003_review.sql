-- Review workflow: versions for the verdict scale, when a claim was signed
-- off (for the dashboard's weekly chart), and indexes for the claims board,
-- the queues and the dashboard. Partial indexes skip deleted claims, so the
-- counts read only an index.
ALTER TABLE verdicts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE claims ADD COLUMN approved_at TIMESTAMPTZ;
CREATE INDEX claims_live_state_verdict ON claims(state, verdict_id) WHERE deleted_at IS NULL;
CREATE INDEX claims_live_id ON claims(id) WHERE deleted_at IS NULL;
CREATE INDEX claims_state_due ON claims(state, due) WHERE deleted_at IS NULL;
CREATE INDEX claims_assignee_id ON claims(assignee_id, id) WHERE deleted_at IS NULL;
CREATE INDEX claims_live_created ON claims(created_at) WHERE deleted_at IS NULL;
CREATE INDEX claims_approved_at ON claims(approved_at) WHERE approved_at IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX approvals_claim_round ON approvals(claim_id, round, user_id);

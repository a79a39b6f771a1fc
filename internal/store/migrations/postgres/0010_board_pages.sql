-- Deep pages of the claims board (up to page 2,000). The page query filters
-- live claims and orders them by id; with these partial indexes it walks
-- index entries only and reads the table for the 51 rows it returns, where
-- the older indexes (claims_state, claims_verdict, claims_claimant) made it
-- read every skipped claim to check deleted_at: 140–250 ms for page 2,000
-- of one state or of "no evidence" on a million claims, 5–16 ms now.
CREATE INDEX claims_live_state_id ON claims(state, id) WHERE deleted_at IS NULL;
CREATE INDEX claims_live_verdict_id ON claims(verdict_id, id) WHERE deleted_at IS NULL;
CREATE INDEX claims_live_claimant_id ON claims(claimant_id, id) WHERE deleted_at IS NULL;
CREATE INDEX claims_no_evidence_id ON claims(id) WHERE deleted_at IS NULL AND evidence_count = 0;

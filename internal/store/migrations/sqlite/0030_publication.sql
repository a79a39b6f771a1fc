-- Publication that lasts (docs/publishing.md). A claim once published keeps
-- a public page for good: what the public sees is a snapshot (pub_*) taken
-- at each publication, so a correction in progress never takes the page
-- down. reverify_since marks a published fact-check whose words a revision
-- changed; withdrawn_at a withdrawn one (its page answers 410 with the
-- notice). public_modified_at is ClaimReview's dateModified.
ALTER TABLE claims ADD COLUMN published_at DATETIME;
ALTER TABLE claims ADD COLUMN public_modified_at DATETIME;
ALTER TABLE claims ADD COLUMN reverify_since DATETIME;
ALTER TABLE claims ADD COLUMN reverified_at DATETIME;
ALTER TABLE claims ADD COLUMN withdrawn_at DATETIME;
ALTER TABLE claims ADD COLUMN withdrawal_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE claims ADD COLUMN correction_note TEXT NOT NULL DEFAULT '';
ALTER TABLE claims ADD COLUMN pub_verdict_id INTEGER;
ALTER TABLE claims ADD COLUMN pub_verdict_label TEXT NOT NULL DEFAULT '';
ALTER TABLE claims ADD COLUMN pub_explanation TEXT NOT NULL DEFAULT '';
ALTER TABLE claims ADD COLUMN pub_rationale TEXT NOT NULL DEFAULT '';
UPDATE claims SET published_at = updated_at, public_modified_at = updated_at, pub_verdict_id = verdict_id,
  pub_verdict_label = coalesce((SELECT label FROM verdicts WHERE verdicts.id = claims.verdict_id), ''),
  pub_explanation = explanation, pub_rationale = rationale
  WHERE state = 'published';
-- The public index of fact-checks, newest first.
CREATE INDEX claims_public ON claims(published_at, id) WHERE deleted_at IS NULL AND published_at IS NOT NULL;

-- Public corrections and withdrawals, newest first in /corrections.
CREATE TABLE corrections (
  id INTEGER PRIMARY KEY,
  claim_id INTEGER NOT NULL REFERENCES claims(id),
  article_id INTEGER NOT NULL REFERENCES articles(id),
  kind TEXT NOT NULL CHECK (kind IN ('correction','withdrawal')),
  note TEXT NOT NULL,
  old_verdict TEXT NOT NULL DEFAULT '',
  new_verdict TEXT NOT NULL DEFAULT '',
  old_explanation TEXT NOT NULL DEFAULT '',
  new_explanation TEXT NOT NULL DEFAULT '',
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at DATETIME NOT NULL
);
CREATE INDEX corrections_created ON corrections(created_at, id);
CREATE INDEX corrections_claim ON corrections(claim_id, id);

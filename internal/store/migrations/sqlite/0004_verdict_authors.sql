-- Who set each part of the proposed verdict: none of them may sign it off.
ALTER TABLE claims ADD COLUMN verdict_by INTEGER REFERENCES users(id);
ALTER TABLE claims ADD COLUMN explanation_by INTEGER REFERENCES users(id);
ALTER TABLE claims ADD COLUMN rationale_by INTEGER REFERENCES users(id);
UPDATE claims SET verdict_by = proposed_by, explanation_by = proposed_by, rationale_by = proposed_by WHERE proposed_by IS NOT NULL;

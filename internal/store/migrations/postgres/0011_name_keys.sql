-- Claimant names and verdict labels are matched without regard to case
-- (the board's claimant filter, "claimant" by name in the API, the
-- one-name-one-claimant rule, autocomplete). SQLite's lower() folds only
-- ASCII letters ("Ó" stays "Ó"), PostgreSQL's folds them all, so the two
-- databases disagreed on names like "Ólafur Grímsson". The store now writes
-- a key (models.NameKey) with every name and label and compares keys; the
-- Go step of this migration (store.Migrate) fills them for existing rows.
ALTER TABLE claimants ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE verdicts ADD COLUMN label_key TEXT NOT NULL DEFAULT '';
CREATE INDEX claimants_name_key ON claimants(name_key);
CREATE INDEX verdicts_label_key ON verdicts(label_key);

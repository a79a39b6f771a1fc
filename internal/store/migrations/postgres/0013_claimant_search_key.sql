-- The claimant list's search (part of the name, title or affiliation)
-- compared lower() of each column, which in SQLite folds only ASCII: a
-- search for "président" missed "Président" there. The store now writes a
-- folded key of the three with every claimant (models.Claimant.SearchKey),
-- and the Go step of this migration fills it for existing rows.
ALTER TABLE claimants ADD COLUMN search_key TEXT NOT NULL DEFAULT '';

-- Full-text search over claims (issue 11): quote, summary, explanation,
-- rationale, notes and the claimant's name, for live claims only (a
-- deleted claim leaves the index, so it can never be found). The claimant's
-- name lives in claimants, so the vector is kept in a table of its own by
-- triggers rather than as a generated column. Words are kept as written
-- ('simple'); a search matches them as prefixes, in the forms
-- models.SearchForms gives (English stems), as SQLite does.
CREATE FUNCTION claim_search_vector(quote text, summary text, explanation text, rationale text, notes text, claimant text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('simple', quote || ' ' || summary), 'A')
      || setweight(to_tsvector('simple', claimant), 'B')
      || setweight(to_tsvector('simple', explanation || ' ' || rationale || ' ' || notes), 'D')
$$;
CREATE TABLE claims_fts (
  id BIGINT PRIMARY KEY,
  search tsvector NOT NULL
);
INSERT INTO claims_fts (id, search)
  SELECT c.id, claim_search_vector(c.quote, c.summary, c.explanation, c.rationale, c.notes, COALESCE(p.name, ''))
  FROM claims c LEFT JOIN claimants p ON p.id = c.claimant_id WHERE c.deleted_at IS NULL;
CREATE INDEX claims_fts_search ON claims_fts USING GIN (search);
CREATE FUNCTION claims_fts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM claims_fts WHERE id = OLD.id;
  ELSIF NEW.deleted_at IS NOT NULL THEN
    DELETE FROM claims_fts WHERE id = NEW.id;
  ELSE
    INSERT INTO claims_fts (id, search)
    VALUES (NEW.id, claim_search_vector(NEW.quote, NEW.summary, NEW.explanation, NEW.rationale, NEW.notes,
      COALESCE((SELECT name FROM claimants WHERE id = NEW.claimant_id), '')))
    ON CONFLICT (id) DO UPDATE SET search = EXCLUDED.search;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER claims_fts_sync AFTER INSERT OR DELETE OR UPDATE OF quote, summary, explanation, rationale, notes, claimant_id, deleted_at
  ON claims FOR EACH ROW EXECUTE FUNCTION claims_fts_sync();
CREATE FUNCTION claims_fts_claimant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE claims_fts f SET search = claim_search_vector(c.quote, c.summary, c.explanation, c.rationale, c.notes, NEW.name)
  FROM claims c WHERE c.id = f.id AND c.claimant_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER claims_fts_claimant AFTER UPDATE OF name ON claimants
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION claims_fts_claimant();

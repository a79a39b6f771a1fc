-- A file uploaded with a form that failed validation is held here for a
-- short time under a token, so that the form comes back with the file still
-- chosen (issue 13). Rows expire; HoldUpload deletes expired ones.
CREATE TABLE upload_holds (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  file_name TEXT NOT NULL,
  content BYTEA NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX upload_holds_expiry ON upload_holds(expires_at);

-- Account features (issue 15): last sign-in, the e-mail notification
-- opt-out, and one-time links (invites, password resets) stored hashed.
ALTER TABLE users ADD COLUMN last_sign_in_at DATETIME;
ALTER TABLE users ADD COLUMN email_notifications BOOLEAN NOT NULL DEFAULT 1;
CREATE TABLE account_links (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('invite','reset')),
  token_hash TEXT NOT NULL UNIQUE,
  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at DATETIME NOT NULL,
  expires_at DATETIME NOT NULL,
  used_at DATETIME
);
CREATE INDEX account_links_user ON account_links(user_id, id);

-- The e-mail outbox (issue 15): a request only inserts a row, in its own
-- transaction; senders claim rows with a lease (locked_by, locked_until)
-- so two instances never send the same mail, and retry with backoff.
-- link_id: a mail carrying a one-time link gets a fresh token at send
-- time, so the link in clear never touches the database.
CREATE TABLE mail_outbox (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
  to_addr TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  link_id INTEGER REFERENCES account_links(id) ON DELETE CASCADE,
  dedupe_key TEXT UNIQUE,
  created_at DATETIME NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at DATETIME NOT NULL,
  locked_by TEXT NOT NULL DEFAULT '',
  locked_until DATETIME,
  sent_at DATETIME,
  failed_at DATETIME,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX mail_outbox_created ON mail_outbox(created_at);
-- How far the notifier has read the history: notifications ("assigned to
-- you", "waiting for your sign-off", "published") are made from history
-- entries after this id. It starts at the end: nothing old is mailed.
CREATE TABLE mail_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  history_id INTEGER NOT NULL
);
INSERT INTO mail_cursor (id, history_id) SELECT 1, coalesce(max(id), 0) FROM history_entries;

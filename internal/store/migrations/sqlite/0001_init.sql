CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin','editor','factchecker','viewer')),
  password_hash TEXT NOT NULL,
  active BOOLEAN NOT NULL DEFAULT 1,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  expires_at DATETIME NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at DATETIME NOT NULL,
  last_used_at DATETIME,
  revoked_at DATETIME,
  expires_at DATETIME
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
CREATE TABLE login_failures (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  at DATETIME NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures(key, at);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE articles (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  outlet TEXT NOT NULL DEFAULT '',
  byline TEXT NOT NULL DEFAULT '',
  source_url TEXT NOT NULL DEFAULT '',
  published_at DATE,
  language TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL,
  html TEXT NOT NULL DEFAULT '',
  revision INTEGER NOT NULL DEFAULT 1,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  deleted_at DATETIME
);
CREATE INDEX articles_live_id ON articles(deleted_at, id);
CREATE INDEX articles_published ON articles(published_at);
CREATE TABLE revisions (
  id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id),
  number INTEGER NOT NULL,
  text TEXT NOT NULL,
  html TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  author_id INTEGER NOT NULL REFERENCES users(id),
  created_at DATETIME NOT NULL,
  UNIQUE (article_id, number)
);
CREATE TABLE claimants (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person','organization')),
  title TEXT NOT NULL DEFAULT '',
  affiliation TEXT NOT NULL DEFAULT '',
  same_as TEXT NOT NULL DEFAULT '[]',
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX claimants_name ON claimants(lower(name));
CREATE TABLE verdicts (
  id INTEGER PRIMARY KEY,
  label TEXT NOT NULL,
  position INTEGER NOT NULL,
  value INTEGER,
  colour TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  not_checkable BOOLEAN NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX verdicts_label ON verdicts(lower(label));
CREATE TABLE claims (
  id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id),
  start_pos INTEGER NOT NULL,
  end_pos INTEGER NOT NULL,
  quote TEXT NOT NULL,
  prefix TEXT NOT NULL DEFAULT '',
  suffix TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL DEFAULT 'statement',
  claimant_id INTEGER REFERENCES claimants(id),
  claimed_at DATE,
  notes TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'new',
  verdict_id INTEGER REFERENCES verdicts(id),
  explanation TEXT NOT NULL DEFAULT '',
  rationale TEXT NOT NULL DEFAULT '',
  proposed_by INTEGER REFERENCES users(id),
  assignee_id INTEGER REFERENCES users(id),
  due DATE,
  anchor_state TEXT NOT NULL DEFAULT 'anchored',
  anchor_revision INTEGER NOT NULL DEFAULT 1,
  previous_quote TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  review_round INTEGER NOT NULL DEFAULT 0,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  deleted_at DATETIME,
  CHECK (start_pos >= 0 AND end_pos > start_pos)
);
CREATE INDEX claims_article ON claims(article_id, start_pos);
CREATE INDEX claims_state ON claims(state, id);
CREATE INDEX claims_verdict ON claims(verdict_id, id);
CREATE INDEX claims_assignee ON claims(assignee_id, state, id);
CREATE INDEX claims_claimant ON claims(claimant_id, id);
CREATE INDEX claims_due ON claims(due);
CREATE INDEX claims_created ON claims(created_at);
CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL DEFAULT '',
  publisher TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL DEFAULT 'other',
  published_at DATE,
  accessed_at DATE,
  archive_url TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE TABLE evidence (
  id INTEGER PRIMARY KEY,
  claim_id INTEGER NOT NULL REFERENCES claims(id),
  source_id INTEGER NOT NULL REFERENCES sources(id),
  stance TEXT NOT NULL CHECK (stance IN ('supports','refutes','context','origin')),
  passage TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  added_by INTEGER NOT NULL REFERENCES users(id),
  created_at DATETIME NOT NULL,
  UNIQUE (claim_id, source_id, stance)
);
CREATE INDEX evidence_source ON evidence(source_id);
CREATE TABLE appearances (
  id INTEGER PRIMARY KEY,
  claim_id INTEGER NOT NULL REFERENCES claims(id),
  url TEXT NOT NULL,
  first BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX appearances_claim ON appearances(claim_id);
CREATE TABLE approvals (
  id INTEGER PRIMARY KEY,
  claim_id INTEGER NOT NULL REFERENCES claims(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  approve BOOLEAN NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  verdict_id INTEGER REFERENCES verdicts(id),
  round INTEGER NOT NULL DEFAULT 0,
  created_at DATETIME NOT NULL
);
CREATE INDEX approvals_claim ON approvals(claim_id);
CREATE TABLE comments (
  id INTEGER PRIMARY KEY,
  claim_id INTEGER NOT NULL REFERENCES claims(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  body TEXT NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX comments_claim ON comments(claim_id, id);
CREATE TABLE history_entries (
  id INTEGER PRIMARY KEY,
  entity_type TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  claim_id INTEGER,
  article_id INTEGER,
  actor_id INTEGER,
  actor_name TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  changes TEXT NOT NULL DEFAULT '{}',
  created_at DATETIME NOT NULL,
  prev_hash TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL UNIQUE
);
CREATE INDEX history_claim ON history_entries(claim_id, id);
CREATE INDEX history_article ON history_entries(article_id, id);
CREATE TRIGGER history_no_update BEFORE UPDATE ON history_entries BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON history_entries BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE VIRTUAL TABLE articles_fts USING fts5(title, outlet, byline, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts(rowid, title, outlet, byline) VALUES (new.id, new.title, new.outlet, new.byline);
END;
CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, outlet, byline) VALUES ('delete', old.id, old.title, old.outlet, old.byline);
END;
CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, outlet, byline ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, outlet, byline) VALUES ('delete', old.id, old.title, old.outlet, old.byline);
  INSERT INTO articles_fts(rowid, title, outlet, byline) VALUES (new.id, new.title, new.outlet, new.byline);
END;
INSERT INTO verdicts (label, position, value, colour, description, not_checkable) VALUES
  ('True', 1, 5, '#1a7f37', 'The claim is accurate and nothing significant is missing.', 0),
  ('Mostly true', 2, 4, '#4d9a2a', 'The claim is accurate but needs clarification or additional information.', 0),
  ('Half true', 3, 3, '#b08800', 'The claim is partially accurate but leaves out important details or takes things out of context.', 0),
  ('Misleading', 4, 2, '#c25e00', 'The claim contains accurate elements but creates a false impression.', 0),
  ('Mostly false', 5, 1, '#c9372c', 'The claim contains an element of truth but ignores critical facts.', 0),
  ('False', 6, 0, '#a40e26', 'The claim is not accurate.', 0),
  ('Unsupported', 7, NULL, '#6e7781', 'There is no evidence for the claim, and it cannot be shown true or false.', 0),
  ('Not checkable', 8, NULL, '#57606a', 'An opinion, prediction or statement that cannot be checked against facts.', 1);
INSERT INTO settings (key, value) VALUES ('required_approvals', '1'), ('allow_private_urls', 'false'), ('newsroom_name', 'Claimdesk newsroom'), ('newsroom_url', '');

-- Operator accounts of the web console and their sessions.
CREATE TABLE web_operators (
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'read-only')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

-- Only a SHA-256 of each session id is kept: a copy of the database opens no session.
CREATE TABLE web_sessions (
  id_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL REFERENCES web_operators (username) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at);

-- Submission accounts: who may authenticate on 587/465 and which senders each may use.
CREATE TABLE submission_users (
  address       TEXT PRIMARY KEY COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  suspended     INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE submission_senders (
  address TEXT NOT NULL REFERENCES submission_users (address) ON DELETE CASCADE,
  pattern TEXT NOT NULL COLLATE NOCASE,
  PRIMARY KEY (address, pattern)
) STRICT;

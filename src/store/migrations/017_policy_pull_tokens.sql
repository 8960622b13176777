-- The routers that may pull the current policy (GET /policy/current.*), one bearer token each
-- (src/policy/pull-tokens.ts). Only a SHA-256 of each token is kept: a copy of the database
-- pulls nothing.
CREATE TABLE policy_pull_tokens (
  name TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used_at TEXT
) STRICT;

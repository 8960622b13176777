-- Spam honeypot captures. Everything here came from an attacker and is kept as data: text columns
-- hold what the client sent (bounded in length by the sensor), never anything derived by running it.
CREATE TABLE honeypot_sessions (
  id               INTEGER PRIMARY KEY,
  started_ms       INTEGER NOT NULL,
  ended_ms         INTEGER NOT NULL,
  source           TEXT NOT NULL,
  source_port      INTEGER NOT NULL,
  sensor           TEXT NOT NULL,
  listener         TEXT NOT NULL CHECK (listener IN ('http', 'socks4', 'socks5', 'smtp')),
  -- The protocols in order, e.g. 'socks5→smtp', 'http-connect→smtp', 'http-get', 'smtp'.
  path             TEXT NOT NULL,
  -- What a proxy client asked to reach (NULL for the relay listener).
  destination_host TEXT,
  destination_port INTEGER,
  proxy_user       TEXT,
  proxy_password   TEXT,
  helo             TEXT,
  bytes            INTEGER NOT NULL,
  messages         INTEGER NOT NULL,
  recipients       INTEGER NOT NULL,
  outcome          TEXT NOT NULL
) STRICT;

CREATE INDEX honeypot_sessions_by_start ON honeypot_sessions (started_ms);
CREATE INDEX honeypot_sessions_by_source ON honeypot_sessions (source);

-- Message bodies, once per content: the file is DATA/honeypot/messages/<sha[0:2]>/<sha>.
-- stored = 0 once the disk quota evicted the file; the row and every message's metadata stay.
CREATE TABLE honeypot_bodies (
  sha256        TEXT PRIMARY KEY,
  size          INTEGER NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  stored        INTEGER NOT NULL DEFAULT 1 CHECK (stored IN (0, 1))
) STRICT, WITHOUT ROWID;

CREATE INDEX honeypot_bodies_by_age ON honeypot_bodies (stored, first_seen_ms);

CREATE TABLE honeypot_messages (
  id              INTEGER PRIMARY KEY,
  session_id      INTEGER NOT NULL REFERENCES honeypot_sessions (id) ON DELETE CASCADE,
  received_ms     INTEGER NOT NULL,
  mail_from       TEXT NOT NULL,
  sha256          TEXT NOT NULL REFERENCES honeypot_bodies (sha256),
  -- Bytes the client sent in DATA; the stored body holds at most the per-message bound of them.
  size            INTEGER NOT NULL,
  truncated       INTEGER NOT NULL CHECK (truncated IN (0, 1)),
  -- Campaign features (src/honeypot/campaign.ts): normalised body hash, subject pattern, URLs.
  fingerprint     TEXT NOT NULL,
  subject_pattern TEXT NOT NULL,
  urls            TEXT NOT NULL
) STRICT;

CREATE INDEX honeypot_messages_by_session ON honeypot_messages (session_id);

CREATE TABLE honeypot_recipients (
  message_id INTEGER NOT NULL REFERENCES honeypot_messages (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  address    TEXT NOT NULL,
  domain     TEXT NOT NULL,
  PRIMARY KEY (message_id, position)
) STRICT, WITHOUT ROWID;

-- Running totals the sensor adds to at each flush: connections shed per reason, proxy requests
-- refused, outbound connection attempts seen (which must stay 0).
CREATE TABLE honeypot_counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

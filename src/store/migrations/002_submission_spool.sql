-- The submission spool's index. A message's bytes live in spool/<id>.eml; a row here exists only
-- once that file is fsync'd and renamed into place, and before the client hears 250.
CREATE TABLE spool_messages (
  id             TEXT PRIMARY KEY,
  username       TEXT NOT NULL,
  mail_from      TEXT NOT NULL,
  size           INTEGER NOT NULL,
  client_address TEXT NOT NULL,
  received_at    TEXT NOT NULL,
  held           INTEGER NOT NULL DEFAULT 0,
  hold_reason    TEXT
) STRICT;

-- Per-recipient delivery state: queued → delivered | bounced | expired.
CREATE TABLE spool_recipients (
  message_id      TEXT NOT NULL REFERENCES spool_messages (id) ON DELETE CASCADE,
  recipient       TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'delivered', 'bounced', 'expired')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (message_id, recipient)
) STRICT;

CREATE INDEX spool_recipients_due ON spool_recipients (state, next_attempt_at);

-- Abuse complaints (ARF, X-ARF): one row per reported original message, however many reports
-- about it arrived (duplicates counts the extra ones). Text fields are as the reporter wrote
-- them. Attribution (network, plan pool, subscriber) is what was known at import time.
CREATE TABLE complaints (
  id                  INTEGER PRIMARY KEY,
  original_key        TEXT NOT NULL UNIQUE,
  format              TEXT NOT NULL CHECK (format IN ('arf', 'xarf')),
  feedback_type       TEXT NOT NULL,
  user_agent          TEXT,
  version             TEXT,
  source_ip           TEXT NOT NULL,
  source_port         INTEGER,
  arrival_ms          INTEGER NOT NULL,
  incidents           INTEGER NOT NULL,
  reported_domain     TEXT,
  original_mail_from  TEXT,
  original_rcpt_to    TEXT,
  reporting_mta       TEXT,
  reporter            TEXT,
  subject             TEXT,
  original_message_id TEXT,
  -- Every field of the report, in order: [[name, value], …].
  fields_json         TEXT NOT NULL,
  asn                 INTEGER,
  as_name             TEXT,
  country             TEXT,
  isp                 TEXT,
  pool                TEXT,
  pool_kind           TEXT,
  region              TEXT,
  subscriber          TEXT,
  duplicates          INTEGER NOT NULL DEFAULT 0,
  imported_at         TEXT NOT NULL
) STRICT;

CREATE INDEX complaints_arrival ON complaints (arrival_ms);

-- Every report imported, by the SHA-256 of its raw bytes (kept under complaints/raw/): the same
-- report imported twice is recognised and adds nothing.
CREATE TABLE complaint_reports (
  raw_sha256   TEXT PRIMARY KEY,
  complaint_id INTEGER NOT NULL REFERENCES complaints (id),
  raw_path     TEXT NOT NULL,
  source       TEXT NOT NULL,
  imported_at  TEXT NOT NULL
) STRICT;

CREATE INDEX complaint_reports_complaint ON complaint_reports (complaint_id);

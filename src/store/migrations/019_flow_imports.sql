-- What each `flows import` brought in, so the same flows are never counted twice: a file whose
-- content was imported is skipped, one whose window overlaps an earlier import's is refused
-- (or, with --force, replaces the hours they share).
CREATE TABLE flow_imports (
  id            INTEGER PRIMARY KEY,
  -- As given on the command line; '-' for standard input.
  file          TEXT NOT NULL,
  sha256        TEXT NOT NULL,
  bytes         INTEGER NOT NULL,
  format        TEXT NOT NULL,
  sampling_rate INTEGER NOT NULL,
  records       INTEGER NOT NULL,
  mail_flows    INTEGER NOT NULL,
  bad_records   INTEGER NOT NULL,
  -- Start times of the first and last mail flow, Unix epoch ms; NULL when the file held none.
  first_ms      INTEGER,
  last_ms       INTEGER,
  imported_at   TEXT NOT NULL,
  forced        INTEGER NOT NULL CHECK (forced IN (0, 1)),
  -- The forced import that deleted this one's hours where they met; no longer checked for overlap.
  replaced_by   INTEGER REFERENCES flow_imports (id)
) STRICT;

CREATE INDEX flow_imports_by_sha256 ON flow_imports (sha256);

-- Per exporter (the router's address as nfdump prints it, '' when the export does not say), the
-- window the import's mail flows came from: when nfcapd received them (it rotates its files on
-- that time, so consecutive windows do not overlap), or their start times when not printed.
CREATE TABLE flow_import_windows (
  import_id   INTEGER NOT NULL REFERENCES flow_imports (id) ON DELETE CASCADE,
  exporter    TEXT NOT NULL,
  from_ms     INTEGER NOT NULL,
  to_ms       INTEGER NOT NULL,
  by_received INTEGER NOT NULL CHECK (by_received IN (0, 1)),
  mail_flows  INTEGER NOT NULL,
  PRIMARY KEY (import_id, exporter)
) STRICT;

CREATE INDEX flow_import_windows_by_exporter ON flow_import_windows (exporter, from_ms);

-- The flows each import added per hour (flow_hours.hour): which hours --force deletes, and how
-- many flows of others (the collector, other imports) those hours also held.
CREATE TABLE flow_import_hours (
  import_id INTEGER NOT NULL REFERENCES flow_imports (id) ON DELETE CASCADE,
  hour      INTEGER NOT NULL,
  flows     INTEGER NOT NULL,
  PRIMARY KEY (import_id, hour)
) STRICT, WITHOUT ROWID;

CREATE INDEX flow_import_hours_by_hour ON flow_import_hours (hour);

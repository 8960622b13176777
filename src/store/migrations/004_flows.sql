-- Port-25 flow aggregates: per source address, UTC hour and destination port (25, 587, 465).
-- Raw flows are never stored. The collector flushes every few seconds, so the same
-- (source, hour, port) arrives in several batches and each batch adds to the row.
CREATE TABLE flow_hours (
  id                     INTEGER PRIMARY KEY,
  source                 TEXT NOT NULL,
  -- Start of the UTC hour, Unix epoch seconds.
  hour                   INTEGER NOT NULL,
  port                   INTEGER NOT NULL CHECK (port IN (25, 587, 465)),
  flows                  INTEGER NOT NULL,
  packets                INTEGER NOT NULL,
  bytes                  INTEGER NOT NULL,
  short_flows            INTEGER NOT NULL,
  syn_only               INTEGER NOT NULL,
  first_seen_ms          INTEGER NOT NULL,
  last_seen_ms           INTEGER NOT NULL,
  -- Set when some destinations of the hour were counted but not listed (the cap was reached):
  -- then distinct_estimate is an estimate, else it equals the number of listed destinations.
  destinations_truncated INTEGER NOT NULL DEFAULT 0 CHECK (destinations_truncated IN (0, 1)),
  distinct_estimate      INTEGER NOT NULL,
  UNIQUE (source, hour, port)
) STRICT;

CREATE INDEX flow_hours_by_hour ON flow_hours (hour);

-- The destinations of each aggregate with their flow counts, so that distinct destinations over
-- any window are exact: COUNT(DISTINCT destination) over the union of the window's rows.
CREATE TABLE flow_hour_destinations (
  aggregate_id INTEGER NOT NULL REFERENCES flow_hours (id) ON DELETE CASCADE,
  destination  TEXT NOT NULL,
  flows        INTEGER NOT NULL,
  PRIMARY KEY (aggregate_id, destination)
) STRICT, WITHOUT ROWID;

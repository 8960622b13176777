-- Batches of hourly aggregates written with an id (a copy between stores, a collector's retry):
-- an id seen before is not added again.
CREATE TABLE flow_batches (
  batch_id TEXT PRIMARY KEY,
  written_at TEXT NOT NULL
) WITHOUT ROWID;

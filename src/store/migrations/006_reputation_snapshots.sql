-- Blacklist listings: one snapshot per list and date. The addresses live in a binary file
-- (DATA/reputation/<list>/<date>.bin, see src/reputation/snapshot-file.ts); this row says it
-- exists and carries its counts, so listing and comparing snapshots never opens the files.
CREATE TABLE reputation_snapshots (
  list          TEXT NOT NULL,
  date          TEXT NOT NULL,
  v4_addresses  INTEGER NOT NULL,
  v6_ranges     INTEGER NOT NULL,
  source        TEXT NOT NULL,
  format        TEXT NOT NULL,
  imported_at   TEXT NOT NULL,
  PRIMARY KEY (list, date)
) STRICT;

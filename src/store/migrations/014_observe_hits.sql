-- Readings of the router's per-source counters of the observe phase (nftables sets
-- observe_hits_v4/v6): how many new TCP/25 connections each source made, as counted when read.
-- The counters restart when the ruleset is reloaded or an entry times out; the analysis sums the
-- increases between readings (observe-hits.ts).
CREATE TABLE observe_hits (
  read_at TEXT NOT NULL,
  address TEXT NOT NULL,
  packets INTEGER NOT NULL CHECK (packets >= 0),
  PRIMARY KEY (read_at, address)
) WITHOUT ROWID;
CREATE INDEX observe_hits_address ON observe_hits (address, read_at);

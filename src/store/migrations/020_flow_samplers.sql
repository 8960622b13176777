-- The sampling rates the collector learnt from each exporter's options records: one row per
-- exporter, observation domain, sampler and rate, with when that rate was in force, so a report
-- over any window can say which rates its counts were renormalised by.
CREATE TABLE flow_samplers (
  exporter      TEXT NOT NULL,
  domain        INTEGER NOT NULL,
  -- The selector or sampler id; '' for a rate given to the whole observation domain.
  sampler       TEXT NOT NULL,
  rate          INTEGER NOT NULL CHECK (rate >= 1),
  method        TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms  INTEGER NOT NULL,
  PRIMARY KEY (exporter, domain, sampler, rate)
) STRICT;

-- The coordinator's figures kept up to date as the data changes (src/rollout/figures.ts), so
-- that reading them after a change costs the change, not every report of the programme. They
-- are the figures of readers who see everything (coordinators, observers).

-- Organisations whose figures are to be worked out again: all of them (reports = 1) after a
-- change of their reports or size, only their commitments' (reports = 0) after one of those.
CREATE TABLE rollout_figures_stale (
  org_id  TEXT PRIMARY KEY,
  reports INTEGER NOT NULL
) STRICT;
INSERT INTO rollout_figures_stale (org_id, reports) SELECT id, 1 FROM rollout_orgs;

CREATE TRIGGER rollout_reports_stale_figures AFTER INSERT ON rollout_reports
BEGIN
  INSERT INTO rollout_figures_stale (org_id, reports) VALUES (NEW.org_id, 1)
  ON CONFLICT (org_id) DO UPDATE SET reports = 1;
END;
CREATE TRIGGER rollout_orgs_stale_figures AFTER UPDATE OF subscribers ON rollout_orgs
BEGIN
  INSERT INTO rollout_figures_stale (org_id, reports) VALUES (NEW.id, 1)
  ON CONFLICT (org_id) DO UPDATE SET reports = 1;
END;
CREATE TRIGGER rollout_commitments_insert_stale_figures AFTER INSERT ON rollout_commitments
BEGIN INSERT OR IGNORE INTO rollout_figures_stale (org_id, reports) VALUES (NEW.org_id, 0); END;
CREATE TRIGGER rollout_commitments_update_stale_figures AFTER UPDATE ON rollout_commitments
BEGIN INSERT OR IGNORE INTO rollout_figures_stale (org_id, reports) VALUES (NEW.org_id, 0); END;

-- The latest report of each organisation in each region.
CREATE TABLE rollout_latest_reports (
  org_id    TEXT NOT NULL,
  region_id TEXT NOT NULL,
  report_id INTEGER NOT NULL,
  as_of     TEXT NOT NULL,
  PRIMARY KEY (org_id, region_id)
) STRICT;

-- Each organisation's changes of the national figures, on the days they change. Its adoption and
-- weight are shares of its size when its size is known (sized = 1), else of one subscriber, so
-- that the mean size an unknown size stands for is applied when the curve is read.
CREATE TABLE rollout_org_curve (
  org_id     TEXT NOT NULL,
  day        TEXT NOT NULL,
  sized      INTEGER NOT NULL,
  weighed    REAL NOT NULL,
  weight     REAL NOT NULL,
  listed_ips INTEGER NOT NULL,
  complaints INTEGER NOT NULL,
  first_day  INTEGER NOT NULL,
  PRIMARY KEY (org_id, day)
) STRICT;

-- The sum of those changes per day: the national curve is its running sum.
CREATE TABLE rollout_curve (
  day             TEXT PRIMARY KEY,
  sized_weighed   REAL NOT NULL,
  sized_weight    REAL NOT NULL,
  unsized_weighed REAL NOT NULL,
  unsized_weight  REAL NOT NULL,
  listed_ips      INTEGER NOT NULL,
  complaints      INTEGER NOT NULL,
  organisations   INTEGER NOT NULL
) STRICT;

-- The first day a report showed each commitment met; none for one never met.
CREATE TABLE rollout_commitments_met (
  commitment_id INTEGER PRIMARY KEY REFERENCES rollout_commitments (id) ON DELETE CASCADE,
  met_on        TEXT NOT NULL
) STRICT;

-- An organisation's commitments, read for its page and its part of the programme.
CREATE INDEX rollout_commitments_by_org ON rollout_commitments (org_id, due, id);

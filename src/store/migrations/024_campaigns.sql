-- Notice campaigns (src/campaigns): who a campaign concerns, and each notice sent.
-- A campaign is named by its region and enforce day: "sul@2027-03-01".
CREATE TABLE campaign_members (
  campaign TEXT NOT NULL,
  subscriber TEXT NOT NULL,
  region TEXT NOT NULL,
  class TEXT NOT NULL,
  evidence TEXT NOT NULL,
  -- Why no notice goes to this subscriber (an exception, no address on file); null when one does.
  apart TEXT,
  planned_at TEXT NOT NULL,
  PRIMARY KEY (campaign, subscriber)
) WITHOUT ROWID;

-- One row per notice, written before the notice is queued; queued_at and spool_id are set in the
-- same transaction as the spool's own index rows, so a crash never leaves a notice queued twice.
CREATE TABLE campaign_notices (
  campaign TEXT NOT NULL,
  subscriber TEXT NOT NULL,
  -- 0: the notice; 1, 2, …: reminders.
  round INTEGER NOT NULL,
  email TEXT NOT NULL,
  language TEXT NOT NULL,
  kind TEXT NOT NULL,
  message_id TEXT NOT NULL UNIQUE,
  recorded_at TEXT NOT NULL,
  queued_at TEXT,
  spool_id TEXT,
  delivered_at TEXT,
  bounced_at TEXT,
  bounce_reason TEXT,
  PRIMARY KEY (campaign, subscriber, round)
) WITHOUT ROWID;

CREATE INDEX campaign_notices_open ON campaign_notices (spool_id) WHERE delivered_at IS NULL AND bounced_at IS NULL;
CREATE INDEX campaign_notices_email ON campaign_notices (email COLLATE NOCASE);

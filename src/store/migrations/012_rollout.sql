-- The multistakeholder programme (src/rollout): the organisations taking part and their people,
-- its documents, commitments, regional calendar, status reports and the users' "noise".

CREATE TABLE rollout_orgs (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  type        TEXT NOT NULL CHECK (type IN ('isp', 'mail-provider', 'regulator', 'consumer-protection',
                                            'csirt', 'association', 'academia')),
  -- Subscribers served: weighs an ISP's adoption in the national figure.
  subscribers INTEGER CHECK (subscribers IS NULL OR subscribers >= 0),
  -- Ed25519 public key (SPKI PEM) that verifies the organisation's signed pushes.
  public_key  TEXT,
  public      INTEGER NOT NULL DEFAULT 1 CHECK (public IN (0, 1)),
  created_at  TEXT NOT NULL
) STRICT;

-- People in the programme. A person with a console login is linked to its operator account:
-- the programme role says what they may change, the operator account how they log in.
CREATE TABLE rollout_people (
  id         INTEGER PRIMARY KEY,
  org_id     TEXT REFERENCES rollout_orgs (id) ON DELETE CASCADE,
  role       TEXT NOT NULL CHECK (role IN ('coordinator', 'org-admin', 'org-member', 'observer')),
  name       TEXT NOT NULL,
  email      TEXT,
  username   TEXT UNIQUE REFERENCES web_operators (username) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  CHECK (org_id IS NOT NULL OR role IN ('coordinator', 'observer'))
) STRICT;

CREATE TABLE rollout_documents (
  id           INTEGER PRIMARY KEY,
  -- The issuer (the regulator of a resolution); none for a document of the whole programme.
  org_id       TEXT REFERENCES rollout_orgs (id) ON DELETE SET NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('resolution', 'technical-note', 'agreement')),
  title        TEXT NOT NULL,
  date         TEXT NOT NULL,
  link         TEXT,
  file_name    TEXT,
  file_type    TEXT,
  file_content BLOB,
  public       INTEGER NOT NULL DEFAULT 1 CHECK (public IN (0, 1)),
  created_at   TEXT NOT NULL
) STRICT;

CREATE TABLE rollout_regions (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

-- Each organisation's dates in each region: notify → observe → enforce.
CREATE TABLE rollout_calendar (
  org_id       TEXT NOT NULL REFERENCES rollout_orgs (id) ON DELETE CASCADE,
  region_id    TEXT NOT NULL REFERENCES rollout_regions (id) ON DELETE CASCADE,
  notify_from  TEXT,
  observe_from TEXT,
  enforce_from TEXT NOT NULL,
  PRIMARY KEY (org_id, region_id)
) STRICT;

CREATE TABLE rollout_commitments (
  id          INTEGER PRIMARY KEY,
  org_id      TEXT NOT NULL REFERENCES rollout_orgs (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('adoption_pct', 'port25_blocked_region', 'submission_offered')),
  region_id   TEXT REFERENCES rollout_regions (id),
  target      REAL,
  due         TEXT NOT NULL,
  document_id INTEGER REFERENCES rollout_documents (id) ON DELETE SET NULL,
  public      INTEGER NOT NULL DEFAULT 1 CHECK (public IN (0, 1)),
  created_at  TEXT NOT NULL,
  CHECK (kind <> 'adoption_pct' OR target IS NOT NULL),
  CHECK (kind <> 'port25_blocked_region' OR region_id IS NOT NULL)
) STRICT;

-- Status reports are history: a new report adds a row, none is ever changed (but for being
-- published) or removed.
CREATE TABLE rollout_reports (
  id                    INTEGER PRIMARY KEY,
  org_id                TEXT NOT NULL REFERENCES rollout_orgs (id),
  region_id             TEXT NOT NULL REFERENCES rollout_regions (id),
  as_of                 TEXT NOT NULL,
  phase                 TEXT NOT NULL CHECK (phase IN ('planned', 'notify', 'observe', 'enforce')),
  subscribers_notified  INTEGER,
  adoption_pct          REAL,
  blocked_ipv4          INTEGER,
  blocked_ipv6_prefixes INTEGER,
  listed_ips            INTEGER,
  complaints            INTEGER,
  submission_offered    INTEGER,
  source                TEXT NOT NULL CHECK (source IN ('entered', 'pushed')),
  submitted_by          TEXT NOT NULL,
  -- A pushed report keeps the signed body and its signature, so anyone can verify it again.
  signed_body           TEXT,
  signature             TEXT,
  public                INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
  received_at           TEXT NOT NULL
) STRICT;
CREATE INDEX rollout_reports_by_org ON rollout_reports (org_id, region_id, as_of);

CREATE TRIGGER rollout_reports_append_only
BEFORE UPDATE OF id, org_id, region_id, as_of, phase, subscribers_notified, adoption_pct, blocked_ipv4,
  blocked_ipv6_prefixes, listed_ips, complaints, submission_offered, source, submitted_by, signed_body,
  signature, received_at ON rollout_reports
BEGIN
  SELECT RAISE(ABORT, 'status reports are history and are never changed');
END;

CREATE TRIGGER rollout_reports_never_deleted BEFORE DELETE ON rollout_reports
BEGIN
  SELECT RAISE(ABORT, 'status reports are history and are never removed');
END;

-- Users' complaints about the change itself, from help desks and the public help form.
CREATE TABLE rollout_noise (
  id          INTEGER PRIMARY KEY,
  org_id      TEXT NOT NULL REFERENCES rollout_orgs (id),
  region_id   TEXT REFERENCES rollout_regions (id),
  day         TEXT NOT NULL,
  category    TEXT NOT NULL,
  resolution  TEXT NOT NULL,
  note        TEXT,
  source      TEXT NOT NULL CHECK (source IN ('help-desk', 'help-form')),
  recorded_by TEXT NOT NULL,
  created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX rollout_noise_by_region_day ON rollout_noise (region_id, day);

-- Nonces of signed pushes seen within the accepted clock window: a replay is refused.
CREATE TABLE rollout_push_nonces (
  org_id  TEXT NOT NULL,
  nonce   TEXT NOT NULL,
  seen_ms INTEGER NOT NULL,
  PRIMARY KEY (org_id, nonce)
) STRICT;

CREATE TABLE rollout_settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

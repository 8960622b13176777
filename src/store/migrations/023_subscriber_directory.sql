-- The ISP's subscriber directory (porteiro subscribers import): how to reach each subscriber the
-- leases name. A bounced notice marks the address bad until a re-import brings a new one.
CREATE TABLE subscriber_directory (
  subscriber TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT '',
  email_bad_since TEXT,
  email_bad_reason TEXT,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX subscriber_directory_email ON subscriber_directory (email COLLATE NOCASE);

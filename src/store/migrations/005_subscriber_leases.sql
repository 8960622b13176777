-- Who held an address when: leases read from RADIUS accounting and DHCP lease files.
-- A lease covers [start_ms, end_ms); end_ms NULL is a lease still open (no Stop, `ends never`).
-- address_key is the address as big-endian bytes (4 for IPv4, 16 for IPv6), so ranges and
-- prefixes can be looked up by comparing keys; address is the canonical text for people.
CREATE TABLE subscriber_leases (
  id            INTEGER PRIMARY KEY,
  family        INTEGER NOT NULL CHECK (family IN (4, 6)),
  address       TEXT NOT NULL,
  address_key   BLOB NOT NULL,
  prefix_length INTEGER NOT NULL,
  subscriber    TEXT NOT NULL,
  start_ms      INTEGER NOT NULL,
  end_ms        INTEGER,
  source_format TEXT NOT NULL,
  source_file   TEXT NOT NULL
) STRICT;

-- One row per (address, subscriber, start): importing a file twice adds nothing. Also the
-- look-up by address, ordered by time.
CREATE UNIQUE INDEX subscriber_leases_identity
  ON subscriber_leases (family, address_key, prefix_length, subscriber, start_ms);

-- Loading the leases that overlap a reporting window.
CREATE INDEX subscriber_leases_start ON subscriber_leases (start_ms);

-- A lease may hold only a block of its address's ports: CGNAT gear gives each subscriber a port
-- block on a shared public address and reports it in RADIUS accounting. 0-65535 is the whole
-- address, which is what every lease held before and what DHCP leases always hold.
ALTER TABLE subscriber_leases ADD COLUMN port_first INTEGER NOT NULL DEFAULT 0
  CHECK (port_first BETWEEN 0 AND 65535);
ALTER TABLE subscriber_leases ADD COLUMN port_last INTEGER NOT NULL DEFAULT 65535
  CHECK (port_last BETWEEN port_first AND 65535);

-- Several subscribers hold blocks of one address from the same instant: the block is part of
-- what identifies a lease.
DROP INDEX subscriber_leases_identity;
CREATE UNIQUE INDEX subscriber_leases_identity
  ON subscriber_leases (family, address_key, prefix_length, subscriber, start_ms, port_first, port_last);

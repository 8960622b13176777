-- The prefix lengths in use per family, found by index seeks: a look-up of one address tries
-- each length, and finding them must not scan every lease (complaint attribution does it per report).
CREATE INDEX subscriber_leases_lengths ON subscriber_leases (family, prefix_length);

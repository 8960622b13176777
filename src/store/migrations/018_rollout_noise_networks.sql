-- The help form keeps with each report a tag of the network it came from (IPv4 /24, IPv6 /48),
-- never the address: 4 hex digits of an HMAC-SHA-256 of the report's day and the network under
-- this installation's key (src/rollout/noise.ts). Enough to count a day's distinct networks and
-- see a flood from few; many networks share each tag. Null for help-desk calls and older reports.
ALTER TABLE rollout_noise ADD COLUMN network_tag TEXT;

-- The key for those tags, one per installation, made on first use.
CREATE TABLE rollout_network_key (
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  key BLOB NOT NULL
) STRICT;

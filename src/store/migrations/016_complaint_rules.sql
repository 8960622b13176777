-- How each complaint's source address and time were found (reports leave optional fields out,
-- so they come from the reported message's trace or the report's own Date), and how its
-- subscriber was found: by the address, by the source port's CGNAT port block, not at all
-- because the address was shared, or not at all for want of a lease.
ALTER TABLE complaints ADD COLUMN source_rule TEXT NOT NULL DEFAULT 'Source-IP'
  CHECK (source_rule IN ('Source-IP', 'X-Originating-IP', 'Received', 'source_identifier', 'Source'));
ALTER TABLE complaints ADD COLUMN time_rule TEXT NOT NULL DEFAULT 'Arrival-Date'
  CHECK (time_rule IN ('Arrival-Date', 'Received-Date', 'Received', 'Date', 'timestamp'));
ALTER TABLE complaints ADD COLUMN subscriber_match TEXT NOT NULL DEFAULT 'none'
  CHECK (subscriber_match IN ('address', 'port-block', 'shared-address', 'none'));

-- Complaints imported before: ARF ones had Source-IP and Arrival-Date or Received-Date, X-ARF v4
-- ones source_identifier and timestamp, X-ARF 0.2 ones Source and Date; a subscriber was found
-- by the address alone.
UPDATE complaints SET
  source_rule = CASE
    WHEN format = 'arf' THEN 'Source-IP'
    WHEN version LIKE '4%' THEN 'source_identifier'
    ELSE 'Source' END,
  time_rule = CASE
    WHEN format = 'xarf' AND version LIKE '4%' THEN 'timestamp'
    WHEN format = 'xarf' THEN 'Date'
    WHEN EXISTS (SELECT 1 FROM json_each(fields_json) WHERE lower(json_extract(value, '$[0]')) = 'arrival-date')
      THEN 'Arrival-Date'
    ELSE 'Received-Date' END,
  subscriber_match = CASE WHEN subscriber IS NULL THEN 'none' ELSE 'address' END;

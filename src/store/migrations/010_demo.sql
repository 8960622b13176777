-- The demo generator's progress (src/sim): the options it was started with, so a resumed run
-- builds the same ISP, and each step done (a day of flows, a week of listings …), so a second
-- start skips them and an interrupted one carries on without adding anything twice.
CREATE TABLE demo_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

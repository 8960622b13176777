-- A submission account put on hold as probably compromised: set by the service when a signal
-- fires, cleared only by an operator (`porteiro users release`), so it survives restarts and
-- every listener and process sharing the database sees it.
ALTER TABLE submission_users ADD COLUMN held_at TEXT;
ALTER TABLE submission_users ADD COLUMN hold_reason TEXT;

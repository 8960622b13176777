-- The programme at a national scale (thousands of organisations, a year of reports):
-- the orders the API's pages walk (src/rollout/paging.ts), each read from an index.
CREATE INDEX rollout_reports_by_day ON rollout_reports (as_of, id);
CREATE INDEX rollout_noise_by_day ON rollout_noise (day, id);
CREATE INDEX rollout_orgs_by_name ON rollout_orgs (name, id);
CREATE INDEX rollout_commitments_by_due ON rollout_commitments (due, id);
CREATE INDEX rollout_calendar_by_region ON rollout_calendar (region_id, enforce_from, org_id);
CREATE INDEX rollout_documents_by_date ON rollout_documents (date, id);

-- A counter every change of the programme's data moves, so what is worked out from all of it
-- (the public record, the coordinator's figures) is worked out once per change, not per request.
CREATE TABLE rollout_data_version (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
) STRICT;
INSERT INTO rollout_data_version (id, version) VALUES (1, 0);

CREATE TRIGGER rollout_orgs_insert_version AFTER INSERT ON rollout_orgs
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_orgs_update_version AFTER UPDATE ON rollout_orgs
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_orgs_delete_version AFTER DELETE ON rollout_orgs
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_documents_insert_version AFTER INSERT ON rollout_documents
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_documents_update_version AFTER UPDATE ON rollout_documents
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_documents_delete_version AFTER DELETE ON rollout_documents
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_regions_insert_version AFTER INSERT ON rollout_regions
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_regions_update_version AFTER UPDATE ON rollout_regions
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_regions_delete_version AFTER DELETE ON rollout_regions
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_calendar_insert_version AFTER INSERT ON rollout_calendar
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_calendar_update_version AFTER UPDATE ON rollout_calendar
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_calendar_delete_version AFTER DELETE ON rollout_calendar
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_commitments_insert_version AFTER INSERT ON rollout_commitments
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_commitments_update_version AFTER UPDATE ON rollout_commitments
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_commitments_delete_version AFTER DELETE ON rollout_commitments
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
-- Reports are never removed (rollout_reports_never_deleted); publishing one is an update.
CREATE TRIGGER rollout_reports_insert_version AFTER INSERT ON rollout_reports
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_reports_update_version AFTER UPDATE ON rollout_reports
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_noise_insert_version AFTER INSERT ON rollout_noise
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_noise_update_version AFTER UPDATE ON rollout_noise
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_noise_delete_version AFTER DELETE ON rollout_noise
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_settings_insert_version AFTER INSERT ON rollout_settings
BEGIN UPDATE rollout_data_version SET version = version + 1; END;
CREATE TRIGGER rollout_settings_update_version AFTER UPDATE ON rollout_settings
BEGIN UPDATE rollout_data_version SET version = version + 1; END;

-- 005_reports.sql — what analysts read: institution names (optional, filled
-- by the user) for the reports.  See README.md, "For analysts".
CREATE TABLE IF NOT EXISTS itemdup.institutions (
    institution_id text PRIMARY KEY,
    name           text NOT NULL
);
COMMENT ON TABLE itemdup.institutions IS 'Optional: institution names for the reports, filled by the user (itemdup never writes it)';
COMMENT ON COLUMN itemdup.institutions.institution_id IS 'Institution id as in run_groups.institution_id (ins_..., or legacy:<type>)';
COMMENT ON COLUMN itemdup.institutions.name IS 'Name shown beside the id in reports';

-- roles.sql — for the DBA, run once as a superuser or CREATEROLE user
-- before `itemdup migrate` (which then grants to these roles, table by
-- table; docs/RELIABILITY.md "Least privilege"):
--   psql -v ON_ERROR_STOP=1 -f sql/roles.sql
-- Then give the job read access to your source, e.g.
--   GRANT USAGE ON SCHEMA app TO itemdup_job;
--   GRANT SELECT ON app.plaid_items TO itemdup_job;
-- (read only: never INSERT/UPDATE/DELETE — an auto-updatable source view
-- would pass them on to your table), and a password or certificate for
-- itemdup_job through .pgpass / pg_hba.conf.  Analysts and the app log in as
-- their own roles, members of these:
--   GRANT itemdup_analyst TO alice;   GRANT itemdup_app TO app_backend;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'itemdup_job') THEN
        CREATE ROLE itemdup_job LOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'itemdup_analyst') THEN
        CREATE ROLE itemdup_analyst NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'itemdup_app') THEN
        CREATE ROLE itemdup_app NOLOGIN;
    END IF;
END
$$;
COMMENT ON ROLE itemdup_job IS 'itemdup batch job: reads the source, writes its own result tables only';
COMMENT ON ROLE itemdup_analyst IS 'itemdup results reader; records reviews only through itemdup.review_group()';
COMMENT ON ROLE itemdup_app IS 'the app at link time: executes itemdup.check_link() only (GRANT itemdup_app TO your app''s login role)';

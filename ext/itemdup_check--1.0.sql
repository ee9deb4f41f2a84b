-- itemdup_check--1.0.sql — itemdup.check_link(): the same check as
-- `itemdup check`, in the server (C, from the same sources).  Needs schema
-- itemdup at version 6 or later (`itemdup migrate`) and a superuser:
--   CREATE EXTENSION itemdup_check;
\echo Use "CREATE EXTENSION itemdup_check" to load this file. \quit

CREATE FUNCTION itemdup.check_link(owner_id text, environment text, institution_id text,
                                   accounts jsonb)
RETURNS TABLE (item_id text, owner_id text, same_owner boolean, score double precision,
               evidence jsonb)
AS 'MODULE_PATHNAME', 'itemdup_check_link'
-- owner_id is both the argument (the linking user) and a result column (each
-- match's owner): allowed for input and output parameters, and unambiguous in C.
LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL UNSAFE
SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

COMMENT ON FUNCTION itemdup.check_link(text, text, text, jsonb) IS
'Link-time duplicate check (README "Check at link time"): the Items the new link (accounts: its accounts array, Link onSuccess metadata or an /accounts/get response) duplicates, best first; empty when none is suspected. Same verdicts and scores as itemdup check.';

REVOKE ALL ON FUNCTION itemdup.check_link(text, text, text, jsonb) FROM PUBLIC;

-- Runs as itemdup_job when that role exists (it reads the source and the
-- model), so the caller needs nothing but EXECUTE.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'itemdup_job') THEN
        ALTER FUNCTION itemdup.check_link(text, text, text, jsonb) OWNER TO itemdup_job;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'itemdup_app') THEN
        GRANT USAGE ON SCHEMA itemdup TO itemdup_app;
        GRANT EXECUTE ON FUNCTION itemdup.check_link(text, text, text, jsonb) TO itemdup_app;
    END IF;
END
$$;

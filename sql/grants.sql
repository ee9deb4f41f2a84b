-- grants.sql — run by every `itemdup migrate`, after the migrations: grants
-- to the roles of sql/roles.sql that exist (a DBA creates them first).
-- Table by table, never on a view but itemdup's own read-only result views:
-- a source view (itemdup.source_items or any other) may be auto-updatable,
-- and a write grant on it would write the app's table.  Write privileges
-- given by older migrates ("ALL TABLES IN SCHEMA", which includes views) are
-- taken back first; SELECT grants a DBA made are left alone.
-- docs/RELIABILITY.md "Least privilege" says what each role may do.
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['itemdup_job', 'itemdup_analyst', 'itemdup_app'] LOOP
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE pg_catalog.format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER '
                                      'ON ALL TABLES IN SCHEMA itemdup FROM %I', r);
            EXECUTE pg_catalog.format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA itemdup FROM %I', r);
            EXECUTE pg_catalog.format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA itemdup FROM %I', r);
        END IF;
    END LOOP;

    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'itemdup_job') THEN
        GRANT USAGE ON SCHEMA itemdup TO itemdup_job;
        -- its own result tables: the only ones it writes
        GRANT SELECT, INSERT, UPDATE, DELETE ON itemdup.runs, itemdup.published TO itemdup_job;
        GRANT SELECT, INSERT, DELETE ON itemdup.rejects, itemdup.result_groups,
              itemdup.result_group_items, itemdup.result_pairs, itemdup.result_near_misses,
              itemdup.result_score_bins, itemdup.model_runs, itemdup.model_institutions,
              itemdup.model_key_buckets, itemdup.model_name_buckets,
              itemdup.model_item_pages TO itemdup_job;
        -- the model's COPY goes straight into its generation's partitions, and
        -- check and check_link() read them by name (sql/011)
        GRANT SELECT, INSERT ON itemdup.model_key_buckets_0, itemdup.model_key_buckets_1,
              itemdup.model_name_buckets_0, itemdup.model_name_buckets_1,
              itemdup.model_item_pages_0, itemdup.model_item_pages_1 TO itemdup_job;
        GRANT USAGE ON SEQUENCE itemdup.group_id_seq TO itemdup_job;
        EXECUTE pg_catalog.format('GRANT USAGE ON SEQUENCE %s TO itemdup_job',
                                  pg_catalog.pg_get_serial_sequence('itemdup.runs', 'run_id'));
        -- read only
        GRANT SELECT ON itemdup.schema_version, itemdup.institution_map, itemdup.group_reviews,
              itemdup.run_groups, itemdup.run_group_items, itemdup.run_pairs,
              itemdup.current_groups, itemdup.current_group_items, itemdup.current_pairs TO itemdup_job;
        GRANT EXECUTE ON FUNCTION itemdup.token_environment(text) TO itemdup_job;
        -- the default source, when a DBA made it: read, never written
        IF pg_catalog.to_regclass('itemdup.source_items') IS NOT NULL THEN
            GRANT SELECT ON itemdup.source_items TO itemdup_job;
        END IF;
        -- run pruning (--keep-runs) without reading group_reviews
        GRANT EXECUTE ON FUNCTION itemdup.reviewed_group_runs() TO itemdup_job;
        -- statistics for the rows it has just written (sql/008)
        GRANT EXECUTE ON FUNCTION itemdup.analyze_results() TO itemdup_job;
        -- the generation its model goes to, emptied (sql/011)
        GRANT EXECUTE ON FUNCTION itemdup.model_take_generation(),
              itemdup.model_analyze_generation(smallint) TO itemdup_job;
        -- and emptied ahead, at the start of the run (sql/012)
        GRANT EXECUTE ON FUNCTION itemdup.model_clear_generation() TO itemdup_job;
    END IF;

    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'itemdup_analyst') THEN
        GRANT USAGE ON SCHEMA itemdup TO itemdup_analyst;
        -- read results (schema_version: report/explain check it); write nothing
        GRANT SELECT ON itemdup.schema_version, itemdup.runs, itemdup.published, itemdup.rejects,
              itemdup.institution_map, itemdup.result_groups, itemdup.result_group_items,
              itemdup.result_pairs, itemdup.run_groups, itemdup.run_group_items,
              itemdup.run_pairs, itemdup.current_groups, itemdup.current_group_items,
              itemdup.current_pairs, itemdup.group_reviews, itemdup.institutions,
              itemdup.result_near_misses, itemdup.result_score_bins, itemdup.run_near_misses,
              itemdup.current_near_misses, itemdup.run_score_bins TO itemdup_analyst;
        -- explain scores pairs with the published model
        GRANT SELECT ON itemdup.model_runs, itemdup.model_institutions,
              itemdup.model_key_buckets, itemdup.model_name_buckets,
              itemdup.model_item_pages, itemdup.model_key_buckets_0,
              itemdup.model_key_buckets_1, itemdup.model_name_buckets_0,
              itemdup.model_name_buckets_1, itemdup.model_item_pages_0,
              itemdup.model_item_pages_1 TO itemdup_analyst;
        -- reviews only through the SECURITY DEFINER function
        GRANT EXECUTE ON FUNCTION itemdup.review_group(bigint, text, text),
              itemdup.token_environment(text) TO itemdup_analyst;
    END IF;
    -- the app at link time: EXECUTE on itemdup.check_link() (extension
    -- itemdup_check, SECURITY DEFINER) and nothing else: no table, no view
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'itemdup_app') THEN
        GRANT USAGE ON SCHEMA itemdup TO itemdup_app;
        IF pg_catalog.to_regprocedure('itemdup.check_link(text, text, text, jsonb)') IS NOT NULL THEN
            GRANT EXECUTE ON FUNCTION itemdup.check_link(text, text, text, jsonb) TO itemdup_app;
        END IF;
    END IF;
END
$$;


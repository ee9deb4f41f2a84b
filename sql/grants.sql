-- grants.sql — run by every `itemdup migrate`, after the migrations: grants
-- to the roles of sql/roles.sql that exist (a DBA creates them first).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'itemdup_job') THEN
        GRANT USAGE ON SCHEMA itemdup TO itemdup_job;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA itemdup TO itemdup_job;
        GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA itemdup TO itemdup_job;
        GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA itemdup TO itemdup_job;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'itemdup_analyst') THEN
        GRANT USAGE ON SCHEMA itemdup TO itemdup_analyst;
        GRANT SELECT ON itemdup.runs, itemdup.published, itemdup.rejects,
              itemdup.institution_map, itemdup.result_groups, itemdup.result_group_items,
              itemdup.result_pairs, itemdup.run_groups, itemdup.run_group_items,
              itemdup.run_pairs, itemdup.current_groups, itemdup.current_group_items,
              itemdup.current_pairs, itemdup.group_reviews TO itemdup_analyst;
        -- explain scores pairs with the published model
        GRANT SELECT ON itemdup.model_runs, itemdup.model_institutions, itemdup.model_keys,
              itemdup.model_names, itemdup.model_items TO itemdup_analyst;
        GRANT INSERT, UPDATE, DELETE ON itemdup.group_reviews TO itemdup_analyst;
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

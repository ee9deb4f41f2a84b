-- 012_model_clear_generation.sql — itemdup.model_clear_generation(): the
-- generation of the model tables that the published model is not in,
-- emptied at the start of a publishing run, in a transaction of its own,
-- while the job reads the source (docs/MATCHING.md "Two generations").
--
-- Why: a transaction that truncated a table frees the table's old files
-- when it commits.  The model's transaction truncates the generation it
-- writes (sql/011), and that generation holds the model published before the
-- published one: 1.4 GB at 10 M Items.  Freeing it took the model's commit
-- 0.41-0.47 s at the very end of the run, after the results' commit
-- (docs/SCALING.md "The next generation emptied ahead").  Emptied ahead, the
-- model's transaction truncates an empty generation (it still must, so that
-- its COPY may FREEZE) and commits in milliseconds.
--
-- No reader reads that generation: readers read the published model's
-- (model_runs.gen) by its tables' names, and model_runs holds no other
-- model's row.  A session that holds it (a query through the parent tables
-- without gen, a pg_dump, a model transaction of a run still rolling back)
-- is not waited for: NOWAIT, false, and model_take_generation empties it
-- later in the run as before.
CREATE FUNCTION itemdup.model_clear_generation() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cur smallint;
    generation smallint;
    parts text;
BEGIN
    -- the generation model_take_generation will take (sql/011)
    SELECT m.gen INTO cur FROM itemdup.model_runs m ORDER BY m.run_id DESC LIMIT 1;
    generation := CASE WHEN cur = 0 THEN 1 ELSE 0 END;
    parts := pg_catalog.format('itemdup.%I, itemdup.%I, itemdup.%I',
                               'model_key_buckets_' || generation,
                               'model_name_buckets_' || generation,
                               'model_item_pages_' || generation);
    BEGIN
        EXECUTE 'LOCK TABLE ' || parts || ' IN ACCESS EXCLUSIVE MODE NOWAIT';
    EXCEPTION WHEN lock_not_available THEN
        RETURN false;
    END;
    EXECUTE 'TRUNCATE ' || parts;
    RETURN true;
END
$$;
COMMENT ON FUNCTION itemdup.model_clear_generation() IS 'For the job, at the start of a publishing run, in a transaction of its own: the generation model_take_generation will take (the one the newest model is not in, which no reader reads) emptied by TRUNCATE, so that the model''s commit has no old files to free; false, without waiting, when another session holds it';
REVOKE EXECUTE ON FUNCTION itemdup.model_clear_generation() FROM PUBLIC;

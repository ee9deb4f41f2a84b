-- 010_analyze_nowait.sql — itemdup.analyze_results() never waits for, and
-- never cancels, another session's maintenance of a result table
-- (docs/OPERATIONS.md "A run, step by step", step 9).
--
-- Why: the job calls it right after its commit.  ANALYZE takes SHARE UPDATE
-- EXCLUSIVE on each table, which a VACUUM of the same table holds.  When
-- autovacuum was vacuuming one, the call waited deadlock_timeout (1 s by
-- default) for it, then the server cancelled the autovacuum, table after
-- table: runs one after another at 1 M Items spent 2.8 s and 4.1 s in
-- publish instead of 0.75 s, and the vacuum of result_groups,
-- result_group_items and result_pairs was cancelled every time, so it never
-- finished (docs/SCALING.md "Publish").  A DBA's VACUUM or CREATE INDEX
-- CONCURRENTLY is never cancelled: the job waited its lock_timeout, then the
-- whole call failed and no table got statistics.
--
-- Now each table is locked NOWAIT first.  A table another session holds is
-- skipped and returned by name (the job logs it); its statistics come from
-- that session's own ANALYZE, autovacuum's next one, or the next run's.  The
-- tables analysed are held until the call ends, so autovacuum skips them
-- meanwhile instead of blocking on them.
DROP FUNCTION itemdup.analyze_results();
CREATE FUNCTION itemdup.analyze_results() RETURNS text[]
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET default_statistics_target = 10 AS $$
DECLARE
    t record;
    held boolean;
    skipped text[] := '{}';
BEGIN
    -- the evidence columns are left out: no join or filter reads them (008)
    FOR t IN SELECT * FROM (VALUES
            (1, 'itemdup.runs', ''),
            (2, 'itemdup.published', ''),
            (3, 'itemdup.rejects', '(run_id, item_id, reason)'),
            (4, 'itemdup.result_groups', ''),
            (5, 'itemdup.result_group_items', ''),
            (6, 'itemdup.result_pairs', '(run_id, group_id, item_a, item_b, score)'),
            (7, 'itemdup.result_near_misses', '(run_id, item_a, item_b, score, sampled_as)'),
            (8, 'itemdup.result_score_bins', '')) v(n, tab, cols)
        ORDER BY n
    LOOP
        BEGIN
            EXECUTE format('LOCK TABLE %s IN SHARE UPDATE EXCLUSIVE MODE NOWAIT', t.tab);
            held := true;
        EXCEPTION WHEN lock_not_available THEN
            held := false;
        END;
        IF held THEN
            EXECUTE format('ANALYZE %s %s', t.tab, t.cols);
        ELSE
            skipped := skipped || t.tab;
        END IF;
    END LOOP;
    RETURN skipped;
END
$$;
REVOKE ALL ON FUNCTION itemdup.analyze_results() FROM PUBLIC;
COMMENT ON FUNCTION itemdup.analyze_results() IS 'ANALYZE of the result tables (not their evidence), run by the job after each commit so the planner knows the new run; a table another session holds (VACUUM, autovacuum) is skipped, never waited for, and returned by name (docs/OPERATIONS.md)';

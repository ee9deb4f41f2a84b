-- 008_analyze_results.sql — itemdup.analyze_results(): fresh planner
-- statistics for the tables a run has just written, called by the job right
-- after its commit (docs/OPERATIONS.md "A run, step by step", step 9).
--
-- Why: a run adds tens of thousands of rows under a new run_id.  Until
-- autovacuum gets to them (a minute at best; never, when a night's rows are
-- under autovacuum_analyze_scale_factor of a table holding 30 runs) the
-- planner has no or stale statistics for them, and estimates one row for
-- "run_id = $1 AND kind = $2": the report's change classification then ran
-- as a nested loop re-aggregating every member per group — minutes instead
-- of milliseconds at 30,000 groups.  ANALYZE needs the tables' owner, which
-- itemdup_job is not, hence SECURITY DEFINER with a fixed search_path; it
-- only analyzes itemdup's own result tables, skipping the large evidence
-- columns (no join or filter reads them), from a sample of 3,000 rows per
-- table (statistics target 10): what the plans need is the size of the new
-- run, and the default target's 30,000-row samples cost a 1 M-Item run
-- 0.5 s where these cost about 0.12 s.  Autovacuum's later ANALYZE
-- replaces them with the configured target.
CREATE FUNCTION itemdup.analyze_results() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET default_statistics_target = 10 AS $$
BEGIN
    ANALYZE itemdup.runs, itemdup.published, itemdup.rejects (run_id, item_id, reason),
            itemdup.result_groups, itemdup.result_group_items,
            itemdup.result_pairs (run_id, group_id, item_a, item_b, score),
            itemdup.result_near_misses (run_id, item_a, item_b, score, sampled_as),
            itemdup.result_score_bins;
END
$$;
REVOKE ALL ON FUNCTION itemdup.analyze_results() FROM PUBLIC;
COMMENT ON FUNCTION itemdup.analyze_results() IS 'ANALYZE of the result tables (not their evidence), run by the job after each commit so the planner knows the new run (docs/OPERATIONS.md)';

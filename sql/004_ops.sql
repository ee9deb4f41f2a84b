-- 004_ops.sql — operations: the run pruning of `itemdup run --keep-runs`
-- looks up, per reviewed group, the newest run that holds it (that run is
-- never pruned, so a reviewed group that has since dissolved can still be
-- read with its members); this index makes that lookup cheap.
CREATE INDEX IF NOT EXISTS result_groups_group_run
    ON itemdup.result_groups (group_id, run_id);

-- The runs --keep-runs must keep for reviews: per reviewed group, the newest
-- run that holds it.  SECURITY DEFINER so that the job, which never reads
-- group_reviews (analysts' notes), learns only these run ids.
CREATE OR REPLACE FUNCTION itemdup.reviewed_group_runs() RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT max(g.run_id)
      FROM itemdup.group_reviews v
      JOIN itemdup.result_groups g ON g.group_id = v.group_id
     GROUP BY v.group_id
$$;
REVOKE ALL ON FUNCTION itemdup.reviewed_group_runs() FROM PUBLIC;
COMMENT ON FUNCTION itemdup.reviewed_group_runs() IS
    'Per reviewed group, the newest run holding it: never pruned by --keep-runs (docs/OPERATIONS.md)';

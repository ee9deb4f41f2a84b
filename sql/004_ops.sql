-- 004_ops.sql — operations: the run pruning of `itemdup run --keep-runs`
-- looks up, per reviewed group, the newest run that holds it (that run is
-- never pruned, so a reviewed group that has since dissolved can still be
-- read with its members); this index makes that lookup cheap.
CREATE INDEX IF NOT EXISTS result_groups_group_run
    ON itemdup.result_groups (group_id, run_id);

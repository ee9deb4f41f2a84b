-- report_run: the figures of run $1 (report's table head)
SELECT run_id, kind, status, started_at, finished_at, published_at, items_read,
       items_skipped, items_rejected, accounts_read, accounts_unkeyable, hot_keys,
       pairs_scored, groups, items_in_groups, groups_new, groups_grown, groups_shrunk,
       groups_merged, groups_split, groups_dissolved, groups_unchanged
  FROM itemdup.runs WHERE run_id = $1::bigint

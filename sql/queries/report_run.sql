-- report_run: the figures of run $1, its threshold and the previous published run
-- (report's table head and the html page; columns: ReportRunColumn, report.h)
SELECT run_id, kind, status, dry_run, started_at, finished_at, published_at,
       items_read, items_skipped, items_rejected, accounts_read, accounts_unkeyable,
       hot_keys, pairs_scored, groups, items_in_groups, groups_new, groups_grown,
       groups_shrunk, groups_merged, groups_split, groups_dissolved, groups_unchanged,
       options->>'threshold',
       (SELECT max(p.run_id) FROM itemdup.runs p WHERE p.run_id < r.run_id
           AND p.published_at IS NOT NULL AND p.status = 'succeeded')
  FROM itemdup.runs r WHERE r.run_id = $1::bigint

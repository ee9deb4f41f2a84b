-- publish_prune_runs: prune old runs: keep $1 (this run), the published one, the one whose model readers use (publish.h), the newest $2 of each status and the newest run holding each reviewed group
DELETE FROM itemdup.runs r
 WHERE r.status <> 'running' AND r.run_id <> $1::bigint
   AND r.run_id NOT IN (SELECT run_id FROM itemdup.published)
   AND r.run_id NOT IN (SELECT run_id FROM itemdup.model_runs)
   AND r.run_id NOT IN (SELECT run_id FROM (SELECT run_id, pg_catalog.row_number()
         OVER (PARTITION BY status ORDER BY run_id DESC) AS n
         FROM itemdup.runs) k WHERE k.n <= $2::int)
   AND r.run_id NOT IN (SELECT itemdup.reviewed_group_runs())

-- status: one row per role (published_run, last_run, running_run): run id, kind,
-- status, started, finished, published (or finished), age in seconds, error, dry_run
WITH picked (role, run_id) AS (
    SELECT 'published_run', run_id FROM itemdup.published
    UNION ALL (SELECT 'last_run', run_id FROM itemdup.runs
                WHERE status <> 'running' ORDER BY run_id DESC LIMIT 1)
    UNION ALL (SELECT 'running_run', run_id FROM itemdup.runs
                WHERE status = 'running' ORDER BY run_id DESC LIMIT 1)
)
SELECT p.role, r.run_id, r.kind, r.status,
       pg_catalog.to_char(r.started_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       pg_catalog.to_char(r.finished_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       pg_catalog.to_char(coalesce(r.published_at, r.finished_at), 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       EXTRACT(EPOCH FROM pg_catalog.now() - coalesce(r.published_at, r.finished_at))::int8,
       r.error, r.dry_run
  FROM picked p JOIN itemdup.runs r ON r.run_id = p.run_id

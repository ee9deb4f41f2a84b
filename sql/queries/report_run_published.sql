-- report_run_published: the published run ($1 unused but typed, as report_run_succeeded's)
SELECT run_id FROM itemdup.published WHERE $1::bigint IS NOT NULL

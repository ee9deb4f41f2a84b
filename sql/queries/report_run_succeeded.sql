-- report_run_succeeded: run $1 when it exists and succeeded
SELECT run_id FROM itemdup.runs WHERE run_id = $1::bigint AND status = 'succeeded'

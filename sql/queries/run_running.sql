-- run_running: runs marked running (their process may be gone)
SELECT run_id FROM itemdup.runs WHERE status = 'running'

-- run_abandon: mark run $1 abandoned (its process ended without finishing)
UPDATE itemdup.runs SET status = 'abandoned', finished_at = pg_catalog.now(),
       error = 'the process running it ended without finishing'
 WHERE run_id = $1 AND status = 'running'

-- model_prune_runs: delete every other run's model run row: $1 the run kept
DELETE FROM itemdup.model_runs WHERE run_id <> $1::bigint

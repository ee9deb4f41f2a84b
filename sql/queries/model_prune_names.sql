-- model_prune_names: delete every other run's model names: $1 the run kept
DELETE FROM itemdup.model_names WHERE run_id <> $1::bigint

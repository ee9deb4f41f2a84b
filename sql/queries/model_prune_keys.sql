-- model_prune_keys: delete every other run's model keys: $1 the run kept
DELETE FROM itemdup.model_keys WHERE run_id <> $1::bigint

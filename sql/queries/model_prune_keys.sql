-- model_prune_keys: delete every other run's model key buckets: $1 the run kept
DELETE FROM itemdup.model_key_buckets WHERE run_id <> $1::bigint

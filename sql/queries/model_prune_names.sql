-- model_prune_names: delete every other run's model name buckets: $1 the run kept
DELETE FROM itemdup.model_name_buckets WHERE run_id <> $1::bigint

-- model_prune_institutions: delete every other run's model institutions: $1 the run kept
DELETE FROM itemdup.model_institutions WHERE run_id <> $1::bigint

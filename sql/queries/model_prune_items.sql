-- model_prune_items: delete every other run's model items: $1 the run kept
DELETE FROM itemdup.model_items WHERE run_id <> $1::bigint

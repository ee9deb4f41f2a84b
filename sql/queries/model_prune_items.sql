-- model_prune_items: delete every other run's model item pages: $1 the run kept
DELETE FROM itemdup.model_item_pages WHERE run_id <> $1::bigint

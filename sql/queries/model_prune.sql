-- model_prune: delete every other run's model (the models published
-- before): $1 the run kept.  One statement, so the job can send it and
-- build the model's index while the server deletes (publish_model.c).
WITH items AS (DELETE FROM itemdup.model_item_pages WHERE run_id <> $1::bigint),
     keys AS (DELETE FROM itemdup.model_key_buckets WHERE run_id <> $1::bigint),
     names AS (DELETE FROM itemdup.model_name_buckets WHERE run_id <> $1::bigint),
     insts AS (DELETE FROM itemdup.model_institutions WHERE run_id <> $1::bigint)
DELETE FROM itemdup.model_runs WHERE run_id <> $1::bigint

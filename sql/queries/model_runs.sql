-- model_runs: COPY the published model's run row in, with its generation (publish_model.c)
COPY itemdup.model_runs (run_id, model, threshold, hot_key_cap,
snapshot_at, live_items, params, format, key_bucket_bits, name_bucket_bits,
item_page_bits, gen) FROM STDIN

-- published_open: the published model — the newest one committed (a model
-- commits only after its run's results, and the models before it are
-- deleted just after; publish.h) — its run, threshold, hot-key cap,
-- snapshot, model name, the start of the "recent" window (snapshot - 1
-- hour, published.h) and the layout of its packed rows (format, bucket and
-- page bits)
SELECT m.run_id, m.threshold, m.hot_key_cap, m.snapshot_at::text, m.model,
       (m.snapshot_at - interval '1 hour')::text, m.format, m.key_bucket_bits,
       m.name_bucket_bits, m.item_page_bits
  FROM itemdup.model_runs m
 ORDER BY m.run_id DESC
 LIMIT 1

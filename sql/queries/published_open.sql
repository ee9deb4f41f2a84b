-- published_open: the published model — the newest one committed (a model
-- commits only after its run's results, and replaces the one before it in
-- the same commit, sql/011) — its run, threshold,
-- hot-key cap, snapshot, model name, the start of the "recent" window
-- (snapshot - 1 hour, published.h), the layout of its packed rows (format,
-- bucket and page bits) and its generation, whose own tables every read
-- below names (published.c)
SELECT m.run_id, m.threshold, m.hot_key_cap, m.snapshot_at::text, m.model,
       (m.snapshot_at - interval '1 hour')::text, m.format, m.key_bucket_bits,
       m.name_bucket_bits, m.item_page_bits, m.gen
  FROM itemdup.model_runs m
 ORDER BY m.run_id DESC
 LIMIT 1

-- publish_mark_run: a run's end: $1 run_id, $2..$17 counts, $18 published (bool), $19 unkeyable reasons (jsonb), $20 stats (jsonb), $21 status, $22 error
UPDATE itemdup.runs SET status = $21, error = $22,
finished_at = pg_catalog.now(),
items_read = $2, items_skipped = $3, accounts_read = $4,
accounts_unkeyable = $5, items_rejected = $6, hot_keys = $7,
pairs_scored = $8, groups = $9, items_in_groups = $10, groups_new = $11,
groups_grown = $12, groups_shrunk = $13, groups_merged = $14,
groups_split = $15, groups_dissolved = $16, groups_unchanged = $17,
published_at = CASE WHEN $18::bool THEN pg_catalog.now() END,
unkeyable_reasons = $19::jsonb, stats = $20::jsonb
WHERE run_id = $1

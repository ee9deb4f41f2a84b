-- read_item_columns: a fragment, not a statement: the Item columns both read
-- paths ship first (read_text.sql, read_flat.sql put it in for :item_columns),
-- in src/loader_int.h's order.  Times are microseconds since the epoch, null
-- for null, infinite or outside years 1-9999 (what the result tables and
-- copyfmt_timestamp can hold): :created_us and :updated_us are
-- read_epoch_us.sql (or read_epoch_us_ext.sql) of each; bad_time names the
-- first finite time column outside that range (the row becomes a
-- bad_timestamp reject).
item_id::text AS item_id, owner_id::text AS owner_id,
environment::text AS environment, NULLIF(institution_id::text, '') AS institution_id,
:created_us AS created_us, :updated_us AS updated_us,
removed_at IS NOT NULL AS removed,
CASE WHEN (pg_catalog.isfinite(created_at::timestamptz)
           AND NOT (created_at::timestamptz >= '0001-01-01 00:00:00+00'::timestamptz
                    AND created_at::timestamptz < '10000-01-01 00:00:00+00'::timestamptz))
     THEN 'created_at'
     WHEN (pg_catalog.isfinite(updated_at::timestamptz)
           AND NOT (updated_at::timestamptz >= '0001-01-01 00:00:00+00'::timestamptz
                    AND updated_at::timestamptz < '10000-01-01 00:00:00+00'::timestamptz))
     THEN 'updated_at'
     WHEN (pg_catalog.isfinite(removed_at::timestamptz)
           AND NOT (removed_at::timestamptz >= '0001-01-01 00:00:00+00'::timestamptz
                    AND removed_at::timestamptz < '10000-01-01 00:00:00+00'::timestamptz))
     THEN 'removed_at' END AS bad_time

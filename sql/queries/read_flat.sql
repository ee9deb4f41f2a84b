-- read_flat.sql — the flat read path for a jsonb payload column
-- (docs/SCALING.md, "The flat read path").  For an Item read flat: one row
-- per account, ord 1, 2, ..., the Item's own columns on the first only.
-- For any other Item: one row, ord null, its payload as text (null when
-- removed and skipped) for the text path's parser.  An Item is read flat
-- only when the flat columns give exactly what the text path would: an
-- object whose "accounts" is an array of 1 to 1000, at most 4096 bytes
-- uncompressed (so its text cannot reach the 16 MiB limit, see
-- docs/SCALING.md for the one bound this assumes), nothing 64 levels deep.
-- Values ship as jsonb text (name, mask, ids), decoded by the same parser as
-- the text path.  No expression here raises an error on any jsonb value: a
-- hostile row never aborts the COPY.
--
-- The client (src/loader.c) puts in :item_columns (read_item_columns.sql,
-- the text path's own expressions for the Item columns), :source and
-- :filters (read_filter_*.sql), and runs it inside read_copy.sql; in psql,
-- \set each (filters may be empty: \set filters '').
SELECT CASE WHEN a.ord > 1 THEN NULL ELSE r.item_id END,
       CASE WHEN a.ord > 1 THEN NULL ELSE r.owner_id END,
       CASE WHEN a.ord > 1 THEN NULL ELSE r.environment END,
       CASE WHEN a.ord > 1 THEN NULL ELSE r.institution_id END,
       CASE WHEN a.ord > 1 THEN NULL ELSE r.created_us END,
       CASE WHEN a.ord > 1 THEN NULL ELSE r.updated_us END,
       CASE WHEN a.ord > 1 THEN NULL ELSE r.removed END,
       CASE WHEN a.ord > 1 THEN NULL ELSE r.bad_time END,
       CASE WHEN a.ord IS NULL THEN r.p::text END,
       CASE WHEN a.ord = 1 THEN r.p -> 'item' -> 'institution_id' END,
       CASE WHEN a.ord = 1
            THEN COALESCE(pg_catalog.jsonb_typeof(r.p -> 'item' -> 'error') <> 'null', false) END,
       a.ord,
       CASE pg_catalog.jsonb_typeof(a.acct)
            WHEN 'object' THEN CASE WHEN a.meta IS NULL THEN 'o' ELSE 'l' END ELSE 'x' END,
       CASE WHEN a.meta IS NULL THEN a.acct -> 'name' ELSE a.meta -> 'name' END,
       CASE WHEN a.meta IS NULL THEN a.acct -> 'mask' ELSE a.meta -> 'number' END,
       a.acct -> 'persistent_account_id',
       a.acct -> 'institution_type'
  FROM (SELECT s.*,
               COALESCE(s.p IS NOT NULL
               AND pg_catalog.jsonb_typeof(s.p) = 'object'
               AND CASE WHEN pg_catalog.jsonb_typeof(s.p -> 'accounts') = 'array'
                        THEN pg_catalog.jsonb_array_length(s.p -> 'accounts') END BETWEEN 1 AND 1000
               AND CASE WHEN pg_catalog.pg_column_compression(s.p) IS NULL
                        THEN pg_catalog.pg_column_size(s.p)
                        ELSE pg_catalog.pg_column_size(s.p OPERATOR(pg_catalog.||) '{}'::jsonb)
                   END <= 4096
               AND NOT pg_catalog.jsonb_path_exists(s.p, 'strict $.**{64}', '{}', true),
               false) AS flat
          FROM (SELECT :item_columns,
                       CASE WHEN removed_at IS NULL
                              OR pg_catalog.current_setting('itemdup.include_removed')::bool
                            THEN payload END AS p
                  FROM :source
                 WHERE true :filters) s) r
  LEFT JOIN LATERAL (SELECT e.acct, e.ord,
                            CASE WHEN pg_catalog.jsonb_typeof(e.acct -> 'meta') = 'object'
                                 THEN e.acct -> 'meta' END AS meta
                       FROM pg_catalog.jsonb_array_elements(CASE WHEN r.flat THEN r.p -> 'accounts' END)
                            WITH ORDINALITY AS e(acct, ord)) a ON true

-- read_flat.sql — the flat read path for a jsonb payload column
-- (docs/SCALING.md, "The flat read path").  For an Item read flat: one row
-- per account, ord 1, 2, ..., the Item's own columns on the first only.
-- For any other Item: one row, ord null, its payload as text (null when
-- removed and skipped) for the text path's parser.  The account rows come
-- from :accounts, a lateral row source over r.p giving ord, kind, the
-- item's institution_id and error flag (first row), name, mask,
-- persistent_account_id and institution_type, and no row for an Item not
-- read flat: read_flat_accounts.sql (SQL expressions) or
-- read_flat_accounts_ext.sql (itemdup.flat_accounts(), the same rows in C).
-- No expression here raises an error on any jsonb value: a hostile row
-- never aborts the COPY.
--
-- The client (src/loader.c) puts in :accounts, :item_columns
-- (read_item_columns.sql, the text path's own expressions for the Item
-- columns), :source and :filters (read_filter_*.sql), and runs it inside
-- read_copy.sql; in psql, \set each (filters may be empty: \set filters '').
SELECT CASE WHEN a.ord > 1 THEN NULL ELSE r.item_id END,
       CASE WHEN a.ord > 1 THEN NULL ELSE r.owner_id END,
       CASE WHEN a.ord > 1 THEN NULL ELSE r.environment END,
       CASE WHEN a.ord > 1 THEN NULL ELSE r.institution_id END,
       CASE WHEN a.ord > 1 THEN NULL ELSE r.created_us END,
       CASE WHEN a.ord > 1 THEN NULL ELSE r.updated_us END,
       CASE WHEN a.ord > 1 THEN NULL ELSE r.removed END,
       CASE WHEN a.ord > 1 THEN NULL ELSE r.bad_time END,
       CASE WHEN a.ord IS NULL THEN r.p::text END,
       a.item_institution_id,
       a.item_error,
       a.ord,
       COALESCE(a.kind, 'x'),
       a.name,
       a.mask,
       a.persistent_account_id,
       a.institution_type
  FROM (SELECT :item_columns,
               CASE WHEN removed_at IS NULL
                      OR pg_catalog.current_setting('itemdup.include_removed')::bool
                    THEN payload END AS p
          FROM :source
         WHERE true :filters) r
  LEFT JOIN LATERAL :accounts a ON true

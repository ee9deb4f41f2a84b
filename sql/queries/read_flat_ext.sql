-- read_flat_ext.sql — the flat read path with its per-row work done by
-- itemdup.flat_accounts() (ext/flat_accounts.c, extension itemdup_check
-- 1.1): the same columns, rows and values as read_flat.sql, whose
-- expressions that function computes in one pass over the stored jsonb
-- (docs/SCALING.md, "The flat read path").  An Item the function gives no
-- row for ships its payload as text (null when removed and skipped).
-- Placeholders as in read_flat.sql.
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
       COALESCE(a.kind, 'x'),  -- as read_flat.sql gives for no account row
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
  LEFT JOIN LATERAL itemdup.flat_accounts(r.p) a ON true

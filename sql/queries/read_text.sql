-- read_text: the text read path: per Item its columns (:item_columns,
-- read_item_columns.sql) and its payload as text (null when removed and
-- --include-removed is off), from :source (the server's own quoting of the
-- relation, src/loader.c) with :filters (read_filter_*.sql, may be empty).
-- Run inside read_copy.sql; in psql, \set each (\set filters '').
SELECT :item_columns,
       CASE WHEN removed_at IS NULL
              OR pg_catalog.current_setting('itemdup.include_removed')::bool
            THEN payload::text END
  FROM :source
 WHERE true :filters

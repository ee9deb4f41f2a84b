-- read_columns: name, type name and type category of each column of
-- relation $1 (its quoted name)
SELECT a.attname::text, t.typname::text, t.typcategory::text
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
 WHERE a.attrelid = pg_catalog.to_regclass($1)
   AND a.attnum > 0 AND NOT a.attisdropped

-- read_resolve_source: --source $1 resolved: its number of name parts
-- (parse_ident checks the syntax and that the name has a schema), whether it
-- exists, its quoted schema.name, relkind, whether this role can SELECT it,
-- and whether it could write it (a non-superuser with a write privilege)
SELECT pg_catalog.array_length(pg_catalog.parse_ident($1), 1),
       n.nspname IS NOT NULL,
       pg_catalog.quote_ident(n.nspname) OPERATOR(pg_catalog.||) '.'
       OPERATOR(pg_catalog.||) pg_catalog.quote_ident(r.relname),
       r.relkind::text,
       pg_catalog.has_table_privilege(r.oid, 'SELECT'),
       pg_catalog.has_table_privilege(r.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')
       AND NOT (SELECT rolsuper FROM pg_catalog.pg_roles
                 WHERE rolname OPERATOR(pg_catalog.=) current_user)
  FROM (SELECT pg_catalog.to_regclass($1) AS oid) x
  LEFT JOIN pg_catalog.pg_class r ON r.oid = x.oid
  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace

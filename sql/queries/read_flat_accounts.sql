-- read_flat_accounts.sql — a fragment for read_flat.sql's :accounts: the
-- account rows of r.p by SQL expressions.  An Item is read flat only when
-- the flat columns give exactly what the text path would: an object whose
-- "accounts" is an array of 1 to 1000, at most 4096 bytes uncompressed (so
-- its text cannot reach the 16 MiB limit, see docs/SCALING.md for the one
-- bound this assumes), nothing 64 levels deep.  Values ship as jsonb text
-- (name, mask, ids), decoded by the same parser as the text path.
(SELECT e.ord,
        CASE pg_catalog.jsonb_typeof(e.acct)
             WHEN 'object' THEN CASE WHEN m.meta IS NULL THEN 'o' ELSE 'l' END ELSE 'x' END AS kind,
        CASE WHEN e.ord = 1 THEN r.p -> 'item' -> 'institution_id' END AS item_institution_id,
        CASE WHEN e.ord = 1
             THEN COALESCE(pg_catalog.jsonb_typeof(r.p -> 'item' -> 'error') <> 'null', false)
        END AS item_error,
        CASE WHEN m.meta IS NULL THEN e.acct -> 'name' ELSE m.meta -> 'name' END AS name,
        CASE WHEN m.meta IS NULL THEN e.acct -> 'mask' ELSE m.meta -> 'number' END AS mask,
        e.acct -> 'persistent_account_id' AS persistent_account_id,
        e.acct -> 'institution_type' AS institution_type
   FROM pg_catalog.jsonb_array_elements(
          CASE WHEN r.p IS NOT NULL
                AND pg_catalog.jsonb_typeof(r.p) = 'object'
                AND CASE WHEN pg_catalog.jsonb_typeof(r.p -> 'accounts') = 'array'
                         THEN pg_catalog.jsonb_array_length(r.p -> 'accounts') END BETWEEN 1 AND 1000
                AND CASE WHEN pg_catalog.pg_column_compression(r.p) IS NULL
                         THEN pg_catalog.pg_column_size(r.p)
                         ELSE pg_catalog.pg_column_size(r.p OPERATOR(pg_catalog.||) '{}'::jsonb)
                    END <= 4096
                AND NOT pg_catalog.jsonb_path_exists(r.p, 'strict $.**{64}', '{}', true)
               THEN r.p -> 'accounts' END) WITH ORDINALITY AS e(acct, ord),
        LATERAL (SELECT CASE WHEN pg_catalog.jsonb_typeof(e.acct -> 'meta') = 'object'
                             THEN e.acct -> 'meta' END AS meta) m)

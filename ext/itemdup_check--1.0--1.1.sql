-- itemdup_check--1.0--1.1.sql — adds itemdup.flat_accounts(), the flat read
-- path's account rows in C, which `itemdup run --read-path auto` uses when
-- it is there (docs/SCALING.md "The flat read path").
--   ALTER EXTENSION itemdup_check UPDATE;   (CREATE EXTENSION installs 1.1)
\echo Use "ALTER EXTENSION itemdup_check UPDATE" to load this file. \quit

CREATE FUNCTION itemdup.flat_accounts(payload jsonb)
RETURNS TABLE (ord bigint, kind text, item_institution_id jsonb, item_error boolean,
               name jsonb, mask jsonb, persistent_account_id jsonb, institution_type jsonb)
AS 'MODULE_PATHNAME', 'itemdup_flat_accounts'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE ROWS 3;

COMMENT ON FUNCTION itemdup.flat_accounts(jsonb) IS
'The flat read path''s rows of one payload, computed in C: one per account (kind o/l/x, name and mask or meta.name and meta.number, persistent id, institution_type as jsonb; item.institution_id and whether item.error is set on the first), none when the payload is not read flat. Exactly the rows of itemdup''s read_flat_accounts.sql (docs/SCALING.md).';

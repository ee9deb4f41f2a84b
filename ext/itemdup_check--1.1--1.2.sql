-- itemdup_check--1.1--1.2.sql — itemdup.flat_accounts() returns its jsonb
-- values as the text jsonb_out prints for them: the job's COPY receives the
-- same bytes, and the server no longer builds a jsonb per value only to
-- print it; itemdup.epoch_us() gives the flat read its Items' times without
-- numeric arithmetic (docs/SCALING.md "The flat read path").
--   ALTER EXTENSION itemdup_check UPDATE;   (CREATE EXTENSION installs 1.2)
\echo Use "ALTER EXTENSION itemdup_check UPDATE" to load this file. \quit

DROP FUNCTION itemdup.flat_accounts(jsonb);
CREATE FUNCTION itemdup.flat_accounts(payload jsonb)
RETURNS TABLE (ord bigint, kind text, item_institution_id text, item_error boolean,
               name text, mask text, persistent_account_id text, institution_type text)
AS 'MODULE_PATHNAME', 'itemdup_flat_accounts_text'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE ROWS 3;

COMMENT ON FUNCTION itemdup.flat_accounts(jsonb) IS
'The flat read path''s rows of one payload, computed in C: one per account (kind o/l/x, name and mask or meta.name and meta.number, persistent id, institution_type as the text jsonb prints for them; item.institution_id and whether item.error is set on the first), none when the payload is not read flat. Exactly the rows of itemdup''s read_flat_accounts.sql, printed alike (docs/SCALING.md).';

CREATE FUNCTION itemdup.epoch_us(ts timestamptz) RETURNS bigint
AS 'MODULE_PATHNAME', 'itemdup_epoch_us'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION itemdup.epoch_us(timestamptz) IS
'Microseconds since 1970-01-01 UTC of a time in years 1 to 9999, else null (infinite or outside): exactly itemdup''s read_epoch_us.sql, which the flat read path then uses in its place (docs/SCALING.md).';

-- read_flat_ext_available: whether itemdup.flat_accounts(jsonb) (extension
-- itemdup_check 1.1 or later, ext/flat_accounts.c) is installed and this
-- role may call it (the flat read path then uses read_flat_accounts_ext.sql),
-- and the same of itemdup.epoch_us(timestamptz) (1.2: read_epoch_us_ext.sql)
SELECT COALESCE(pg_catalog.has_function_privilege(
           pg_catalog.to_regprocedure('itemdup.flat_accounts(jsonb)'), 'EXECUTE'), false),
       COALESCE(pg_catalog.has_function_privilege(
           pg_catalog.to_regprocedure('itemdup.epoch_us(timestamptz)'), 'EXECUTE'), false)

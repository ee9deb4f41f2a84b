-- read_flat_accounts_ext.sql — a fragment for read_flat.sql's :accounts:
-- the same rows as read_flat_accounts.sql, made in C by
-- itemdup.flat_accounts() (extension itemdup_check 1.1 or later,
-- ext/flat_accounts.c; 1.2 returns the values as jsonb's text, which this
-- COPY prints byte for byte as 1.1's jsonb)
itemdup.flat_accounts(r.p)

-- read_flat_accounts_ext.sql — a fragment for read_flat.sql's :accounts:
-- the same rows as read_flat_accounts.sql, made in C by
-- itemdup.flat_accounts() (extension itemdup_check 1.1, ext/flat_accounts.c)
itemdup.flat_accounts(r.p)

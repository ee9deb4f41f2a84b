-- begin: open a transaction
BEGIN

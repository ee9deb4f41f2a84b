-- commit: end the transaction
COMMIT

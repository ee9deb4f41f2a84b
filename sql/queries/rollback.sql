-- rollback: abandon the transaction
ROLLBACK

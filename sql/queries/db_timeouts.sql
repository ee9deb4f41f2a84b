-- db_timeouts: $1 lock_timeout, $2 statement_timeout (validated by the server)
SELECT pg_catalog.set_config('lock_timeout', $1, false),
       pg_catalog.set_config('statement_timeout', $2, false)

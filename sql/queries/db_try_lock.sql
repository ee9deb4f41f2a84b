-- db_try_lock: session advisory lock ($1, $2), without waiting
SELECT pg_catalog.pg_try_advisory_lock($1::int4, $2::int4)

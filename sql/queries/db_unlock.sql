-- db_unlock: release session advisory lock ($1, $2)
SELECT pg_catalog.pg_advisory_unlock($1::int4, $2::int4)

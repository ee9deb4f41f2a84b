-- read_snapshot_time: when the read transaction began (now() is its start),
-- microseconds since the epoch: rows newer than this were not seen
SELECT (EXTRACT(EPOCH FROM pg_catalog.now()) * 1000000)::int8

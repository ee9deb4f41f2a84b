-- publish_analyze: fresh statistics for the rows the run just committed
-- (sql/008, sql/010): the result tables another session holds, skipped
-- rather than waited for, as one comma-separated text ('' when none); a
-- failure is a warning, never the run's
SELECT pg_catalog.array_to_string(itemdup.analyze_results(), ', ')

-- publish_analyze: fresh statistics for the rows the run just committed
-- (sql/008_analyze_results.sql); a failure is a warning, never the run's
SELECT itemdup.analyze_results()

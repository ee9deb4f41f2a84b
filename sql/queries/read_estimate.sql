-- read_estimate: the planner's estimate of the source's rows, for progress
-- (:source, the server's own quoting of the relation)
EXPLAIN (FORMAT JSON) SELECT 1 FROM :source

-- read_multi: --partitions (src/partition.c): the item_ids with more than one
-- row in the read (:query, read_text.sql with the run's filters): a pass keeps
-- the rows of other classes of these only, for the snapshot rule
COPY (SELECT item_id COLLATE "C" FROM (:query) q
       GROUP BY 1 HAVING pg_catalog.count(*) > 1) TO STDOUT

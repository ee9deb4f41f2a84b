-- html_institutions: the $2 institutions (per environment) of run $1 with most grouped items
SELECT institution_id, environment, sum(size), count(*) FROM itemdup.run_groups
 WHERE run_id = $1::bigint GROUP BY institution_id, environment
 ORDER BY 3 DESC, 4 DESC, institution_id COLLATE "C", environment LIMIT $2::int

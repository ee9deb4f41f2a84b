-- html_near_misses: the best $2 near misses of run $1 and their total count
SELECT NULL, item_a, item_b, score, evidence::text, sampled_as,
       count(*) OVER () FROM itemdup.run_near_misses WHERE run_id = $1::bigint
 ORDER BY score DESC, item_a, item_b LIMIT $2::int

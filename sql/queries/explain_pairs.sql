-- explain_pairs: the kept pairs of group $2 of run $1, best first
SELECT item_a, item_b, score, evidence::text FROM itemdup.run_pairs
 WHERE run_id = $1::bigint AND group_id = $2::bigint ORDER BY score DESC, item_a, item_b

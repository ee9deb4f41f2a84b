-- html_score_bins: every candidate pair run $1 scored, by score bin
SELECT score_from, pairs FROM itemdup.run_score_bins
 WHERE run_id = $1::bigint ORDER BY score_from

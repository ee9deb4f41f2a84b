-- html_score_range: the number of kept pairs of run $1 and their score range
SELECT count(*), min(score), max(score)
  FROM itemdup.run_pairs WHERE run_id = $1::bigint

-- html_score_histogram: kept pairs of run $1 in $4 buckets from $2 to $3
SELECT width_bucket(score, $2::float8, $3::float8, $4::int), count(*)
  FROM itemdup.run_pairs WHERE run_id = $1::bigint GROUP BY 1 ORDER BY 1

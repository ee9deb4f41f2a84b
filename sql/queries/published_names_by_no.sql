-- published_names_by_no: the name buckets of run $1 holding the name_no in $2
-- (int[] text): for each, the bucket with the greatest first_name_no not
-- above it; in its generation's table (published_key_bucket.sql)
SELECT DISTINCT b.first_name_no, encode(b.names, 'hex')
  FROM unnest($2::int[]) AS n(name_no)
  CROSS JOIN LATERAL (SELECT k.first_name_no, k.names FROM itemdup.model_name_buckets_:gen k
                       WHERE k.run_id = $1::bigint AND k.first_name_no <= n.name_no
                       ORDER BY k.first_name_no DESC LIMIT 1) b
 ORDER BY b.first_name_no

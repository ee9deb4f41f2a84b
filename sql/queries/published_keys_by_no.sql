-- published_keys_by_no: the key buckets of run $1 holding the key_no in $2
-- (int[] text): for each, the bucket with the greatest first_key_no not above
-- it; in its generation's table (published_key_bucket.sql)
SELECT DISTINCT b.first_key_no, encode(b.keys, 'hex')
  FROM unnest($2::int[]) AS n(key_no)
  CROSS JOIN LATERAL (SELECT k.first_key_no, k.keys FROM itemdup.model_key_buckets_:gen k
                       WHERE k.run_id = $1::bigint AND k.first_key_no <= n.key_no
                       ORDER BY k.first_key_no DESC LIMIT 1) b
 ORDER BY b.first_key_no

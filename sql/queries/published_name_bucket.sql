-- published_name_bucket: name bucket $2 of run $1's model (hex; the caller
-- confirms each name's full text), in its generation's table
-- (published_key_bucket.sql)
SELECT first_name_no, encode(names, 'hex') FROM itemdup.model_name_buckets_:gen
 WHERE run_id = $1::bigint AND bucket = $2::int

-- published_key_bucket: key bucket $2 of run $1's model (hex; the caller
-- confirms each key's full text; gen $3: its generation, so that only its
-- partition is planned and locked, sql/011)
SELECT first_key_no, encode(keys, 'hex') FROM itemdup.model_key_buckets
 WHERE run_id = $1::bigint AND bucket = $2::int AND gen = $3::smallint

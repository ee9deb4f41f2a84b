-- published_key_bucket: key bucket $2 of run $1's model (hex; the caller
-- confirms each key's full text), in its generation's own table (the model's
-- reads name the partition: no plan or lock of the partitioned table, sql/011)
SELECT first_key_no, encode(keys, 'hex') FROM itemdup.model_key_buckets_:gen
 WHERE run_id = $1::bigint AND bucket = $2::int

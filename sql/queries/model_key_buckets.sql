-- model_key_buckets: COPY the model's packed key buckets in (binary format, publish_model.c), straight into its generation's partition, FREEZE when truncated in this transaction (placeholders: README.md)
COPY itemdup.model_key_buckets_:gen (run_id, bucket, first_key_no, keys)
FROM STDIN (FORMAT binary:freeze)

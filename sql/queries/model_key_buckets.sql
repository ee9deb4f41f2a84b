-- model_key_buckets: COPY the model's packed key buckets in (binary format, publish_model.c)
COPY itemdup.model_key_buckets (run_id, bucket, first_key_no, keys)
FROM STDIN (FORMAT binary)

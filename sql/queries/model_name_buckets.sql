-- model_name_buckets: COPY the model's packed name buckets in (binary format, publish_model.c)
COPY itemdup.model_name_buckets (run_id, bucket, first_name_no, names)
FROM STDIN (FORMAT binary)

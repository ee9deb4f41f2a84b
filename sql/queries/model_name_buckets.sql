-- model_name_buckets: COPY the model's packed name buckets in (binary format, publish_model.c), into its generation's partition as model_key_buckets.sql
COPY itemdup.model_name_buckets_:gen (run_id, bucket, first_name_no, names)
FROM STDIN (FORMAT binary:freeze)

-- model_item_pages: COPY the model's packed item pages in (binary format, publish_model.c), into its generation's partition as model_key_buckets.sql
COPY itemdup.model_item_pages_:gen (run_id, page, first_item_id, items)
FROM STDIN (FORMAT binary:freeze)

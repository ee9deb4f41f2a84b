-- model_item_pages: COPY the model's packed item pages in (binary format, publish_model.c)
COPY itemdup.model_item_pages (run_id, page, first_item_id, items)
FROM STDIN (FORMAT binary)

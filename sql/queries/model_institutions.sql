-- model_institutions: COPY the model's institutions in
COPY itemdup.model_institutions (run_id, institution_id, items)
FROM STDIN

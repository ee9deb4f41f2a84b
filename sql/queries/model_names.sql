-- model_names: COPY the model's names in
COPY itemdup.model_names (run_id, name_hash, environment,
institution_id, name, name_items, gname_items) FROM STDIN

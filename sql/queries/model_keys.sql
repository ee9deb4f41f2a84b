-- model_keys: COPY the model's keys in
COPY itemdup.model_keys (run_id, key_no, key_hash, kind,
environment, institution_id, name, mask, persistent_id, name_items,
key_items, gname_items, gkey_items, items) FROM STDIN

-- model_items: COPY the model's items in
COPY itemdup.model_items (run_id, item_no, item_id, owner_id,
environment, institution_id, created_at, keyable, account_keys,
account_pkeys) FROM STDIN

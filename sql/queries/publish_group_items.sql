-- publish_group_items: COPY the run's group members in
COPY itemdup.result_group_items (run_id, group_id, item_id,
owner_id, accounts, matched_accounts, created_at, suggested_action)
FROM STDIN (FORMAT binary)

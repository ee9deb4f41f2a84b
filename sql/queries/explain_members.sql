-- explain_members: the members of group $2 of run $1
SELECT item_id, owner_id, accounts, matched_accounts, suggested_action
  FROM itemdup.run_group_items WHERE run_id = $1::bigint AND group_id = $2::bigint
 ORDER BY item_id COLLATE "C"

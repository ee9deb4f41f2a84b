-- explain_group_of: the group of item $2 in run $1
SELECT group_id FROM itemdup.run_group_items
 WHERE run_id = $1::bigint AND item_id = $2

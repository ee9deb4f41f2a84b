-- published_name: item counts of account name $5 (hash $2) at environment $3,
-- institution $4 in run $1's model
SELECT name_items, gname_items FROM itemdup.model_names
 WHERE run_id = $1::bigint AND name_hash = $2::bigint AND environment = $3
   AND institution_id = $4 AND name = $5

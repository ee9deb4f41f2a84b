-- explain_rejects: why run $1 rejected item $2
SELECT reason, detail FROM itemdup.rejects
 WHERE run_id = $1::bigint AND item_id = $2

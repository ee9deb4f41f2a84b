-- published_institution_items: items of institution $2 in run $1's model
SELECT items FROM itemdup.model_institutions
 WHERE run_id = $1::bigint AND institution_id = $2

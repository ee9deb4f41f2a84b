-- explain_group: group $2 of run $1
SELECT environment, institution_id, size, owners, kind, max_score,
       min_score, review_status FROM itemdup.run_groups
 WHERE run_id = $1::bigint AND group_id = $2::bigint

-- published_items_by_id: model items $2 and $3 of run $1
SELECT item_no, item_id, owner_id, environment, institution_id,
       (EXTRACT(EPOCH FROM created_at) * 1000000)::int8, keyable, account_keys::text,
       account_pkeys::text FROM itemdup.model_items WHERE run_id = $1::bigint
   AND item_id IN ($2, $3) ORDER BY item_no

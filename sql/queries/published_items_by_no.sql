-- published_items_by_no: model items of run $1 whose item_no is in $2 (int[] text)
SELECT item_no, item_id, owner_id, environment, institution_id,
       (EXTRACT(EPOCH FROM created_at) * 1000000)::int8, keyable, account_keys::text,
       account_pkeys::text FROM itemdup.model_items WHERE run_id = $1::bigint
   AND item_no = ANY ($2::int[]) ORDER BY item_no

-- published_account_key: the account key of run $1 with hash $2, confirmed on
-- environment $3, institution $4, name $5 and mask $6
SELECT key_no, kind, name, mask, name_items, key_items, gname_items,
       gkey_items, items::text FROM itemdup.model_keys WHERE run_id = $1::bigint
   AND key_hash = $2::bigint AND kind = 'account'
   AND environment = $3 AND institution_id = $4 AND name = $5 AND mask = $6

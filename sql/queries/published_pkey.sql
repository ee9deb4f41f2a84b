-- published_pkey: the persistent-id key of run $1 with hash $2, confirmed on
-- environment $3, institution $4 and persistent id $5
SELECT key_no, kind, name, mask, name_items, key_items, gname_items,
       gkey_items, items::text FROM itemdup.model_keys WHERE run_id = $1::bigint
   AND key_hash = $2::bigint
   AND kind = 'persistent' AND environment = $3 AND institution_id = $4
   AND persistent_id = $5

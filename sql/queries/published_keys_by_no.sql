-- published_keys_by_no: model keys of run $1 whose key_no is in $2 (int[] text)
SELECT key_no, kind, name, mask, name_items, key_items, gname_items,
       gkey_items, items::text FROM itemdup.model_keys WHERE run_id = $1::bigint
   AND key_no = ANY ($2::int[]) ORDER BY key_no

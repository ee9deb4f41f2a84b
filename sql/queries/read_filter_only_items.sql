-- read_filter_only_items: a fragment of :filters (the two Items of explain)
AND item_id::text IN (pg_catalog.current_setting('itemdup.item_a'),
                      pg_catalog.current_setting('itemdup.item_b'))

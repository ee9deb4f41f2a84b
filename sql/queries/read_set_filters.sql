-- read_set_filters: the read's filter values as settings of the read
-- transaction (COPY takes no parameters): $1 created_since, $2
-- created_until, $3 include_removed (on/off), $4 item_a, $5 item_b, $6
-- changed_since ('' for none); the casts check the times
SELECT pg_catalog.set_config('itemdup.created_since', $1, true),
       pg_catalog.set_config('itemdup.created_until', $2, true),
       pg_catalog.set_config('itemdup.include_removed', $3, true),
       pg_catalog.set_config('itemdup.item_a', $4, true),
       pg_catalog.set_config('itemdup.item_b', $5, true),
       pg_catalog.set_config('itemdup.changed_since', $6, true),
       NULLIF($1, '')::timestamptz, NULLIF($2, '')::timestamptz,
       NULLIF($6, '')::timestamptz

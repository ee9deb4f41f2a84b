-- history_allocate_ids: $1 new group ids, ascending
SELECT pg_catalog.nextval('itemdup.group_id_seq') AS id
  FROM pg_catalog.generate_series(1, $1::int) ORDER BY id

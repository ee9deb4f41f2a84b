-- read_filter_created_until: a fragment of :filters (--created-until)
AND created_at < pg_catalog.current_setting('itemdup.created_until')::timestamptz

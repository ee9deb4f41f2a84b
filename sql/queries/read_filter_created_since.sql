-- read_filter_created_since: a fragment of :filters (--created-since)
AND created_at >= pg_catalog.current_setting('itemdup.created_since')::timestamptz

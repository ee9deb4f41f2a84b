-- read_filter_changed_since: a fragment of :filters (--changed-since): two
-- ranges an index on created_at and one on updated_at can each serve
-- (docs/SOURCE.md)
AND (created_at >= pg_catalog.current_setting('itemdup.changed_since')::timestamptz
     OR updated_at >= pg_catalog.current_setting('itemdup.changed_since')::timestamptz)

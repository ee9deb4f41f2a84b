-- read_epoch_us: a fragment, not a statement: the time :ts (a timestamptz
-- expression) as microseconds since the epoch, null when null, infinite or
-- outside years 1-9999 (what the result tables and copyfmt_timestamp can
-- hold).  read_item_columns.sql's :created_us and :updated_us; where the
-- extension's itemdup.epoch_us() may be called (itemdup_check 1.2), the
-- flat read path uses read_epoch_us_ext.sql instead: the same values.
CASE WHEN (:ts >= '0001-01-01 00:00:00+00'::timestamptz
           AND :ts < '10000-01-01 00:00:00+00'::timestamptz)
     THEN (EXTRACT(EPOCH FROM :ts) * 1000000)::int8 END

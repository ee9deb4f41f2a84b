# a created_at/updated_at/removed_at the result tables cannot hold (BC, past
# year 9999) is an item-level reject bad_timestamp: the run goes on and
# publishes the others (docs/SOURCE.md "Item-level rejects")
plan 12
run_rc migrate >/dev/null
load_fixture basic
acct='{"accounts":[{"name":"Premier Checking","mask":"3333"}],"item":{"institution_id":"ins_2"}}'
acct2='{"accounts":[{"name":"Gold Savings","mask":"7777"}],"item":{"institution_id":"ins_2"}}'
q "INSERT INTO app.items VALUES
 ('BC1', 'u40', 'production', NULL, '$acct', '0044-03-15 12:00:00+00 BC', '2024-01-01', NULL),
 ('FUT1', 'u41', 'production', NULL, '$acct', '294276-12-31 23:00:00+00', '2024-01-01', NULL),
 ('UPD1', 'u42', 'production', NULL, '$acct', '2024-01-01', '12000-01-01 00:00:00+00', NULL),
 ('REM1', 'u43', 'production', NULL, '$acct', '2024-01-01', '2024-01-01', '0100-01-01 00:00:00+00 BC'),
 ('EDGE1', 'u44', 'production', NULL, '$acct', '9999-12-31 23:59:59+00', '0001-01-01 00:00:00+00', NULL),
 ('EDGE2', 'u46', 'production', NULL, '$acct2', '0001-01-01 00:00:00.000001+00', '2024-01-01', NULL),
 ('EDGE3', 'u47', 'production', NULL, '$acct2', '1969-12-31 23:59:59.999999+00', '2024-01-01', NULL),
 ('INF1', 'u45', 'production', NULL, '$acct', 'infinity', '-infinity', NULL)"
check_eq "run with BC and year-294276 times exits 0" 0 "$(run_rc run --max-reject-ratio 0.5)"
check_eq "... each such row is a bad_timestamp reject naming the column" \
	"BC1:created_at is out of range: before year 1 or after 9999,FUT1:created_at is out of range: before year 1 or after 9999,UPD1:updated_at is out of range: before year 1 or after 9999" \
	"$(q "SELECT string_agg(item_id || ':' || detail, ',' ORDER BY item_id) FROM itemdup.rejects WHERE reason = 'bad_timestamp'")"
check_eq "... a removed row is skipped, not rejected" "0" "$(q "SELECT count(*) FROM itemdup.rejects WHERE item_id = 'REM1'")"
check_eq "... the other groups are published, the edge years and infinity grouped" \
	"C1 L1;EDGE1 I3 I4 INF1;EDGE2 EDGE3;I1 I2;P1 P2" "$(current_groups)"
check_eq "... year 9999 stored as it was, infinity as null" "9999-12-31 23:59:59+00|t" \
	"$(q "SELECT (SELECT created_at FROM itemdup.current_group_items WHERE item_id = 'EDGE1'), (SELECT created_at IS NULL FROM itemdup.current_group_items WHERE item_id = 'INF1')")"
check_eq "... year 1 and before 1970 stored to the microsecond" \
	"0001-01-01 00:00:00.000001+00|1969-12-31 23:59:59.999999+00" \
	"$(q "SELECT (SELECT created_at FROM itemdup.current_group_items WHERE item_id = 'EDGE2'), (SELECT created_at FROM itemdup.current_group_items WHERE item_id = 'EDGE3')")"
check "sanitizers quiet" no_sanitizer_report
check_eq "--include-removed: exits 0" 0 "$(run_rc run --include-removed --kind backfill --max-reject-ratio 0.5)"
check_eq "... and rejects the removed row's BC removed_at" "removed_at is out of range: before year 1 or after 9999" \
	"$(q "SELECT detail FROM itemdup.rejects WHERE item_id = 'REM1' AND run_id = (SELECT max(run_id) FROM itemdup.runs)")"
check_eq "... its run succeeded" "succeeded" "$(q "SELECT status FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")"
check_eq "the rejects are counted in items_rejected" "t" \
	"$(q "SELECT items_rejected >= 3 FROM itemdup.runs ORDER BY run_id LIMIT 1")"
check "sanitizers quiet" no_sanitizer_report

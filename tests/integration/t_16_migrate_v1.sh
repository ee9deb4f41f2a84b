# a real version-1 database (sql/001 applied by psql as migrate did, with
# results a version-1 run published and an analyst's review) is upgraded by
# "itemdup migrate" to this binary's version, in order, and the next run
# keeps the v1 group's id, first_seen_run and review
plan 12
psql -X -q -v ON_ERROR_STOP=1 -1 -f sql/001_schema.sql >/dev/null
q "INSERT INTO itemdup.schema_version (version, name) VALUES (1, '001_schema.sql')"
load_fixture basic
# what a version-1 run left: run 1 published group 700 = {I1 I2}, reviewed
q "INSERT INTO itemdup.runs (run_id, kind, status, started_at, finished_at, published_at, groups, items_in_groups, options, version)
   VALUES (1, 'nightly', 'succeeded', '2024-06-01', '2024-06-01', '2024-06-01', 1, 2, '{}', 'itemdup 0.0.9')"
q "SELECT setval(pg_get_serial_sequence('itemdup.runs', 'run_id'), 1)" >/dev/null
q "SELECT setval('itemdup.group_id_seq', 700)" >/dev/null
q "INSERT INTO itemdup.result_groups VALUES (1, 700, 'production', 'ins_1', 2, 1, 'same_owner', 20, 20, 1, '2024-06-01', 'v1hash')"
q "INSERT INTO itemdup.result_group_items VALUES (1, 700, 'I1', 'u1', 2, 2, '2024-01-01', 'remove_candidate'), (1, 700, 'I2', 'u1', 2, 2, '2024-02-01', 'keep')"
q "INSERT INTO itemdup.result_pairs VALUES (1, 700, 'I1', 'I2', 20, '{}')"
q "INSERT INTO itemdup.published VALUES (1)"
q "INSERT INTO itemdup.group_reviews (group_id, status, note, reviewed_by, members_hash) VALUES (700, 'confirmed', 'same person', 'analyst1', 'v1hash')"

want=$("$ITEMDUP" --version | sed -n 's/.*(schema \([0-9]*\);.*/\1/p')
check_eq "the binary rejects the v1 schema before migrate (exit 1)" 1 "$(run_rc run)"
check "... asking for migrate" grep -q 'at version 1, this binary needs' "$WORK/err"
check_eq "migrate from version 1 exits 0" 0 "$(run_rc migrate)"
check "... applying 002 and the rest" grep -q 'applied 002_' "$WORK/err"
check_eq "schema_version: 1 then each later migration once, up to the binary's" "$want" \
	"$(q "SELECT max(version) FROM itemdup.schema_version WHERE (SELECT count(*) = count(DISTINCT version) FROM itemdup.schema_version)")"
check_eq "the v1 results are still published" "1|I1 I2" "$(q "SELECT p.run_id, (SELECT string_agg(item_id, ' ' ORDER BY item_id) FROM itemdup.current_group_items) FROM itemdup.published p")"
check_eq "run after the upgrade exits 0" 0 "$(run_rc run)"
check_eq "... exactly the planted groups" "C1 L1;I1 I2;I3 I4;P1 P2" "$(current_groups)"
check_eq "... the v1 group keeps its id and first_seen_run" "700|1" "$(q "SELECT group_id, first_seen_run FROM itemdup.current_groups WHERE group_id = (SELECT group_id FROM itemdup.current_group_items WHERE item_id = 'I1')")"
check_eq "... counted unchanged against the v1 run" "1|3" "$(q "SELECT groups_unchanged, groups_new FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")"
check_eq "... and the analyst's review survives" "confirmed" "$(q "SELECT review_status FROM itemdup.current_groups WHERE group_id = 700")"
check "migrate again applies nothing" bash -c "[ \"\$($ITEMDUP migrate --log-format text 2>&1 >/dev/null | grep -c '0 migrations applied')\" = 1 ]"

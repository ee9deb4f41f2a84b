# the same input in any row order gives the same groups, ids, scores and evidence
plan 5
run_rc migrate >/dev/null
load_fixture basic
check_eq "run in table order exits 0" 0 "$(run_rc run)"
snap() {
	q "SELECT string_agg(group_id || ':' || item_id || ':' || suggested_action, ',' ORDER BY item_id) FROM itemdup.current_group_items"
	q "SELECT string_agg(item_a || '~' || item_b || ':' || score || ':' || evidence::text, ',' ORDER BY item_a, item_b) FROM itemdup.current_pairs"
}
first=$(snap)
# a second database, rows in another order
createdb "${PGDATABASE}_b"
PGDATABASE="${PGDATABASE}_b" run_rc migrate >/dev/null
PGDATABASE="${PGDATABASE}_b" load_fixture basic
PGDATABASE="${PGDATABASE}_b" q "CREATE OR REPLACE VIEW itemdup.source_items AS SELECT * FROM app.items ORDER BY md5(item_id || updated_at::text) DESC"
check_eq "run in another order exits 0" 0 "$(PGDATABASE="${PGDATABASE}_b" run_rc run)"
second=$(PGDATABASE="${PGDATABASE}_b" snap)
check_eq "same groups, ids, actions, scores and evidence whatever the order" "$first" "$second"
PGDATABASE="${PGDATABASE}_b" q "CREATE OR REPLACE VIEW itemdup.source_items AS SELECT * FROM app.items ORDER BY item_id DESC, updated_at"
check_eq "a third order exits 0" 0 "$(PGDATABASE="${PGDATABASE}_b" run_rc run)"
check_eq "... and keeps the same ids" "$(echo "$first" | head -1)" "$(PGDATABASE="${PGDATABASE}_b" q "SELECT string_agg(group_id || ':' || item_id || ':' || suggested_action, ',' ORDER BY item_id) FROM itemdup.current_group_items")"

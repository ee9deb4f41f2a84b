# a version-7 database (sql/001..007 applied by psql as migrate did) whose
# published run carries its model in the row-per-key form of 006 is
# upgraded by "itemdup migrate": the 006 tables are gone, check and explain
# say no published run has a model until the next run publishes one, and
# the published results stay.  The result tables lose their per-row
# foreign key to runs; deleting runs (by hand, or --keep-runs) still
# deletes their rows from every result table.
plan 14
n=0
for f in sql/00[1-7]_*.sql; do
	n=$((n + 1))
	psql -X -q -v ON_ERROR_STOP=1 -1 -f "$f" >/dev/null
	q "INSERT INTO itemdup.schema_version (version, name) VALUES ($n, '$(basename "$f")')"
done
load_fixture basic
# what a version-7 run left: run 1 published group 700 = {I1 I2}, a reject, and its model in the 006 form
q "INSERT INTO itemdup.runs (run_id, kind, status, started_at, finished_at, published_at, groups, items_in_groups, options, version)
   VALUES (1, 'nightly', 'succeeded', '2026-11-01', '2026-11-01', '2026-11-01', 1, 2, '{}', 'itemdup 0.7')"
q "SELECT setval(pg_get_serial_sequence('itemdup.runs', 'run_id'), 1)" >/dev/null
q "SELECT setval('itemdup.group_id_seq', 700)" >/dev/null
q "INSERT INTO itemdup.result_groups VALUES (1, 700, 'production', 'ins_1', 2, 1, 'same_owner', 20, 20, 1, '2026-11-01', 'v7hash')"
q "INSERT INTO itemdup.result_group_items VALUES (1, 700, 'I1', 'u1', 2, 2, '2024-01-01', 'remove_candidate'), (1, 700, 'I2', 'u1', 2, 2, '2024-02-01', 'keep')"
q "INSERT INTO itemdup.result_pairs VALUES (1, 700, 'I1', 'I2', 20, '{}')"
q "INSERT INTO itemdup.rejects VALUES (1, 'X1', 'not_json', 'v7')"
q "INSERT INTO itemdup.published VALUES (1)"
q "INSERT INTO itemdup.model_runs VALUES (1, 'v7', 5, 1000, '2026-11-01', 13, '{}')"
q "INSERT INTO itemdup.model_institutions VALUES (1, 'ins_1', 6)"
q "INSERT INTO itemdup.model_keys VALUES (1, 0, 42, 'account', 'production', 'ins_1', 'total checking', '1111', NULL, 2, 2, 2, 2, '{0,1}')"
q "INSERT INTO itemdup.model_items VALUES (1, 0, 'I1', 'u1', 'production', 'ins_1', '2024-01-01', 2, '{0}', '{-1}'), (1, 1, 'I2', 'u1', 'production', 'ins_1', '2024-02-01', 2, '{0}', '{-1}')"

check_eq "migrate from version 7 exits 0" 0 "$(run_rc migrate)"
check_eq "the 006 row-per-key tables are gone, the packed ones there" "|||true" \
	"$(q "SELECT coalesce(to_regclass('itemdup.model_keys')::text, '') || '|' || coalesce(to_regclass('itemdup.model_items')::text, '') || '|' || coalesce(to_regclass('itemdup.model_names')::text, '') || '|' || (to_regclass('itemdup.model_key_buckets') IS NOT NULL)")"
check_eq "... and so is the 006 model: no model_runs, no model_institutions rows" "0|0" \
	"$(q "SELECT (SELECT count(*) FROM itemdup.model_runs) || '|' || (SELECT count(*) FROM itemdup.model_institutions)")"
check_eq "the version-7 results are still published" "1|I1 I2" \
	"$(q "SELECT p.run_id, (SELECT string_agg(item_id, ' ' ORDER BY item_id) FROM itemdup.current_group_items) FROM itemdup.published p")"
link='{"institution":{"institution_id":"ins_1"},"accounts":[{"name":"Total Checking","mask":"1111"},{"name":"Savings","mask":"2222"}]}'
rc=$(printf '%s' "$link" | "$ITEMDUP" check --owner u1 --environment production >/dev/null 2>"$WORK/err"; echo $?)
check "check before the next run: exit 1, no published run with a model yet" \
	bash -c "[ $rc = 1 ] && grep -q 'no published run with a model yet: run itemdup run first' '$WORK/err'"
check "explain of the grouped pair: the group stands, the model is missing" \
	bash -c "'$ITEMDUP' explain I1 I2 >'$WORK/ex.out' 2>'$WORK/ex.err'; [ \$? = 0 ] && grep -q 'no published run has a model' '$WORK/ex.err' && grep -q 'I1' '$WORK/ex.out'"
check_eq "run after the upgrade exits 0" 0 "$(run_rc run)"
rc=$(printf '%s' "$link" | "$ITEMDUP" check --owner u1 --environment production >/dev/null 2>"$WORK/err"; echo $?)
check_eq "... then check finds the re-link (exit 2) in the packed model" 2 "$rc"

# foreign keys to runs: only model_runs and published (one row each) keep one
check_eq "no result table has a per-row foreign key to runs" "model_runs,published" \
	"$(q "SELECT string_agg(conrelid::regclass::text, ',' ORDER BY conrelid::regclass::text) FROM pg_constraint WHERE contype = 'f' AND confrelid = 'itemdup.runs'::regclass" | sed 's/itemdup\.//g')"
orphans() {
	q "SELECT (SELECT count(*) FROM itemdup.result_groups x WHERE NOT EXISTS (SELECT 1 FROM itemdup.runs r WHERE r.run_id = x.run_id))
	        + (SELECT count(*) FROM itemdup.result_group_items x WHERE NOT EXISTS (SELECT 1 FROM itemdup.runs r WHERE r.run_id = x.run_id))
	        + (SELECT count(*) FROM itemdup.result_pairs x WHERE NOT EXISTS (SELECT 1 FROM itemdup.runs r WHERE r.run_id = x.run_id))
	        + (SELECT count(*) FROM itemdup.result_near_misses x WHERE NOT EXISTS (SELECT 1 FROM itemdup.runs r WHERE r.run_id = x.run_id))
	        + (SELECT count(*) FROM itemdup.result_score_bins x WHERE NOT EXISTS (SELECT 1 FROM itemdup.runs r WHERE r.run_id = x.run_id))
	        + (SELECT count(*) FROM itemdup.rejects x WHERE NOT EXISTS (SELECT 1 FROM itemdup.runs r WHERE r.run_id = x.run_id))"
}
rows_of() { q "SELECT (SELECT count(*) FROM itemdup.result_groups WHERE run_id = $1) + (SELECT count(*) FROM itemdup.result_group_items WHERE run_id = $1) + (SELECT count(*) FROM itemdup.result_pairs WHERE run_id = $1) + (SELECT count(*) FROM itemdup.rejects WHERE run_id = $1)"; }
check_eq "run 1 has rows in the result tables before it is deleted" 5 "$(rows_of 1)"
q "DELETE FROM itemdup.runs WHERE run_id = 1"
check_eq "deleting a run by hand deletes its rows from every result table (rejects included)" "0|0" "$(rows_of 1)|$(orphans)"
check "... and leaves the published run's rows" bash -c "[ \"\$(psql -X -Atq -c \"SELECT count(*) FROM itemdup.current_group_items\")\" -gt 0 ]"
for _ in 1 2 3; do run_rc run --keep-runs 1 >/dev/null; done
check_eq "--keep-runs 1 pruned the older runs (of 2..5 only the published one is left)" 5 "$(q "SELECT string_agg(run_id::text, ',') FROM itemdup.runs")"
check_eq "... and no result row of a pruned run is left" 0 "$(orphans)"

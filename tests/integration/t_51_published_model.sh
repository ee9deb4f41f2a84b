# the published run carries its model and account index; model_runs holds
# the published run's only; the packed rows of the one before it stay in the
# other generation (sql/011) until the next publishing run empties it as
# its read begins (sql/012); a dry run leaves the model tables as they were,
# a failed publish the published model and its generation.
plan 11
run_rc migrate >/dev/null
load_fixture basic
load_fixture model_unpack
check_eq "run exits 0" 0 "$(run_rc run)"
# the packed rows (sql/009) read back by the SQL decoder of fixtures/model_unpack.sql
# model(): the runs in the key buckets | Items of the model | model_runs as run:gen
model() { q "SELECT (SELECT string_agg(run_id::text, ',' ORDER BY run_id) FROM (SELECT DISTINCT run_id FROM itemdup.model_key_buckets) d) || '|' || (SELECT count(*) FROM itemdup.model_runs m, modeltest.items(m.run_id)) || '|' || (SELECT string_agg(run_id || ':' || gen, ',' ORDER BY run_id) FROM itemdup.model_runs)"; }
check_eq "model rows of run 1, generation 0: keys, items (every live keyed item: 13), meta" "1|13|1:0" "$(model)"
check_eq "institution counts: ins_1 has I1 I2 N1 N2 S1 (+E1: N counts every environment)" "6" \
	"$(q "SELECT items FROM itemdup.model_institutions WHERE institution_id = 'ins_1'")"
check_eq "a key keeps its normalised name, counts and items" "total checking|1111|2|2" \
	"$(q "SELECT name, mask, key_items, array_length(items, 1) FROM itemdup.model_runs m, modeltest.keys(m.run_id) WHERE env = 2 AND name = 'total checking' AND mask = '1111'")"
check_eq "second run exits 0" 0 "$(run_rc run)"
check_eq "only the published run's model is in model_runs, in generation 1; run 1's rows stay in generation 0" "1,2|13|2:1" "$(model)"
check_eq "a dry run exits 0" 0 "$(run_rc run --dry-run)"
check_eq "... and leaves the model tables alone" "1,2|13|2:1" "$(model)"
rc=$( (ITEMDUP_FAILPOINT=publish_after_model "$ITEMDUP" run >/dev/null 2>&1; echo $?) 2>/dev/null)
wait_backend_gone
check_eq "killed after writing the new model into generation 0, before commit: run 2's model as it was (run 1's rows, which no reader reads, emptied as the run began: sql/012)" \
	"2|13|2:1" "$(model)"
check_eq "... and the published run too" "2" "$(q "SELECT run_id FROM itemdup.published")"
check_eq "the next run takes generation 0 again: run 1's rows gone, run 2's left in generation 1" \
	"0|2,5|13|5:0" "$(run_rc run)|$(model)"

# bounded waits: a results table held in ACCESS EXCLUSIVE makes the run fail
# within --lock-timeout (exit 1, nothing published, no idle transaction left);
# a result table another session vacuums (SHARE UPDATE EXCLUSIVE) when the
# run has committed is left out of its statistics, never waited for
# (sql/010, docs/OPERATIONS.md "A run, step by step", step 9)
plan 17
run_rc migrate >/dev/null
load_fixture basic
check_eq "baseline run exits 0" 0 "$(run_rc run)"
published=$(q "SELECT run_id FROM itemdup.published")
psql -X -q -c "BEGIN; LOCK TABLE itemdup.result_groups IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(8); COMMIT" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 1 50); do
	[ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'result_groups' AND l.mode = 'AccessExclusiveLock' AND l.granted")" = 1 ] && break
	sleep 0.1
done
start=$(date +%s.%N)
check_eq "run against a locked results table exits 1" 1 "$(run_rc run --lock-timeout 1s)"
elapsed=$(python3 -c "print($(date +%s.%N) - $start)")
check "... within a few seconds of --lock-timeout 1s" python3 -c "import sys; sys.exit(0 if float('$elapsed') < 5 else 1)"
check "... saying it was a lock timeout" grep -q 'lock timeout' "$WORK/err"
check_eq "... marked failed" "failed" "$(q "SELECT status FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")"
check_eq "... no itemdup session left behind" "0" "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'itemdup'")"
wait $holder
check_eq "... nothing published" "$published" "$(q "SELECT run_id FROM itemdup.published")"
check_eq "a statement timeout bounds a slow source too" 1 "$(load_fixture slow; run_rc run --source app.slow_items --statement-timeout 1s)"
check "... saying so" grep -q 'statement timeout' "$WORK/err"

# the statistics after the commit (sql/010)
# autovacuum kept off the result tables, so that only this test's lock holds one
for t in runs published rejects result_groups result_group_items result_pairs result_near_misses result_score_bins; do
	q "ALTER TABLE itemdup.$t SET (autovacuum_enabled = off)"
done
for _ in $(seq 1 100); do
	[ "$(q "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND query LIKE '%itemdup.%'")" = 0 ] && break
	sleep 0.1
done
analyzed() { q "SELECT coalesce(extract(epoch FROM last_analyze)::text, 'never') FROM pg_stat_user_tables WHERE relid = 'itemdup.$1'::regclass"; }
check_eq "a run exits 0" 0 "$(run_rc run)"
rid=$(q "SELECT run_id FROM itemdup.published")
check "... and analyzes the result tables: each has statistics" test \
	"$(q "SELECT count(*) FROM pg_stat_user_tables WHERE schemaname = 'itemdup' AND last_analyze IS NOT NULL AND relname IN ('runs','published','rejects','result_groups','result_group_items','result_pairs','result_near_misses','result_score_bins')")" = 8
check_eq "... the planner knows the new run (its run_id among result_groups' most common values)" t \
	"$(q "SELECT $rid::text = ANY (most_common_vals::text::text[]) FROM pg_stats WHERE schemaname = 'itemdup' AND tablename = 'result_groups' AND attname = 'run_id'")"
groups_before=$(analyzed result_groups)
pairs_before=$(analyzed result_pairs)
psql -X -q -c "BEGIN; LOCK TABLE itemdup.result_pairs IN SHARE UPDATE EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT" >/dev/null 2>&1 &
holder=$!
held() { q "SELECT count(*) FROM pg_locks l WHERE l.relation = 'itemdup.result_pairs'::regclass AND l.mode = 'ShareUpdateExclusiveLock' AND l.granted"; }
for _ in $(seq 1 50); do [ "$(held)" = 1 ] && break; sleep 0.1; done
check_eq "with result_pairs held as a VACUUM holds it, a run exits 0" 0 "$(run_rc run --lock-timeout 30s)"
check_eq "... while the lock is still held (not waited for, not cancelled)" 1 "$(held)"
check "... naming the table it did not analyze" grep -q 'statistics of itemdup.result_pairs not refreshed: held by another session' "$WORK/err"
check "... the others analyzed (result_groups: $groups_before -> $(analyzed result_groups))" \
	python3 -c "import sys; sys.exit(0 if float('$(analyzed result_groups)') > float('$groups_before') else 1)"
check_eq "... result_pairs left as it was" "$pairs_before" "$(analyzed result_pairs)"
q "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE relation = 'itemdup.result_pairs'::regclass AND mode = 'ShareUpdateExclusiveLock'" >/dev/null
wait $holder 2>/dev/null || true

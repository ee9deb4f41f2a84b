# bounded waits: a results table held in ACCESS EXCLUSIVE makes the run fail
# within --lock-timeout (exit 1, nothing published, no idle transaction left)
plan 9
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

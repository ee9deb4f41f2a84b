# one publishing run at a time (75), a killed run leaves the published results
# intact and is marked abandoned, SIGTERM cancels cleanly, backfills do not block
plan 22
run_rc migrate >/dev/null
load_fixture basic
load_fixture slow
check_eq "first run exits 0" 0 "$(run_rc run)"
before=$(current_groups)
before_run=$(q "SELECT run_id FROM itemdup.published")

# wait_running — until a run is registered as running
wait_running() {
	for _ in $(seq 1 100); do
		[ "$(q "SELECT count(*) FROM itemdup.runs WHERE status = 'running'")" -ge 1 ] && return 0
		sleep 0.1
	done
	return 1
}

# a slow run holds the publish lock: a second run exits 75 at once
"$ITEMDUP" run --source app.slow_items >"$WORK/slow.out" 2>"$WORK/slow.err" &
slow=$!
check "slow run registered" wait_running
check_eq "second concurrent run exits 75" 75 "$(run_rc run)"
check "... saying the lock is held" grep -q 'holds the publish lock' "$WORK/err"
check_eq "... and registers no run of its own" 1 "$(q "SELECT count(*) FROM itemdup.runs WHERE status = 'running'")"
check_eq "a backfill (not publishing) is not blocked by the nightly run" 0 "$(run_rc run --kind backfill)"
check_eq "... and does not change the published run" "$before_run" "$(q "SELECT run_id FROM itemdup.published")"

# SIGKILL mid-read: nothing published, previous results intact
kill -9 $slow
wait $slow 2>/dev/null
check "killed job's backend goes away" wait_backend_gone
check_eq "published run unchanged after SIGKILL" "$before_run" "$(q "SELECT run_id FROM itemdup.published")"
check_eq "current groups unchanged after SIGKILL" "$before" "$(current_groups)"
killed=$(q "SELECT run_id FROM itemdup.runs WHERE status = 'running'")
check_eq "next run exits 0" 0 "$(run_rc run)"
check_eq "the killed run is marked abandoned" "abandoned" "$(q "SELECT status FROM itemdup.runs WHERE run_id = ${killed:-0}")"
check_eq "no run left running" 0 "$(q "SELECT count(*) FROM itemdup.runs WHERE status = 'running'")"
check_eq "same groups after recovery" "$before" "$(current_groups)"

# SIGTERM: exit 1, run failed, nothing published
published=$(q "SELECT run_id FROM itemdup.published")
"$ITEMDUP" run --source app.slow_items >"$WORK/term.out" 2>"$WORK/term.err" &
slow=$!
check "slow run registered again" wait_running
sleep 0.5
kill -TERM $slow
wait $slow
check_eq "SIGTERM: exit 1" 1 "$?"
check_eq "SIGTERM: run marked failed, interrupted" "failed|t" "$(q "SELECT status, error LIKE '%interrupted%' FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")"
check_eq "SIGTERM: published run unchanged" "$published" "$(q "SELECT run_id FROM itemdup.published")"
check "SIGTERM: sanitizers quiet" bash -c "! grep -qE 'Sanitizer|runtime error' '$WORK/term.err'"

# a lock held elsewhere: --lock-wait waits, then 75
q "SELECT 1" >/dev/null
psql -X -q -c "SELECT pg_advisory_lock($((0x49445550)), 1); SELECT pg_sleep(3)" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 1 50); do
	[ "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = $((0x49445550)) AND objid = 1 AND granted")" = 1 ] && break
	sleep 0.1
done
start=$(date +%s)
check_eq "--lock-wait 1 still finds the lock held: 75" 75 "$(run_rc run --lock-wait 1)"
check "... after waiting about a second" test $(( $(date +%s) - start )) -ge 1
wait $holder
check_eq "lock released with its session: run exits 0" 0 "$(run_rc run)"

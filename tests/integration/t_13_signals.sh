# SIGINT/SIGTERM at any moment — connect, lock wait, read, match, group,
# before and inside publish — end the job with exit 1 (never 0 or 75) and
# publish nothing.  From step 4 on the run is marked failed ("interrupted by
# a signal"); before it no run is registered.  The test build's pause points
# (ITEMDUP_PAUSEPOINT, 3 s, ended early by the signal) put the job exactly
# there: between steps, inside the match and grouping loops, inside the
# COPY OUT of the read and between the COPYs of the publish.  A second
# signal kills; migrate, report and explain exit 1 on a signal too.
plan 103
run_rc migrate >/dev/null
load_fixture basic
check_eq "baseline run exits 0" 0 "$(run_rc run)"
# a change a successful publish would show: I9 joins {I3 I4}
q "INSERT INTO app.items VALUES ('I9','u20','production',NULL,'{\"accounts\":[{\"name\":\"Premier Checking\",\"mask\":\"3333\"}],\"item\":{\"institution_id\":\"ins_2\"}}','2024-07-01','2024-07-01',NULL)"

snapshot() {
	q "SELECT run_id FROM itemdup.published"
	q "SELECT string_agg(group_id || ':' || item_id || ':' || suggested_action, ',' ORDER BY item_id) FROM itemdup.current_group_items"
	q "SELECT string_agg(item_a || item_b || score, ',' ORDER BY item_a, item_b) FROM itemdup.current_pairs"
}
before=$(snapshot)

# wait_for FILE TEXT — until FILE holds TEXT (20 s at most: a loaded machine)
wait_for() {
	for _ in $(seq 1 400); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# signal_at POINT SIG — a run paused at POINT gets SIG; prints its exit code
signal_at() {
	local pid
	: >"$WORK/sig.err"
	ITEMDUP_PAUSEPOINT=$1 "$ITEMDUP" run --log-format text >"$WORK/sig.out" 2>"$WORK/sig.err" &
	pid=$!
	wait_for "$WORK/sig.err" "pausepoint $1" || echo "  (pause point $1 never reached)" >&2
	kill -"$2" "$pid" 2>/dev/null
	wait "$pid"
	echo $?
}

# before the run is registered: exit 1, no run row, nothing left running
for point in before_connect after_connect after_lock after_abandon; do
	for sig in TERM INT; do
		runs=$(q "SELECT count(*) FROM itemdup.runs")
		check_eq "SIG$sig at $point: exit 1" 1 "$(signal_at $point $sig)"
		check_eq "SIG$sig at $point: no run registered, none running" "$runs|0" \
			"$(q "SELECT count(*), count(*) FILTER (WHERE status = 'running') FROM itemdup.runs")"
		check_eq "SIG$sig at $point: published results exactly as before" "$before" "$(snapshot)"
	done
done

# from step 4 on: exit 1, the run marked failed as interrupted, nothing published
for point in after_register mid_read after_read in_match after_match in_group after_group \
		publish_after_groups publish_after_pairs publish_before_commit; do
	for sig in TERM INT; do
		check_eq "SIG$sig at $point: exit 1" 1 "$(signal_at $point $sig)"
		check_eq "SIG$sig at $point: run failed, interrupted, none running" "failed|t|0" \
			"$(q "SELECT status, error LIKE 'interrupted by a signal%' OR error LIKE '%: interrupted by a signal%', (SELECT count(*) FROM itemdup.runs WHERE status = 'running') FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")"
		check_eq "SIG$sig at $point: published results exactly as before" "$before" "$(snapshot)"
	done
done
check "the failed runs' logs say interrupted" grep -q 'interrupted by a signal' "$WORK/sig.err"

# waiting for the lock (--lock-wait): a signal is a failure (1), never "locked" (75)
psql -X -q -c "SELECT pg_advisory_lock($((0x49445550)), 1); SELECT pg_sleep(20)" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 1 50); do
	[ "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = $((0x49445550)) AND objid = 1 AND granted")" = 1 ] && break
	sleep 0.1
done
for sig in TERM INT; do
	runs=$(q "SELECT count(*) FROM itemdup.runs")
	: >"$WORK/lw.err"
	"$ITEMDUP" run --lock-wait 60 --log-format text >/dev/null 2>"$WORK/lw.err" &
	pid=$!
	wait_for "$WORK/lw.err" "STEP 2 lock"
	sleep 1.2		# inside the wait loop: a try, then sleep(1)
	start=$(date +%s)
	kill -"$sig" $pid
	wait $pid
	rc=$?
	check_eq "SIG$sig during --lock-wait: exit 1, not 75" 1 "$rc"
	check "SIG$sig during --lock-wait: stops at once (< 3 s)" test $(( $(date +%s) - start )) -lt 3
	check "SIG$sig during --lock-wait: says interrupted" grep -q 'interrupted by a signal' "$WORK/lw.err"
	check_eq "SIG$sig during --lock-wait: no run registered" "$runs" "$(q "SELECT count(*) FROM itemdup.runs")"
done
kill $holder 2>/dev/null
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(20)%' AND pid <> pg_backend_pid()" >/dev/null
wait $holder 2>/dev/null
check_eq "published results exactly as before after every signal" "$before" "$(snapshot)"

# a second signal kills (the default action is back after the first)
ITEMDUP_PAUSEPOINT=after_match "$ITEMDUP" run --log-format text >/dev/null 2>"$WORK/two.err" &
pid=$!
wait_for "$WORK/two.err" "pausepoint after_match"
kill -INT $pid; kill -TERM $pid
wait $pid
check_eq "SIGINT then SIGTERM: the second signal kills (143)" 143 "$?"
check_eq "... publishing nothing" "$before" "$(snapshot)"

# the other commands: a signal is exit 1, never 0 and never a death by signal
psql -X -q -c "SELECT pg_advisory_lock($((0x49445550)), 3); SELECT pg_sleep(20)" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 1 50); do
	[ "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = $((0x49445550)) AND objid = 3 AND granted")" = 1 ] && break
	sleep 0.1
done
"$ITEMDUP" migrate --lock-wait 60 --log-format text >/dev/null 2>"$WORK/mig.err" &
pid=$!
wait_for "$WORK/mig.err" "STEP 2 lock"
sleep 1.2
kill -TERM $pid
wait $pid
check_eq "migrate: SIGTERM while waiting for its lock exits 1" 1 "$?"
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(20)%' AND pid <> pg_backend_pid()" >/dev/null
wait $holder 2>/dev/null

rm -f "$WORK/rep.txt"
ITEMDUP_PAUSEPOINT=report_before_output "$ITEMDUP" report --output "$WORK/rep.txt" --log-format text >/dev/null 2>"$WORK/rep.err" &
pid=$!
wait_for "$WORK/rep.err" "pausepoint report_before_output"
kill -INT $pid
wait $pid
check_eq "report: SIGINT exits 1" 1 "$?"
check "... and writes no --output file" test ! -e "$WORK/rep.txt"

ITEMDUP_PAUSEPOINT=explain_after_connect "$ITEMDUP" explain I1 --log-format text >"$WORK/ex.out" 2>"$WORK/ex.err" &
pid=$!
wait_for "$WORK/ex.err" "pausepoint explain_after_connect"
kill -TERM $pid
wait $pid
check_eq "explain: SIGTERM exits 1" 1 "$?"
check_eq "... and prints nothing" "0" "$(wc -c <"$WORK/ex.out")"

# and the job still works
check_eq "next run exits 0 and publishes the change" "0|I3 I4 I9" "$(run_rc run)|$(q "SELECT string_agg(item_id, ' ' ORDER BY item_id) FROM itemdup.current_group_items WHERE group_id = (SELECT group_id FROM itemdup.current_group_items WHERE item_id = 'I3')")"

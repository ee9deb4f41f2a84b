# a run SIGKILLed at every named point, or whose backend is terminated mid-read
# and mid-COPY-in, publishes nothing and leaves the published run exactly as
# it was; the next run marks it abandoned and succeeds
plan 49
run_rc migrate >/dev/null
load_fixture basic
load_fixture slow
check_eq "baseline run exits 0" 0 "$(run_rc run)"
# a change a successful publish would show: I9 joins {I3 I4}
q "INSERT INTO app.items VALUES ('I9','u20','production',NULL,'{\"accounts\":[{\"name\":\"Premier Checking\",\"mask\":\"3333\"}],\"item\":{\"institution_id\":\"ins_2\"}}','2024-07-01','2024-07-01',NULL)"

snapshot() {
	q "SELECT run_id FROM itemdup.published"
	q "SELECT string_agg(group_id || ':' || item_id || ':' || suggested_action, ',' ORDER BY item_id) FROM itemdup.current_group_items"
	q "SELECT string_agg(item_a || item_b || score, ',' ORDER BY item_a, item_b) FROM itemdup.current_pairs"
	q "SELECT string_agg(group_id || ':' || size, ',' ORDER BY group_id) FROM itemdup.current_groups"
}
before=$(snapshot)
for fp in after_connect after_lock after_abandon after_register mid_read after_read after_match \
		after_group publish_after_groups publish_after_pairs publish_before_commit; do
	rc=$( (ITEMDUP_FAILPOINT=$fp "$ITEMDUP" run >"$WORK/fp.out" 2>"$WORK/fp.err"; echo $?) 2>/dev/null)
	check_eq "killed at $fp (SIGKILL, 137)" 137 "$rc"
	check "$fp: its backend goes away" wait_backend_gone
	check_eq "$fp: published results exactly as before" "$before" "$(snapshot)"
done
# each run abandons the killed one before it: one is left running
check_eq "only the last killed run is still marked running" 1 "$(q "SELECT count(*) FROM itemdup.runs WHERE status = 'running'")"
check_eq "next run exits 0" 0 "$(run_rc run)"
check_eq "all 8 killed registered runs are now abandoned" "8|0" "$(q "SELECT count(*) FILTER (WHERE status = 'abandoned'), count(*) FILTER (WHERE status = 'running') FROM itemdup.runs")"
check_eq "the new run published the change" "I3 I4 I9" "$(q "SELECT string_agg(item_id, ' ' ORDER BY item_id) FROM itemdup.current_group_items WHERE group_id = (SELECT group_id FROM itemdup.current_group_items WHERE item_id = 'I3')")"

# killed right after its commit: the run is published whole
q "INSERT INTO app.items VALUES ('I8','u21','production',NULL,'{\"accounts\":[{\"name\":\"Premier Checking\",\"mask\":\"3333\"}],\"item\":{\"institution_id\":\"ins_2\"}}','2024-07-02','2024-07-02',NULL)"
rc=$( (ITEMDUP_FAILPOINT=after_publish "$ITEMDUP" run >/dev/null 2>&1; echo $?) 2>/dev/null)
check_eq "killed after its commit (137)" 137 "$rc"
check_eq "killed after its commit: the run succeeded and is published" "succeeded|t" "$(q "SELECT status, run_id = (SELECT run_id FROM itemdup.published) FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")"
check_eq "... with all its results" "1" "$(q "SELECT count(*) FROM itemdup.current_group_items WHERE item_id = 'I8'")"

# the server ends the job's session mid-read and mid-COPY-in
terminate_itemdup() {
	for _ in $(seq 1 50); do
		n=$(q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'itemdup'")
		[ "$n" -ge 1 ] && return 0
		sleep 0.1
	done
	return 1
}
before=$(snapshot)
"$ITEMDUP" run --source app.slow_items >"$WORK/t.out" 2>"$WORK/t.err" &
pid=$!
sleep 1.5
check "terminated mid-read" terminate_itemdup
wait $pid
check_eq "terminated mid-read: exit 1" 1 "$?"
check_eq "terminated mid-read: published results exactly as before" "$before" "$(snapshot)"
check "... logged without payload content" bash -c "! grep -q 'accounts' '$WORK/t.err'"
ITEMDUP_PAUSEPOINT=publish_after_groups "$ITEMDUP" run >"$WORK/t.out" 2>"$WORK/t.err" &
pid=$!
for _ in $(seq 1 50); do grep -q pausepoint "$WORK/t.err" && break; sleep 0.1; done
check "terminated mid-COPY-in" terminate_itemdup
wait $pid
check_eq "terminated mid-COPY-in: exit 1" 1 "$?"
check_eq "terminated mid-COPY-in: published results exactly as before" "$before" "$(snapshot)"
check_eq "next run exits 0 and leaves nothing running" "0|0" "$(run_rc run)|$(q "SELECT count(*) FROM itemdup.runs WHERE status = 'running'")"

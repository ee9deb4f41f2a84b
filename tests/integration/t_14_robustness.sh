# robustness found in review: a failed COPY IN is ended with PQputCopyEnd
# (the run is then marked failed on the same connection), run ids past
# 2^31 and 2^32 (advisory-lock keys), an EXPLAIN estimate that fails
# outside the read transaction, and the sanitizers' distinct exit code
plan 17
run_rc migrate >/dev/null
load_fixture basic
check_eq "baseline run exits 0" 0 "$(run_rc run)"
published=$(q "SELECT run_id FROM itemdup.published")

# a COPY whose data cannot be sent (test hook: the first put fails as on a
# broken connection — the results' or the model's, whichever comes first):
# the COPY is ended as failed, not left open under a ROLLBACK, so the same
# connection records the failed run
check_eq "a failed COPY put: exit 1" 1 "$(ITEMDUP_COPY_PUT_FAIL=1 run_rc run)"
check_eq "... the run is marked failed with the COPY error" "failed|t" \
	"$(q "SELECT status, error ~ '^publishing failed: (writing the published model failed: )?sending COPY data failed' FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")"
check "... on the same connection (no 'could not mark')" bash -c "! grep -q 'could not mark run' '$WORK/err'"
check_eq "... nothing published" "$published" "$(q "SELECT run_id FROM itemdup.published")"

# run ids beyond int4: the run lock key must not cast bigint to int4
q "SELECT setval(pg_get_serial_sequence('itemdup.runs', 'run_id'), 2147483650)" >/dev/null
check_eq "a run with run_id 2^31 + 3 exits 0" 0 "$(run_rc run)"
check_eq "... succeeded and published" "2147483651|succeeded" "$(q "SELECT p.run_id, r.status FROM itemdup.published p JOIN itemdup.runs r USING (run_id)")"
rc=$( (ITEMDUP_FAILPOINT=after_register "$ITEMDUP" run >/dev/null 2>&1; echo $?) 2>/dev/null)
check_eq "a run past 2^31 killed after registering (137)" 137 "$rc"
check "... its backend goes away" wait_backend_gone
check_eq "the next run exits 0" 0 "$(run_rc run)"
check_eq "... and marks the killed one abandoned (its lock is free)" "abandoned" "$(q "SELECT status FROM itemdup.runs WHERE run_id = 2147483652")"
q "SELECT setval(pg_get_serial_sequence('itemdup.runs', 'run_id'), 4294967300)" >/dev/null
ITEMDUP_PAUSEPOINT=after_register "$ITEMDUP" run --log-format text >/dev/null 2>"$WORK/big.err" &
pid=$!
for _ in $(seq 1 100); do grep -q pausepoint "$WORK/big.err" && break; sleep 0.05; done
# key (0x49445552 + 0x100 + high 32 bits, low 32 bits) = (0x49445653, 5), objsubid 2 = two int4
check_eq "run 2^32 + 5 holds its own run lock key while running" "1" \
	"$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = $((0x49445653)) AND objid = 5 AND objsubid = 2 AND granted")"
wait $pid
check_eq "... and exits 0" 0 "$?"

# the row estimate for progress (EXPLAIN) fails: a warning, the read goes on
q "CREATE FUNCTION app.no_explain() RETURNS bool IMMUTABLE LANGUAGE plpgsql AS \$\$ BEGIN IF current_query() ILIKE 'EXPLAIN%' THEN RAISE EXCEPTION 'this view cannot be explained'; END IF; RETURN true; END \$\$"
q "CREATE VIEW app.no_explain_items AS SELECT * FROM app.items WHERE app.no_explain()"
check_eq "a source whose EXPLAIN fails still runs (exit 0)" 0 "$(run_rc run --source app.no_explain_items)"
check "... with a warning that the estimate is missing" grep -q 'no row estimate for progress' "$WORK/err"

# a memory error must never pass for the job's own failure (exit 1)
rc_ok=$(run_rc run --source app.no_explain_items)
ITEMDUP_SANITIZER_SELFTEST=after_connect "$ITEMDUP" run --log-format text >/dev/null 2>"$WORK/san.err"
rc=$?
check_eq "a heap overflow in the job exits 86, not 1 (ASAN_OPTIONS exitcode)" "0|86" "$rc_ok|$rc"
check "... with the sanitizer's report" grep -q 'AddressSanitizer: heap-buffer-overflow' "$WORK/san.err"

# lib.sh — helpers for the integration tests (sourced).
# PASS/FAIL/SKIP lines go to $RESULTS; every check prints its outcome.
# Each file starts with "plan N", the number of checks it records (pass,
# fail or skip); run.sh fails a file whose count differs (a check that
# silently did not run is a failure, as in pgBackRest's harness).

plan() { echo "PLAN $TEST_NAME: $1" >>"$RESULTS"; }
pass() { echo "PASS $TEST_NAME: $1" >>"$RESULTS"; echo "  ok   $1"; }
fail() { echo "FAIL $TEST_NAME: $1" >>"$RESULTS"; echo "  FAIL $1${2:+ — $2}"; }
# skip DESC [WHY] — a check that could not run here: counted, never a pass
skip() { echo "SKIP $TEST_NAME: $1" >>"$RESULTS"; echo "  SKIP $1${2:+ — $2}"; }

# The sanitizers' own exit code (run.sh sets ASAN_OPTIONS/UBSAN_OPTIONS): a
# memory error never passes for the job's failure (1).
SANITIZER_EXIT=86

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "expected [$2], got [$3]"; fi
}

# check DESC COMMAND... — passes when the command succeeds
check() {
	local desc=$1; shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# q SQL — one psql command, unaligned, tuples only
q() { psql -X -Atq -v ON_ERROR_STOP=1 -c "$1"; }

# itemdup ARGS... — the binary under test, text logs to $WORK/$TEST_NAME.log
idup() {
	"$ITEMDUP" "$@" --log-format text 2>>"$WORK/$TEST_NAME.err"
}

# run_rc ARGS... — exit code of an itemdup command (stdout to $WORK/out);
# a sanitizer exit is also recorded as a failure of its own
run_rc() {
	local rc
	: >"$WORK/err"
	"$ITEMDUP" "$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	[ $rc -eq $SANITIZER_EXIT ] && fail "sanitizer report (exit $rc) from: itemdup $*"
	echo $rc
}

# sanitizer reports in the last command's stderr are failures of their own
no_sanitizer_report() {
	! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$WORK/err"
}

# load_fixture NAME — tests/integration/fixtures/NAME.sql
load_fixture() { psql -X -q -v ON_ERROR_STOP=1 -f "tests/integration/fixtures/$1.sql" >/dev/null; }

# load_jsonb_mix N SEED — one jsonb source, sample.items: N generator Items
# (seed SEED), the basic fixture's rows and every hostile row jsonb accepts
load_jsonb_mix() {
	load_fixture basic
	load_fixture hostile
	"$ITEMDUP_GEN" --items "$1" --seed "$2" --out "$WORK/mix$2" 2>/dev/null
	chmod -R a+rX "$WORK/mix$2"
	scripts/load-sample.sh "$WORK/mix$2" >/dev/null 2>&1
	q "INSERT INTO sample.items SELECT * FROM app.items"
	q "DO \$\$ DECLARE r record; BEGIN
	     FOR r IN SELECT * FROM h.items_text LOOP
	       BEGIN
	         INSERT INTO sample.items VALUES (r.item_id, r.owner_id, r.environment, r.institution_id,
	           r.payload::jsonb, r.created_at, r.updated_at, r.removed_at);
	       EXCEPTION WHEN others THEN NULL;
	       END;
	     END LOOP; END \$\$"
}

# the groups of the published run as "item item ...;item item" sorted
current_groups() {
	q "SELECT string_agg(m, ';' ORDER BY m) FROM (SELECT string_agg(item_id, ' ' ORDER BY item_id COLLATE \"C\") m FROM itemdup.current_group_items GROUP BY group_id) s"
}

# wait_backend_gone — until no itemdup backend is connected (killed jobs)
wait_backend_gone() {
	for _ in $(seq 1 100); do
		[ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'itemdup'")" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# plan N — each test file declares its number of checks; a no-op until the
# runner's check of it is merged
declare -F plan >/dev/null || plan() { :; }

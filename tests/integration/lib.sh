# lib.sh — helpers for the integration tests (sourced).
# PASS/FAIL lines go to $RESULTS; every check prints its outcome.

pass() { echo "PASS $TEST_NAME: $1" >>"$RESULTS"; echo "  ok   $1"; }
fail() { echo "FAIL $TEST_NAME: $1" >>"$RESULTS"; echo "  FAIL $1${2:+ — $2}"; }

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

# run_rc ARGS... — exit code of an itemdup command (stdout to $WORK/out)
run_rc() {
	: >"$WORK/err"
	"$ITEMDUP" "$@" >"$WORK/out" 2>"$WORK/err"
	echo $?
}

# sanitizer reports in the last command's stderr are failures of their own
no_sanitizer_report() {
	! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$WORK/err"
}

# load_fixture NAME — tests/integration/fixtures/NAME.sql
load_fixture() { psql -X -q -v ON_ERROR_STOP=1 -f "tests/integration/fixtures/$1.sql" >/dev/null; }

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

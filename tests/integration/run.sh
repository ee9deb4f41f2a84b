#!/bin/bash
# run.sh — integration tests against a throwaway PostgreSQL started here
# and stopped on any exit (failure, Ctrl-C included).  Each t_*.sh runs in
# its own database and declares its number of checks first ("plan N"); a
# file without a plan or with another count fails.  Results are closed with
# the plain line "integration: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export ITEMDUP="${ITEMDUP:-$ROOT/build/san/itemdup}"
export ITEMDUP_GEN="$ROOT/build/itemdup-gen"
# sanitizers exit 86, never 1 (the job's own failure code): lib.sh's
# run_rc fails any command that exits 86; appended last so it always wins
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}:exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}:exitcode=86"
export RESULTS
RESULTS=$(mktemp /tmp/itemdup-results.XXXXXX)
export WORK
WORK=$(mktemp -d /tmp/itemdup-work.XXXXXX)
chmod 755 "$WORK"

export ITEMDUP_EXT_LIBDIR="$ROOT/ext"
eval "$(scripts/pgcluster.sh start)"
cleanup() {
	scripts/pgcluster.sh stop "$ITEMDUP_PGDIR" || true
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# arguments: run only these files (names without .sh); none: all
only=" $* "
for t in tests/integration/t_*.sh; do
	name=$(basename "$t" .sh)
	[ "$only" != "  " ] && [[ "$only" != *" $name "* ]] && continue
	db="d_${name#t_}"
	createdb "$db" || { echo "FAIL $name: createdb" >>"$RESULTS"; continue; }
	echo "== $name"
	( export PGDATABASE="$db"; export TEST_NAME="$name"; source tests/integration/lib.sh; source "$t" )
	rc=$?
	[ $rc -ne 0 ] && echo "FAIL $name: the script itself exited $rc" >>"$RESULTS"
	planned=$(grep "^PLAN $name: " "$RESULTS" | head -n 1 | sed 's/.*: //')
	ran=$(grep -cE "^(PASS|FAIL|SKIP) $name: " "$RESULTS")
	if [ -z "$planned" ]; then
		echo "FAIL $name: no plan (the file must start with plan N)" >>"$RESULTS"
	elif [ "$planned" != "$ran" ]; then
		echo "FAIL $name: planned $planned checks, ran $ran" >>"$RESULTS"
		echo "  FAIL planned $planned checks, ran $ran"
	fi
done

passed=$(grep -c '^PASS' "$RESULTS")
failed=$(grep -c '^FAIL' "$RESULTS")
skipped=$(grep -c '^SKIP' "$RESULTS")
echo
grep -E '^(FAIL|SKIP)' "$RESULTS" || true
echo "integration: $passed passed, $failed failed, $skipped skipped"
rm -f "$RESULTS"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

#!/bin/bash
# run.sh — integration tests against a throwaway PostgreSQL started here
# and stopped on any exit (failure, Ctrl-C included).  Each t_*.sh runs in
# its own database; results are counted and closed with the plain line
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export ITEMDUP="${ITEMDUP:-$ROOT/build/san/itemdup}"
export ITEMDUP_GEN="$ROOT/build/itemdup-gen"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export RESULTS
RESULTS=$(mktemp /tmp/itemdup-results.XXXXXX)
export WORK
WORK=$(mktemp -d /tmp/itemdup-work.XXXXXX)
chmod 755 "$WORK"

eval "$(scripts/pgcluster.sh start)"
cleanup() {
	scripts/pgcluster.sh stop "$ITEMDUP_PGDIR" || true
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

only="${1:-}"
for t in tests/integration/t_*.sh; do
	name=$(basename "$t" .sh)
	[ -n "$only" ] && [ "$name" != "$only" ] && continue
	db="d_${name#t_}"
	createdb "$db" || { echo "FAIL $name: createdb" >>"$RESULTS"; continue; }
	echo "== $name"
	( export PGDATABASE="$db"; export TEST_NAME="$name"; source tests/integration/lib.sh; source "$t" )
	rc=$?
	[ $rc -ne 0 ] && echo "FAIL $name: the script itself exited $rc" >>"$RESULTS"
done

passed=$(grep -c '^PASS' "$RESULTS")
failed=$(grep -c '^FAIL' "$RESULTS")
echo
grep '^FAIL' "$RESULTS" || true
echo "integration: $passed passed, $failed failed"
rm -f "$RESULTS"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

# Reports stream rows with bounded memory and never leave --output truncated
# (issue 10 point 4, report half).  many_groups holds 3,000 groups whose
# pairs carry 270 MB of evidence text: the old reports loaded all of it
# (table 610 MB peak, json 1.2 GB); streamed, the peak stays ~16 MB.
type plan >/dev/null 2>&1 || plan() { :; }
plan 15
run_rc migrate >/dev/null
load_fixture many_groups
# ASan keeps freed memory in a 256 MB quarantine by default: 1 MB here, so
# the peak is the program's own
rss_run() { ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=1" python3 tests/integration/maxrss.py "$@"; }
for f in table csv json; do
	read -r rc mb < <(rss_run "$WORK/big.$f" "$ITEMDUP" report --format "$f")
	check_eq "report --format $f of 3,000 groups exits 0" 0 "$rc"
	check "report --format $f peak RSS ${mb} MiB < 100 MiB" test "$mb" -lt 100
done
check_eq "json: every pair of every group written" "9000" "$(grep -c '"evidence"' "$WORK/big.json")"
check_eq "table: every group" "3000" "$(grep -c '^group ' "$WORK/big.table")"
check_eq "report --format json --limit 20 exits 0" 0 "$(run_rc report --format json --limit 20)"
check_eq "... parses: 20 groups of 3 pairs, cross-owner first" "20 60 cross_owner" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d["groups"]), sum(len(g["pairs"]) for g in d["groups"]), d["groups"][0]["kind"])' "$WORK/out")"

# --output: a temporary file renamed when complete; a failed report leaves
# the old file exactly as it was and no temporary file behind
F="$WORK/keep/report.json"
mkdir -p "$WORK/keep"
check_eq "a small report to --output exits 0" 0 "$(run_rc report --format json --limit 2 --output "$F")"
check "... and it parses" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$F"
printf '{"previous": "report"}\n' >"$F"
cp "$F" "$WORK/before.json"
# writes past 256 KiB fail (EFBIG; SIGXFSZ ignored): the report fails mid-way
rc=$( (trap '' XFSZ; ulimit -f 256; exec "$ITEMDUP" report --format json --output "$F" >/dev/null 2>"$WORK/err"); echo $? )
check_eq "a report that cannot be written completely exits 1" 1 "$rc"
check "... leaves the old --output file exactly as it was" cmp -s "$F" "$WORK/before.json"
check_eq "... and no temporary file" "report.json" "$(ls "$WORK/keep")"

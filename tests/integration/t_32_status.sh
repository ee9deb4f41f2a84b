plan 21
# itemdup status: 0 fresh and the last run did not fail, 1 otherwise, 69
# without a connection; text and JSON (README "Nightly cron", docs/itemdup.1)
json_field() { python3 -c "import json,sys; d=json.load(open('$WORK/out')); print(eval(sys.argv[1]))" "$1"; }

check_eq "no schema yet: exit 1" 1 "$(run_rc status)"
check "... saying so on stdout" grep -q '^itemdup status: FAIL' "$WORK/out"
check_eq "no connection: exit 69" 69 "$(run_rc status -h /nonexistent -p 1)"
check_eq "no connection, json: exit 69" 69 "$(run_rc status -h /nonexistent -p 1 --format json)"
check_eq "... still one JSON object with ok false" "False" "$(json_field 'd["ok"]')"

run_rc migrate >/dev/null
load_fixture basic
check_eq "nothing published yet: exit 1" 1 "$(run_rc status)"
check "... no run is published" grep -q 'no run is published' "$WORK/out"

check_eq "run exits 0" 0 "$(run_rc run)"
pub=$(q "SELECT run_id FROM itemdup.published")
check_eq "fresh published run: exit 0" 0 "$(run_rc status)"
check "... text says OK and names the published run" grep -qE "^published run +$pub \\(nightly\\) succeeded" "$WORK/out"
check_eq "json: exit 0" 0 "$(run_rc status --format json)"
check_eq "... ok, published run id, last run status" "True $pub succeeded" "$(json_field '" ".join([str(d["ok"]), str(d["published_run"]["run_id"]), d["last_run"]["status"]])')"

check_eq "a failed last run: exit 1" 1 "$(run_rc run --source app.no_such_view)" # the run itself
check_eq "status after a failed run: exit 1" 1 "$(run_rc status --format json)"
check_eq "... names the failed run and keeps the published one" "False failed $pub" "$(json_field '" ".join([str(d["ok"]), d["last_run"]["status"], str(d["published_run"]["run_id"])])')"
check_eq "a good run again, then status: exit 0" "0 0" "$(run_rc run) $(run_rc status)"

q "UPDATE itemdup.runs SET published_at = now() - interval '27 hours' WHERE run_id = (SELECT run_id FROM itemdup.published)"
check_eq "published 27 h ago, default --max-age 26h: exit 1" 1 "$(run_rc status)"
check "... saying how old" grep -q 'is 1d3h old (--max-age 1d2h)' "$WORK/out"
check_eq "--max-age 2d: exit 0" 0 "$(run_rc status --max-age 2d)"
check_eq "--max-age 90min: exit 1" 1 "$(run_rc status --max-age 90min)"
check "sanitizers quiet" no_sanitizer_report

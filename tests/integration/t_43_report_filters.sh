# report filters and presentation for analysts (issue 13 point 8): --kind,
# --institution, --min-score, --limit, the attention order, ISO 8601
# timestamps in JSON, scores to 3 decimals in table/csv, institution names
# from itemdup.institutions, review statuses explained.
type plan >/dev/null 2>&1 || plan() { :; }
plan 25
run_rc migrate >/dev/null
load_fixture basic
check_eq "run exits 0" 0 "$(run_rc run)"
items() {	# the item ids of a csv report, in report order
	python3 -c 'import csv,sys; print(" ".join(r["item_id"] for r in csv.DictReader(open(sys.argv[1]))))' "$WORK/out"
}
check_eq "report --format csv exits 0" 0 "$(run_rc report --format csv)"
check_eq "order: cross-owner groups first (then size, newest)" "cross_owner cross_owner same_owner same_owner" \
	"$(python3 -c 'import csv,sys
seen = []
for r in csv.DictReader(open(sys.argv[1])):
    if r["group_id"] not in [g for g, _ in seen]: seen.append((r["group_id"], r["kind"]))
print(" ".join(k for _, k in seen))' "$WORK/out")"
check "csv scores have at most 3 decimals" python3 -c '
import csv, re, sys
for r in csv.DictReader(open(sys.argv[1])):
    assert re.fullmatch(r"-?\d+(\.\d{1,3})?", r["max_score"]), r["max_score"]
    assert re.fullmatch(r"-?\d+(\.\d{1,3})?", r["min_score"]), r["min_score"]' "$WORK/out"
check_eq "--kind cross_owner" 0 "$(run_rc report --format csv --kind cross_owner)"
check_eq "... only the cross-owner members" "I3 I4 P1 P2" "$(items | tr ' ' '\n' | sort | xargs)"
check_eq "--kind same_owner" 0 "$(run_rc report --format csv --kind same_owner)"
check_eq "... only the same-owner members" "C1 I1 I2 L1" "$(items | tr ' ' '\n' | sort | xargs)"
check_eq "--institution ins_2" 0 "$(run_rc report --format csv --institution ins_2)"
check_eq "... only that institution's group" "I3 I4" "$(items)"
best=$(q "SELECT string_agg(item_id, ' ' ORDER BY item_id) FROM itemdup.current_group_items i JOIN itemdup.current_groups g USING (group_id) WHERE g.max_score >= 20")
check_eq "--min-score 20" 0 "$(run_rc report --format csv --min-score 20)"
check_eq "... only groups whose best pair scores 20 or more" "$best" "$(items | tr ' ' '\n' | sort | xargs)"
check_eq "--limit 1 --format json" 0 "$(run_rc report --format json --limit 1)"
check_eq "... one group, the first in attention order" "1 cross_owner" \
	"$(python3 -c 'import json,sys; g=json.load(open(sys.argv[1]))["groups"]; print(len(g), g[0]["kind"])' "$WORK/out")"
check "json timestamps are ISO 8601" python3 -c '
import json, re, sys
d = json.load(open(sys.argv[1]))
iso = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)")
ts = [d["run"]["started_at"], d["run"]["published_at"], d["groups"][0]["first_seen_at"]]
ts += [i["created_at"] for i in d["groups"][0]["items"]]
assert all(iso.fullmatch(t) for t in ts), ts' "$WORK/out"

# institution names (optional table, filled by the user)
q "INSERT INTO itemdup.institutions VALUES ('ins_2', 'Premier Bank')"
check_eq "report (table) exits 0" 0 "$(run_rc report)"
check "table: the name beside the id" grep -q '^group [0-9]*  production ins_2 (Premier Bank) ' "$WORK/out"
check "table: scores to 3 decimals" grep -Eq '^group .* score [0-9]+\.[0-9]{3}\.\.[0-9]+\.[0-9]{3}' "$WORK/out"
check "table: review statuses explained" grep -q 'open, confirmed (real duplicates) or dismissed (not duplicates)' "$WORK/out"
check_eq "json: institution_name" "Premier Bank" "$(run_rc report --format json --institution ins_2 >/dev/null; python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["groups"][0]["institution_name"])' "$WORK/out")"

# usage errors, before connecting
check_eq "--kind nightly on report: usage error" 64 "$(run_rc report --kind nightly)"
check_eq "--kind same_owner on run: usage error" 64 "$(run_rc run --kind same_owner)"
check_eq "--limit 0: usage error" 64 "$(run_rc report --limit 0)"
check_eq "--min-score abc: usage error" 64 "$(PGHOST=/nonexistent run_rc report --min-score abc)"
check "sanitizers quiet" no_sanitizer_report

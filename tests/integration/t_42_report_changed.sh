# report --changed and the change of each group since the previous published
# run (issue 13 point 8): new, grown, merged, split are "changed"; shrunk and
# unchanged are not.  The same scenario as t_12_run_diff.
type plan >/dev/null 2>&1 || plan() { :; }
plan 9
run_rc migrate >/dev/null
load_fixture diff
check_eq "run 1 exits 0" 0 "$(run_rc run)"
check_eq "run 1: report --changed lists every group (all new)" "6" \
	"$(run_rc report --format csv --changed >/dev/null; python3 -c 'import csv,sys; print(len({r["group_id"] for r in csv.DictReader(open(sys.argv[1]))}))' "$WORK/out")"
q "SELECT app.add('a3', 'alpha'), app.add('m1', 'bravo', 'delta'), app.add('e1', 'echo'), app.add('e2', 'echo')" >/dev/null
q "DELETE FROM app.items WHERE item_id IN ('c5', 's3')"
check_eq "run 2 exits 0" 0 "$(run_rc run)"
changes() {
	python3 -c '
import csv, sys
g = {}
for r in csv.DictReader(open(sys.argv[1])):
    g.setdefault(r["change"], set()).add(r["item_id"])
print(";".join(k + ":" + " ".join(sorted(v)) for k, v in sorted(g.items())))' "$WORK/out"
}
check_eq "report --format csv exits 0" 0 "$(run_rc report --format csv)"
check_eq "the change of every group" \
	"grown:a1 a2 a3;merged:b1 b2 d1 d2 m1;new:e1 e2;shrunk:s1 s2;split:c1 c2 c3 c4;unchanged:u1 u2" "$(changes)"
check_eq "report --changed --format csv exits 0" 0 "$(run_rc report --format csv --changed)"
check_eq "--changed: new, grown, merged, split only" \
	"grown:a1 a2 a3;merged:b1 b2 d1 d2 m1;new:e1 e2;split:c1 c2 c3 c4" "$(changes)"
check_eq "report --changed (table) exits 0" 0 "$(run_rc report --changed)"
check_eq "... five groups, each with its change on the group line" "5 1" \
	"$(echo "$(grep -c '^group ' "$WORK/out") $(grep '^group ' "$WORK/out" | grep -c ' merged ')")"

plan 13
# --keep-runs keeps the newest N runs of each status: failed runs never push
# succeeded ones out; the published run and, for each reviewed group, the
# newest run holding it are never pruned (docs/OPERATIONS.md "Keeping runs")
run_rc migrate >/dev/null
load_fixture basic
check_eq "nightly run exits 0" 0 "$(run_rc run)"
published=$(q "SELECT run_id FROM itemdup.published")
check_eq "a dry run exits 0" 0 "$(run_rc run --dry-run)"
dry=$(q "SELECT max(run_id) FROM itemdup.runs")
fails=0
for _ in $(seq 1 12); do
	[ "$(run_rc run --source app.no_such_view)" = 1 ] && fails=$((fails + 1))
done
check_eq "12 runs fail after connecting (a source that does not exist)" 12 "$fails"
check_eq "another dry run with --keep-runs 2 exits 0" 0 "$(run_rc run --dry-run --keep-runs 2)"
last=$(q "SELECT max(run_id) FROM itemdup.runs")
check_eq "the 12 failed runs did not push the older succeeded run out" "$dry" "$(q "SELECT run_id FROM itemdup.runs WHERE run_id = $dry")"
check_eq "the published run is kept" "$published" "$(q "SELECT run_id FROM itemdup.runs WHERE run_id = $published")"
check_eq "only the newest 2 failed runs are kept" "2" "$(q "SELECT count(*) FROM itemdup.runs WHERE status = 'failed'")"

# a reviewed group that dissolves: the newest run holding it stays readable
g=$(q "SELECT group_id FROM itemdup.run_group_items WHERE run_id = $last AND item_id = 'I3'")
q "SELECT itemdup.review_group($g, 'confirmed', 'shared login')" >/dev/null
q "DELETE FROM app.items WHERE item_id = 'I4'"
check_eq "a nightly run without the group exits 0" 0 "$(run_rc run --keep-runs 1)"
for _ in 1 2 3; do run_rc run --dry-run --keep-runs 1 >/dev/null; done
check_eq "the newest run holding the reviewed group is kept" "$last" "$(q "SELECT max(run_id) FROM itemdup.run_groups WHERE group_id = $g")"
check_eq "... and older runs holding it are pruned" "1" "$(q "SELECT count(*) FROM itemdup.run_groups WHERE group_id = $g")"
check_eq "succeeded runs kept: the newest, the published one, the reviewed group's" "3" "$(q "SELECT count(*) FROM itemdup.runs WHERE status = 'succeeded'")"

# the job prunes without reading group_reviews (analysts' notes)
psql -X -q -v ON_ERROR_STOP=1 -f sql/roles.sql >/dev/null 2>&1
run_rc migrate >/dev/null
q "GRANT USAGE ON SCHEMA app TO itemdup_job; GRANT SELECT ON app.items TO itemdup_job; REVOKE ALL ON itemdup.group_reviews FROM itemdup_job"
check_eq "as itemdup_job without access to group_reviews, a pruning run exits 0" 0 "$(run_rc run -U itemdup_job --source app.items --keep-runs 1)"
check_eq "... and still keeps the reviewed group's run" "$last" "$(q "SELECT max(run_id) FROM itemdup.run_groups WHERE group_id = $g")"

# options untested elsewhere: --include-removed, --created-until (and a
# window with both bounds), --max-pairs end to end, --quiet and --verbose,
# and the shape of explain --format json (its scores are not asserted)
plan 31
run_rc migrate >/dev/null
load_fixture basic
check_eq "baseline run exits 0" 0 "$(run_rc run)"
base=$(current_groups)
published=$(q "SELECT run_id FROM itemdup.published")

# --include-removed: R1 (removed, sharing I3's key) takes part
check_eq "run --include-removed exits 0" 0 "$(run_rc run --include-removed)"
check_eq "... the removed item joins {I3 I4}" "C1 L1;I1 I2;I3 I4 R1;P1 P2" "$(current_groups)"
check_eq "... only the old snapshot is skipped now" "1|t" "$(q "SELECT items_skipped, (options->>'include_removed')::bool FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")"
check_eq "without it the removed item is skipped again" "0|$base" "$(run_rc run)|$(current_groups)"
published=$(q "SELECT run_id FROM itemdup.published")

# --created-until is exclusive: I3 (2024-01-05) is in, I4 (2024-01-06) is not
check_eq "backfill --created-until exits 0" 0 "$(run_rc run --kind backfill --created-until 2024-01-06)"
bf=$(q "SELECT max(run_id) FROM itemdup.runs")
check_eq "... read only the rows created before it" "$(q "SELECT count(*) FROM app.items WHERE created_at < '2024-01-06'")" "$(q "SELECT items_read FROM itemdup.runs WHERE run_id = $bf")"
check_eq "... so {I3 I4} is not a group, {C1 L1} is" "C1 L1" "$(q "SELECT string_agg(m, ';' ORDER BY m) FROM (SELECT string_agg(item_id, ' ' ORDER BY item_id) m FROM itemdup.run_group_items WHERE run_id = $bf GROUP BY group_id) s")"
check_eq "... the window is in the run's options" "2024-01-06" "$(q "SELECT options->>'created_until' FROM itemdup.runs WHERE run_id = $bf")"
check_eq "... and the published run is untouched" "$published" "$(q "SELECT run_id FROM itemdup.published")"
check_eq "a window with both bounds exits 0" 0 "$(run_rc run --kind backfill --created-since 2024-01-05 --created-until 2024-01-07)"
bf=$(q "SELECT max(run_id) FROM itemdup.runs")
check_eq "... and finds exactly {I3 I4}" "I3 I4" "$(q "SELECT string_agg(item_id, ' ' ORDER BY item_id) FROM itemdup.run_group_items WHERE run_id = $bf")"
check_eq "a bad --created-until value is a usage error before anything is written (exit 64)" "64 $bf" "$(run_rc run --kind backfill --created-until 'not a time') $(q "SELECT max(run_id) FROM itemdup.runs")"

# --max-pairs: more candidates than the cap fail the run, naming the cap
check_eq "run --max-pairs 1 exits 1" 1 "$(run_rc run --max-pairs 1)"
check_eq "... the run is failed, its error naming --max-pairs" "failed|t" "$(q "SELECT status, error ~ '--max-pairs.?1([^0-9]|$)' FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")"
check "... and the log says so" grep -qE -- '--max-pairs.?1([^0-9]|$)' "$WORK/err"
check_eq "... nothing published" "$published" "$(q "SELECT run_id FROM itemdup.published")"

# --quiet: errors only; --verbose: debug lines with each statement and backend pid
check_eq "run --quiet exits 0" 0 "$(run_rc run --quiet --log-format text)"
check_eq "... and logs nothing" "0" "$(wc -c <"$WORK/err")"
published=$(q "SELECT run_id FROM itemdup.published")
check_eq "a failing run --quiet exits 1" 1 "$(run_rc run --quiet --log-format text --max-pairs 1)"
check "... and logs only errors, naming the cap" bash -c "grep -q -- '--max-pairs' '$WORK/err' && ! grep -qvE '^[0-9TZ:.-]+ error ' '$WORK/err'"
check_eq "run --verbose exits 0" 0 "$(run_rc run --verbose --log-format text)"
check "... logs debug lines with each statement and its backend pid" grep -qE ' debug .*\[run pid [0-9]+\] (SELECT|BEGIN|COPY)' "$WORK/err"
check "... and the info lines (steps, summary)" grep -q 'run succeeded and published' "$WORK/err"

# explain --format json: structure only (the scoring is another issue's)
check_eq "explain I1 --format json exits 0" 0 "$(run_rc explain I1 --format json)"
check "... a group with its items and pairs" python3 - "$WORK/out" <<'EOF'
import json, sys
o = json.load(open(sys.argv[1]))
assert isinstance(o["run_id"], (int, float)) and o["item_id"] == "I1", o
g = o["group"]
assert isinstance(g["group_id"], (int, float)), g
assert all(isinstance(g[k], str) for k in ("environment", "institution_id", "kind")), g
assert sorted(i["item_id"] for i in g["items"]) == ["I1", "I2"], g["items"]
assert all(isinstance(i["suggested_action"], str) for i in g["items"]), g["items"]
assert len(g["pairs"]) >= 1, g
for p in g["pairs"]:
    assert {p["item_a"], p["item_b"]} == {"I1", "I2"}, p
    assert isinstance(p["score"], (int, float)) and isinstance(p["evidence"], dict), p
EOF
check_eq "explain I1 I2 --format json (one group) exits 0" 0 "$(run_rc explain I1 I2 --format json)"
check "... grouped true, with the group" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert o["grouped"] is True and o["other_item_id"] == "I2" and isinstance(o["group"], dict), o
' "$WORK/out"
check_eq "explain I1 I3 --format json (two groups) exits 0" 0 "$(run_rc explain I1 I3 --format json)"
check "... grouped false with a reason" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert o["grouped"] is False and isinstance(o["why"], str) and o["why"], o
assert o["item_id"] == "I1" and o["other_item_id"] == "I3", o
' "$WORK/out"
check "explain of an ungrouped item --format json: group null" bash -c "[ \"\$($ITEMDUP explain D1 --format json 2>/dev/null | python3 -c 'import json,sys; o=json.load(sys.stdin); print(\"group\" in o and o[\"group\"] is None)')\" = True ]"

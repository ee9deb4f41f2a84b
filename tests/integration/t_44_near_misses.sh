# Near misses (issue 13 point 9) and the html report's new parts (point 10):
# a bounded, deterministic sample of below-threshold pairs kept per run with
# evidence, every candidate's score by bin, commented tables and views; the
# page's table of contents, group anchors, members' shared accounts, a graph
# of each 3+ group, the full score distribution with the threshold.
type plan >/dev/null 2>&1 || plan() { :; }
plan 24
run_rc migrate >/dev/null
load_fixture basic
# 30 Items of one owner sharing one account (a key that common weighs
# little: every pair a near miss) and a chain of 24 Items, each sharing one
# account with the next (one group of 24 at the default threshold)
q "INSERT INTO app.items SELECT 'n' || lpad(g::text, 2, '0'), 'bigowner', 'production', NULL,
   '{\"accounts\":[{\"name\":\"Everyday Checking\",\"mask\":\"9090\"}],\"item\":{\"institution_id\":\"ins_9\"}}',
   '2024-01-01'::timestamptz + g * interval '1 day', '2024-01-01', NULL FROM generate_series(1, 30) g"
q "INSERT INTO app.items SELECT 'k' || lpad(g::text, 2, '0'), 'chainowner', 'production', NULL,
   jsonb_build_object('accounts', jsonb_build_array(
     jsonb_build_object('name', 'Link ' || (g - 1), 'mask', (1000 + g - 1)::text),
     jsonb_build_object('name', 'Link ' || g, 'mask', (1000 + g)::text)),
     'item', jsonb_build_object('institution_id', 'ins_8')),
   '2024-01-01'::timestamptz + g * interval '1 day', '2024-01-01', NULL FROM generate_series(1, 24) g"
# --prune-margin off: every candidate scored, so the sample spans the whole
# score range (pruned, a run scores nothing below 990 here: docs/MATCHING.md "Pruning")
check_eq "run 1 with --threshold 1000 (nothing kept) exits 0" 0 "$(run_rc run --threshold 1000 --prune-margin off)"
scored=$(q "SELECT pairs_scored FROM itemdup.runs WHERE run_id = 1")
near=$(q "SELECT count(*) FROM itemdup.run_near_misses WHERE run_id = 1")
check "far more candidates than the sample keeps ($scored scored, $near kept)" test "$scored" -gt $((near + 300))
check "the sample is bounded: 100 top + at most 3 per bin ($near kept)" test "$near" -ge 100 -a "$near" -le 400
check_eq "100 of them are the top scores" 100 "$(q "SELECT count(*) FROM itemdup.run_near_misses WHERE run_id = 1 AND sampled_as = 'top'")"
check_eq "no stratified one scores above the lowest top one" 0 "$(q "SELECT count(*) FROM itemdup.run_near_misses s WHERE run_id = 1 AND sampled_as = 'stratified' AND score > (SELECT min(score) FROM itemdup.run_near_misses WHERE run_id = 1 AND sampled_as = 'top')")"
check_eq "every near miss is below the threshold and has its shared keys" 0 "$(q "SELECT count(*) FROM itemdup.run_near_misses WHERE run_id = 1 AND (score >= 1000 OR jsonb_array_length(evidence->'shared_keys') + (evidence->>'shared_persistent_ids')::int = 0)")"
check_eq "the score bins count every candidate pair" "$scored" "$(q "SELECT sum(pairs) FROM itemdup.run_score_bins WHERE run_id = 1")"
check_eq "run 2, same data and threshold, exits 0" 0 "$(run_rc run --threshold 1000 --prune-margin off)"
check_eq "the same sample (deterministic)" 0 "$(q "SELECT count(*) FROM ((SELECT item_a, item_b, sampled_as FROM itemdup.run_near_misses WHERE run_id = 1 EXCEPT SELECT item_a, item_b, sampled_as FROM itemdup.run_near_misses WHERE run_id = 2) UNION ALL (SELECT item_a, item_b, sampled_as FROM itemdup.run_near_misses WHERE run_id = 2 EXCEPT SELECT item_a, item_b, sampled_as FROM itemdup.run_near_misses WHERE run_id = 1)) d")"
check_eq "current_near_misses shows the published run's" "$near" "$(q "SELECT count(*) FROM itemdup.current_near_misses")"
check_eq "every column of the new tables and views has a comment" "" "$(q "SELECT string_agg(c.relname || '.' || a.attname, ' ') FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'itemdup' AND c.relname IN ('result_near_misses', 'result_score_bins', 'run_near_misses', 'current_near_misses', 'run_score_bins', 'institutions') AND a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL")"

# html: run 3 with the default threshold groups the 24 and the basic groups
check_eq "run 3 exits 0" 0 "$(run_rc run)"
H="$WORK/n.html"
check_eq "report --format html exits 0" 0 "$(run_rc report --format html --output "$H")"
check "a table of contents links every section" bash -c "for s in run changes scores near sizes institutions groups; do grep -q \"href=\\\"#\$s\\\"\" '$H' && grep -q \"<h2 id=\\\"\$s\\\"\" '$H' || exit 1; done"
missing=""
for g in $(q "SELECT group_id FROM itemdup.current_groups"); do
	grep -q "id=\"g$g\"" "$H" && grep -q "href=\"#g$g\"" "$H" || missing="$missing $g"
done
check_eq "every group has an anchor and a link in the index" "" "$missing"
check "members list the accounts they share (name, mask)" grep -qF '“link 1” ··1001; “link 2” ··1002' "$H"
big=$(q "SELECT group_id FROM itemdup.current_group_items WHERE item_id = 'k01'")
check "the 24-item chain has a graph: 24 nodes, a line per pair" python3 - "$H" "$big" <<'PY'
import re, sys
page, gid = open(sys.argv[1]).read(), sys.argv[2]
row = page[page.index(f'<tr id="g{gid}">'):]
row = row[:row.index("</tr>")]
svg = row[row.index("<svg"):row.index("</svg>")]
assert svg.count('class="node"') == 24, svg.count('class="node"')
assert svg.count('class="edge"') == 23, svg.count('class="edge"')
PY
check "groups of 2 have no graph" python3 - "$H" "$(q "SELECT group_id FROM itemdup.current_group_items WHERE item_id = 'I1'")" <<'PY'
import sys
page, gid = open(sys.argv[1]).read(), sys.argv[2]
row = page[page.index(f'<tr id="g{gid}">'):]
assert "<svg" not in row[:row.index("</tr>")]
PY
check "the score distribution of every scored pair marks the threshold" python3 - "$H" <<'PY'
import sys
page = open(sys.argv[1]).read()
sec = page[page.index('<h2 id="near">'):page.index('<h2 id="sizes">')]
assert '<line class="thr"' in sec and "threshold 5" in sec, sec[:500]
PY
check_eq "report --format html --run 1 (all near misses) exits 0" 0 "$(run_rc report --format html --run 1)"
check "... lists the best near misses with their evidence" grep -q 'The best near misses (.*kept with the run' "$WORK/out"
check "... each with the terms of its score" grep -Eq 'shared: “[^”]*” ··[0-9]+ \(weight [-+][0-9.]+\).* prior [-+][0-9.]+' "$WORK/out"
check "sanitizers quiet" no_sanitizer_report

CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	type skip >/dev/null 2>&1 && skip "chromium render of the new sections: chromium not installed"
	echo "  SKIPPED chromium render: chromium not installed"
else
	prof=$(mktemp -d)
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync "--user-data-dir=$prof" --dump-dom "file://$H" >"$WORK/dom.html" 2>/dev/null
	check "chromium renders the toc, the near section and the group graphs" bash -c \
		"grep -q '<nav class=\"toc\">' '$WORK/dom.html' && grep -q '<h2 id=\"near\">' '$WORK/dom.html' && test \$(grep -o 'class=\"node\"' '$WORK/dom.html' | wc -l) -ge 24"
	rm -rf "$prof"
fi

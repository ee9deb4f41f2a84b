# a full run on a labelled fixture: exact groups, counts, actions, ids stable on rerun
plan 38
run_rc migrate >/dev/null
load_fixture basic
# statistics below must come from the job, not from autovacuum
q "ALTER TABLE itemdup.result_group_items SET (autovacuum_enabled = false)"
check_eq "run exits 0" 0 "$(run_rc run)"
check "sanitizers quiet" no_sanitizer_report
check_eq "the run leaves planner statistics for the rows it wrote (sql/008)" 1 "$(q "SELECT count(*) FROM pg_stats WHERE schemaname = 'itemdup' AND tablename = 'result_group_items' AND attname = 'run_id'")"
check_eq "exactly the planted groups" "C1 L1;I1 I2;I3 I4;P1 P2" "$(current_groups)"
check_eq "run counts: read, skipped (removed + old snapshot), rejected" "17|2|0" "$(q "SELECT items_read, items_skipped, items_rejected FROM itemdup.runs WHERE run_id = 1")"
check_eq "unkeyable accounts counted per reason" "2|2" "$(q "SELECT accounts_unkeyable, (unkeyable_reasons->>'no_mask')::int FROM itemdup.runs WHERE run_id = 1")"
check_eq "published points at the run" "1" "$(q "SELECT run_id FROM itemdup.published")"
check_eq "run succeeded with published_at set" "succeeded|t" "$(q "SELECT status, published_at IS NOT NULL FROM itemdup.runs WHERE run_id = 1")"
check_eq "same owner keeps the newest, removes the older" "I1 remove_candidate,I2 keep" "$(q "SELECT string_agg(item_id || ' ' || suggested_action, ',' ORDER BY item_id) FROM itemdup.current_group_items WHERE item_id IN ('I1','I2')")"
check_eq "cross owner: the other owner's item is review" "I3 review,I4 keep" "$(q "SELECT string_agg(item_id || ' ' || suggested_action, ',' ORDER BY item_id) FROM itemdup.current_group_items WHERE item_id IN ('I3','I4')")"
check_eq "group kinds" "same_owner,cross_owner" "$(q "SELECT string_agg(kind, ',' ORDER BY min_item) FROM (SELECT g.kind, min(i.item_id) min_item FROM itemdup.current_groups g JOIN itemdup.current_group_items i USING (group_id) WHERE i.item_id IN ('I1','I3') GROUP BY g.group_id, g.kind) s")"
check_eq "legacy institution mapped through institution_map" "ins_5" "$(q "SELECT g.institution_id FROM itemdup.current_groups g JOIN itemdup.current_group_items i USING (group_id) WHERE i.item_id = 'L1'")"
check_eq "pairs stored with item_a < item_b" "0" "$(q "SELECT count(*) FROM itemdup.current_pairs WHERE NOT (item_a < item_b COLLATE \"C\")")"
check_eq "evidence names the shared keys" "savings 2222,total checking 1111" "$(q "SELECT string_agg((k->>'name') || ' ' || (k->>'mask'), ',' ORDER BY k->>'name') FROM itemdup.current_pairs p, jsonb_array_elements(p.evidence->'shared_keys') k WHERE p.item_a = 'I1'")"
check_eq "joint holders sharing one persistent id are not grouped" "0" "$(q "SELECT count(*) FROM itemdup.current_group_items WHERE item_id IN ('J1','J2')")"
check_eq "matched_accounts counts the shared accounts" "2|2" "$(q "SELECT accounts, matched_accounts FROM itemdup.current_group_items WHERE item_id = 'I1'")"
check_eq "no token in any result or log" "0" "$(q "SELECT count(*) FROM (SELECT evidence::text t FROM itemdup.run_pairs UNION ALL SELECT options::text FROM itemdup.runs UNION ALL SELECT coalesce(detail,'') FROM itemdup.rejects) s WHERE t LIKE '%test_wells%'")"
check "no token in stderr" bash -c "! grep -q test_wells '$WORK/err'"
ids1=$(q "SELECT string_agg(group_id || ':' || item_id, ',' ORDER BY item_id) FROM itemdup.current_group_items")
# rerun: identical groups and ids
check_eq "rerun exits 0" 0 "$(run_rc run)"
ids2=$(q "SELECT string_agg(group_id || ':' || item_id, ',' ORDER BY item_id) FROM itemdup.current_group_items")
check_eq "rerun gives identical groups and ids" "$ids1" "$ids2"
check_eq "rerun: every group unchanged" "0|4|0" "$(q "SELECT groups_new, groups_unchanged, groups_dissolved FROM itemdup.runs WHERE run_id = 2")"
check_eq "current views show only the published run" "$(q "SELECT count(*) FROM itemdup.run_group_items WHERE run_id = 2")" "$(q "SELECT count(*) FROM itemdup.current_group_items")"
check_eq "first_seen_run kept from run 1" "1" "$(q "SELECT DISTINCT first_seen_run FROM itemdup.current_groups")"
# an item joins group {I3 I4}: same id, grown
g34=$(q "SELECT group_id FROM itemdup.current_group_items WHERE item_id = 'I3'")
q "INSERT INTO app.items VALUES ('I5','u2','production',NULL,'{\"accounts\":[{\"name\":\"Premier Checking\",\"mask\":\"3333\"}],\"item\":{\"institution_id\":\"ins_2\"}}','2024-07-01','2024-07-01',NULL)"
check_eq "third run exits 0" 0 "$(run_rc run)"
check_eq "grown group keeps its id" "$g34" "$(q "SELECT group_id FROM itemdup.current_group_items WHERE item_id = 'I5'")"
check_eq "diff counts: one grown, three unchanged" "1|3|0" "$(q "SELECT groups_grown, groups_unchanged, groups_new FROM itemdup.runs WHERE run_id = 3")"
# reports
check_eq "report --format json exits 0" 0 "$(run_rc report --format json)"
check_eq "report json parses with 4 groups" "4" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["groups"]))' "$WORK/out")"
check_eq "report --format csv exits 0" 0 "$(run_rc report --format csv)"
check_eq "report csv has a header and one row per member (2+2+3+2)" "9" "$(python3 -c 'import csv,sys; print(len(list(csv.DictReader(open(sys.argv[1])))))' "$WORK/out")"
check_eq "report table exits 0" 0 "$(run_rc report)"
check "report table lists the groups" grep -q "cross_owner" "$WORK/out"
check_eq "explain I1 exits 0" 0 "$(run_rc explain I1)"
check "explain shows the shared key" grep -q 'shared account "total checking" mask 1111' "$WORK/out"
check_eq "explain two items of different groups exits 0" 0 "$(run_rc explain I1 E1)"
check "... and says why" grep -q "different environments" "$WORK/out"
check_eq "explain an unknown item pair exits 1" 1 "$(run_rc explain I1 NOPE)"
check "sanitizers quiet" no_sanitizer_report

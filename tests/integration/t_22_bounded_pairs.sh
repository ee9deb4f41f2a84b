# bounded work on pathological data (docs/RELIABILITY.md "Bounded work"):
# 225 sandbox Items sharing 1,000 identical accounts beside a normal
# institution — --max-pairs counts distinct pairs, the run finishes quickly,
# the other environment's groups are published and evidence stays small.
plan 11
run_rc migrate >/dev/null
load_fixture basic
load_fixture sandbox_flood
start=$(date +%s)
check_eq "run with 225 sandbox Items x 1,000 identical accounts exits 0" 0 "$(run_rc run --max-reject-ratio 0.5)"
secs=$(( $(date +%s) - start ))
check "... within 60 s under ASan (took ${secs}s; 12 s measured; the old code failed, or took 8 min at 224)" test "$secs" -lt 60
check_eq "... scored 25,200 distinct sandbox pairs (plus the basic ones)" "t" \
	"$(q "SELECT pairs_scored BETWEEN 25200 AND 25300 FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")"
check_eq "... the production groups are published as without the flood" "C1 L1;I1 I2;I3 I4;P1 P2" \
	"$(q "SELECT string_agg(m, ';' ORDER BY m) FROM (SELECT string_agg(item_id, ' ' ORDER BY item_id COLLATE \"C\") m FROM itemdup.current_group_items gi JOIN itemdup.current_groups g USING (group_id) WHERE g.environment = 'production' GROUP BY group_id) s")"
check_eq "... the sandbox Items form one group" "1|225" \
	"$(q "SELECT count(*), max(size) FROM itemdup.current_groups WHERE environment = 'sandbox'")"
check_eq "... evidence per pair is bounded (max evidence::text under 4 KB)" "t" \
	"$(q "SELECT max(length(evidence::text)) < 4096 FROM itemdup.current_pairs")"
check_eq "... lists the 8 strongest keys and counts the 992 others" "8|992" \
	"$(q "SELECT jsonb_array_length(evidence->'shared_keys'), evidence->>'shared_keys_omitted' FROM itemdup.current_pairs WHERE item_a = 'SB001' AND item_b = 'SB002'")"
check_eq "explain SB001 exits 0" 0 "$(run_rc explain SB001)"
check "... and says how many shared accounts a pair's evidence does not list" grep -q 'and 992 more shared accounts' "$WORK/out"
check_eq "a lower --max-pairs still fails, naming the cap" 1 "$(run_rc run --max-pairs 25000 --max-reject-ratio 0.5)"
check "... with the message" grep -q 'more than --max-pairs 25000' "$WORK/err"

# pruning (docs/MATCHING.md "Pruning"): the pairs that cannot reach
# threshold - --prune-margin are never scored, and the results stay exactly
# those of a run that scores every candidate — on generated data full of
# chance collisions (with pairs that only two weak keys or their owner lift
# over the threshold), at the floor = the threshold (margin 0), and on the
# sandbox flood of t_22.  Groups are compared by members_hash (a dry run's
# group ids are its own), every other column as stored, evidence as text.
plan 16
run_rc migrate >/dev/null

# rows of run $1 not in run $2 or the other way, over groups, members and pairs
differ() {
	q "WITH g AS (SELECT run_id, group_id, members_hash FROM itemdup.result_groups WHERE run_id IN ($1, $2)),
	  rows AS (
	    SELECT x.run_id, concat_ws('|', 'g', environment, institution_id, size, owners, kind, max_score, min_score, members_hash) r
	      FROM itemdup.result_groups x WHERE run_id IN ($1, $2)
	    UNION ALL
	    SELECT x.run_id, concat_ws('|', 'i', g.members_hash, item_id, owner_id, accounts, matched_accounts, created_at, suggested_action)
	      FROM itemdup.result_group_items x JOIN g USING (run_id, group_id)
	    UNION ALL
	    SELECT x.run_id, concat_ws('|', 'p', g.members_hash, item_a, item_b, score, evidence::text)
	      FROM itemdup.result_pairs x JOIN g USING (run_id, group_id))
	  SELECT count(*) FROM ((SELECT r FROM rows WHERE run_id = $1 EXCEPT ALL SELECT r FROM rows WHERE run_id = $2)
	    UNION ALL (SELECT r FROM rows WHERE run_id = $2 EXCEPT ALL SELECT r FROM rows WHERE run_id = $1)) d"
}
last_run() { q "SELECT max(run_id) FROM itemdup.runs"; }
scored() { q "SELECT pairs_scored FROM itemdup.runs WHERE run_id = $1"; }

# t_22's flood: 225 sandbox Items sharing 1,000 accounts and persistent ids
load_fixture basic
load_fixture sandbox_flood
check_eq "the flood, pruned and not: both runs exit 0" "0 0" \
	"$(run_rc run --dry-run --max-reject-ratio 0.5 --prune-margin off) $(run_rc run --dry-run --max-reject-ratio 0.5 --prune-margin 0)"
check_eq "... the same results" 0 "$(differ "$(($(last_run) - 1))" "$(last_run)")"

"$ITEMDUP_GEN" --items 20000 --seed 11 --out "$WORK/g63" 2>/dev/null
chmod -R a+rX "$WORK/g63"
scripts/load-sample.sh "$WORK/g63" >/dev/null 2>&1
check_eq "a run scoring every candidate (--prune-margin off) exits 0" 0 "$(run_rc run --dry-run --prune-margin off)"
R0=$(last_run)
check_eq "a run with the default pruning exits 0" 0 "$(run_rc run --dry-run)"
R1=$(last_run)
check_eq "a run pruning up to the threshold (--prune-margin 0) exits 0" 0 "$(run_rc run --dry-run --prune-margin 0)"
R2=$(last_run)
check "pruning scored fewer pairs: $(scored "$R0") -> $(scored "$R1") -> $(scored "$R2")" \
	test "$(scored "$R2")" -lt "$(scored "$R1")" -a "$(scored "$R1")" -lt "$(scored "$R0")"
check "the data has groups and pairs: $(q "SELECT count(*) FROM itemdup.result_pairs WHERE run_id = $R0") pairs" \
	test "$(q "SELECT count(*) FROM itemdup.result_pairs WHERE run_id = $R0")" -gt 300
# pairs that the bound must not lose: lifted over the threshold by their owner,
# or by two keys of which the heaviest alone would not do
check "some pairs reach the threshold only with their owner's weight" test \
	"$(q "SELECT count(*) FROM itemdup.result_pairs WHERE run_id = $R0 AND (evidence->>'owner_weight')::float8 > 0 AND (evidence->>'shared_persistent_ids')::int = 0 AND score - (evidence->>'owner_weight')::float8 < 5")" -gt 0
check "some pairs reach the threshold only with two or more keys" test \
	"$(q "SELECT count(*) FROM itemdup.result_pairs p WHERE run_id = $R0 AND (evidence->>'shared_persistent_ids')::int = 0 AND jsonb_array_length(evidence->'shared_keys') >= 2 AND evidence->'shared_keys_omitted' IS NULL AND score - (SELECT sum((k->>'weight')::float8) - max((k->>'weight')::float8) FROM jsonb_array_elements(evidence->'shared_keys') k) < 5")" -gt 0
check_eq "default pruning: the same groups, members, pairs, scores and evidence" 0 "$(differ "$R0" "$R1")"
check_eq "pruning up to the threshold: the same groups, members, pairs, scores and evidence" 0 "$(differ "$R0" "$R2")"
check_eq "the near misses' top list is the same" 0 \
	"$(q "SELECT count(*) FROM ((SELECT item_a, item_b, score, evidence::text FROM itemdup.result_near_misses WHERE run_id = $R0 AND sampled_as = 'top' EXCEPT ALL SELECT item_a, item_b, score, evidence::text FROM itemdup.result_near_misses WHERE run_id = $R1 AND sampled_as = 'top') UNION ALL (SELECT item_a, item_b, score, evidence::text FROM itemdup.result_near_misses WHERE run_id = $R1 AND sampled_as = 'top' EXCEPT ALL SELECT item_a, item_b, score, evidence::text FROM itemdup.result_near_misses WHERE run_id = $R0 AND sampled_as = 'top')) d")"
check_eq "the score bins from the floor (threshold - 10) up are the same" 0 \
	"$(q "SELECT count(*) FROM ((SELECT score_from, pairs FROM itemdup.result_score_bins WHERE run_id = $R0 AND score_from >= -5 EXCEPT SELECT score_from, pairs FROM itemdup.result_score_bins WHERE run_id = $R1) UNION ALL (SELECT score_from, pairs FROM itemdup.result_score_bins WHERE run_id = $R1 AND score_from >= -5 EXCEPT SELECT score_from, pairs FROM itemdup.result_score_bins WHERE run_id = $R0)) d")"
check_eq "runs.options records the margin" "off|10|0" \
	"$(q "SELECT string_agg(options->>'prune_margin', '|' ORDER BY run_id) FROM itemdup.runs WHERE run_id IN ($R0, $R1, $R2)")"
check_eq "a bad --prune-margin is a usage error before connecting" 64 \
	"$(run_rc run --prune-margin -1 --dsn 'host=/nonexistent')"
check "... naming the accepted values" grep -q 'prune-margin.*or off' "$WORK/err"


# the run diff across two runs: grown, shrunk, merged, split, dissolved, new,
# unchanged, with stable ids (merge keeps the oldest, split: most items keeps it)
plan 13
run_rc migrate >/dev/null
load_fixture diff
check_eq "run 1 exits 0" 0 "$(run_rc run)"
check_eq "run 1 groups" "a1 a2;b1 b2;c1 c2 c3 c4 c5;d1 d2;s1 s2 s3;u1 u2" "$(current_groups)"
gid() { q "SELECT group_id FROM itemdup.current_group_items WHERE item_id = '$1'"; }
A=$(gid a1); B=$(gid b1); C=$(gid c1); D=$(gid d1); U=$(gid u1); S=$(gid s1)
# run 2: a3 joins A; m1 bridges B and D (merge); c5 goes (C splits into 2+2: tie,
# smallest item_id keeps it); s3 goes (S shrinks); e1 e2 are new; u unchanged
q "SELECT app.add('a3', 'alpha'), app.add('m1', 'bravo', 'delta'), app.add('e1', 'echo'), app.add('e2', 'echo')" >/dev/null
q "DELETE FROM app.items WHERE item_id IN ('c5', 's3')"
check_eq "run 2 exits 0" 0 "$(run_rc run)"
check_eq "run 2 groups" "a1 a2 a3;b1 b2 d1 d2 m1;c1 c2;c3 c4;e1 e2;s1 s2;u1 u2" "$(current_groups)"
check_eq "grown group keeps its id" "$A" "$(gid a3)"
check_eq "merged group keeps the oldest id" "$(( B < D ? B : D ))" "$(gid m1)"
check_eq "split: the part with the smallest item_id keeps the id on a tie" "$C" "$(gid c1)"
check "split: the other part gets a new id" test "$(gid c3)" -gt "$(( A > B ? (A > C ? A : C) : (B > C ? B : C) ))"
check_eq "unchanged group keeps its id" "$U" "$(gid u1)"
check_eq "shrunk group keeps its id" "$S" "$(gid s1)"
check_eq "diff counts: new grown shrunk merged split dissolved unchanged" "1|1|1|1|1|0|1" \
	"$(q "SELECT concat_ws('|', groups_new, groups_grown, groups_shrunk, groups_merged, groups_split, groups_dissolved, groups_unchanged) FROM itemdup.runs WHERE status = 'succeeded' ORDER BY run_id DESC LIMIT 1")"
# run 3: the echo pair goes: dissolved
q "DELETE FROM app.items WHERE item_id = 'e2'"
check_eq "run 3 exits 0" 0 "$(run_rc run)"
check_eq "a group whose items are no longer grouped is dissolved" "1|0" \
	"$(q "SELECT groups_dissolved || '|' || groups_new FROM itemdup.runs WHERE status = 'succeeded' ORDER BY run_id DESC LIMIT 1")"

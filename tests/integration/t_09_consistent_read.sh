# a writer inserting and removing Items during a run changes nothing in
# that run's results: the source is read in one REPEATABLE READ snapshot
plan 5
run_rc migrate >/dev/null
load_fixture basic
load_fixture slow
q "CREATE OR REPLACE VIEW app.slow_items AS
   SELECT app.slow(item_id) AS item_id, owner_id, environment, institution_id, payload,
          created_at, updated_at, removed_at
     FROM app.items ORDER BY item_id COLLATE \"C\""
"$ITEMDUP" run --source app.slow_items >"$WORK/c.out" 2>"$WORK/c.err" &
pid=$!
for _ in $(seq 1 100); do grep -q 'STEP 5' "$WORK/c.err" && break; sleep 0.1; done
sleep 0.7
# while the run reads (C1 and I1 come first in "C" order, I2 later)
q "INSERT INTO app.items VALUES ('Z1','u30','production',NULL,'{\"accounts\":[{\"name\":\"Premier Checking\",\"mask\":\"3333\"}],\"item\":{\"institution_id\":\"ins_2\"}}','2024-07-01','2024-07-01',NULL)"
q "DELETE FROM app.items WHERE item_id = 'I2'"
q "UPDATE app.items SET removed_at = now() WHERE item_id = 'P2'"
wait $pid
check_eq "run exits 0" 0 "$?"
check_eq "the run saw the source as it was when it started" "C1 L1;I1 I2;I3 I4;P1 P2" "$(current_groups)"
check_eq "it read every row of its snapshot" "17" "$(q "SELECT items_read FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")"
check_eq "the next run sees the changes" 0 "$(run_rc run)"
check_eq "... in its results" "C1 L1;I3 I4 Z1" "$(current_groups)"

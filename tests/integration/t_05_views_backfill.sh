# analysts' views show only the published run; dry runs and backfills keep
# their results under their run_id; reviews survive runs; pruning; JSON logs
plan 28
run_rc migrate >/dev/null
load_fixture basic
check_eq "nightly run exits 0" 0 "$(run_rc run)"
check "every log line is JSON when stderr is not a terminal" python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines, "no log lines"
steps = set()
for l in lines:
    o = json.loads(l)
    assert {"ts", "level", "step", "msg"} <= o.keys(), o
    steps.add(o["step"])
assert steps >= set(range(1, 9)), steps
' "$WORK/err"
nightly=$(q "SELECT run_id FROM itemdup.published")
before=$(current_groups)
q "INSERT INTO app.items VALUES ('I9','u20','production',NULL,'{\"accounts\":[{\"name\":\"Premier Checking\",\"mask\":\"3333\"}],\"item\":{\"institution_id\":\"ins_2\"}}','2024-07-01','2024-07-01',NULL)"

check_eq "dry run exits 0" 0 "$(run_rc run --dry-run)"
dry=$(q "SELECT max(run_id) FROM itemdup.runs")
check_eq "dry run: recorded as such, not published" "t|succeeded|t" "$(q "SELECT dry_run, status, published_at IS NULL FROM itemdup.runs WHERE run_id = $dry")"
check_eq "dry run: current views unchanged" "$before" "$(current_groups)"
check_eq "dry run: its results are in run_group_items" "1" "$(q "SELECT count(*) FROM itemdup.run_group_items WHERE run_id = $dry AND item_id = 'I9'")"

check_eq "backfill exits 0" 0 "$(run_rc run --kind backfill --created-since 2024-06-01)"
bf=$(q "SELECT max(run_id) FROM itemdup.runs")
check_eq "backfill: kind recorded, not published" "backfill|t" "$(q "SELECT kind, published_at IS NULL FROM itemdup.runs WHERE run_id = $bf")"
check_eq "backfill: window in options" "2024-06-01" "$(q "SELECT options->>'created_since' FROM itemdup.runs WHERE run_id = $bf")"
check_eq "backfill window read only the items created since" "1" "$(q "SELECT items_read FROM itemdup.runs WHERE run_id = $bf")"
check_eq "backfill: current views unchanged" "$before" "$(current_groups)"
check_eq "backfill: published run unchanged" "$nightly" "$(q "SELECT run_id FROM itemdup.published")"

check_eq "backfill --publish exits 0" 0 "$(run_rc run --kind backfill --publish)"
check_eq "backfill --publish replaces the current results" "C1 L1;I1 I2;I3 I4 I9;P1 P2" "$(current_groups)"

# reviews survive runs; changed_since_review follows membership
g=$(q "SELECT group_id FROM itemdup.current_group_items WHERE item_id = 'I1'")
q "SELECT itemdup.review_group($g, 'confirmed', 'same person')"
check_eq "review recorded, unchanged since" "confirmed|f" "$(q "SELECT review_status, changed_since_review FROM itemdup.current_groups WHERE group_id = $g")"
check_eq "unreviewed groups have null review columns" "t" "$(q "SELECT bool_and(review_status IS NULL AND changed_since_review IS NULL) FROM itemdup.current_groups WHERE group_id <> $g")"
q "INSERT INTO app.items VALUES ('I0','u1','production',NULL,'{\"accounts\":[{\"name\":\"Savings\",\"mask\":\"2222\"}],\"item\":{\"institution_id\":\"ins_1\"}}','2024-08-01','2024-08-01',NULL)"
check_eq "next run exits 0" 0 "$(run_rc run --keep-runs 2)"
check_eq "the reviewed group kept its id and is flagged changed" "confirmed|t" "$(q "SELECT review_status, changed_since_review FROM itemdup.current_groups g JOIN itemdup.current_group_items i USING (group_id) WHERE i.item_id = 'I0'")"
check_eq "--keep-runs 2 pruned older runs" "2" "$(q "SELECT count(*) FROM itemdup.runs")"
check_eq "... and their results" "0" "$(q "SELECT count(*) FROM itemdup.run_group_items WHERE run_id NOT IN (SELECT run_id FROM itemdup.runs)")"
check_eq "... but never the reviews" "1" "$(q "SELECT count(*) FROM itemdup.group_reviews")"
check_eq "report --run of a pruned run: exit 1" 1 "$(run_rc report --run $nightly)"
check "sanitizers quiet" no_sanitizer_report

# --source-dsn: the source read on another connection (a hot standby in production)
createdb "${PGDATABASE}_src"
PGDATABASE="${PGDATABASE}_src" q "CREATE SCHEMA itemdup; CREATE TABLE itemdup.institution_map (legacy_type text PRIMARY KEY, institution_id text NOT NULL)"
PGDATABASE="${PGDATABASE}_src" psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE TABLE public.items (item_id text, owner_id text, environment text, institution_id text, payload jsonb, created_at timestamptz, updated_at timestamptz, removed_at timestamptz);
INSERT INTO public.items VALUES
 ('X1','w1','production',NULL,'{"accounts":[{"name":"Elsewhere","mask":"9911"}],"item":{"institution_id":"ins_77"}}','2024-01-01','2024-01-01',NULL),
 ('X2','w1','production',NULL,'{"accounts":[{"name":"Elsewhere","mask":"9911"}],"item":{"institution_id":"ins_77"}}','2024-02-01','2024-02-01',NULL);
SQL
check_eq "--source-dsn reads the source on the other connection" 0 "$(run_rc run --source public.items --source-dsn "dbname=${PGDATABASE}_src")"
check_eq "... and publishes into this database" "X1 X2" "$(current_groups)"
check_eq "--source-dsn that cannot connect: exit 69" 69 "$(run_rc run --source-dsn "host=/nonexistent port=1")"
check_eq "--source-dsn with a password: exit 64" 64 "$(run_rc run --source-dsn "dbname=x password=hunter2secret")"
check "... not echoed" bash -c "! grep -q hunter2secret '$WORK/err'"

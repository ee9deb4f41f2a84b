# least privilege, role by role (docs/RELIABILITY.md "Least privilege"):
# the job writes only its own result tables, never through an auto-updatable
# source view, never schema_version or group_reviews; analysts run report and
# explain and record reviews only through itemdup.review_group(); secrets in
# --dsn are refused.
plan 36
psql -X -q -v ON_ERROR_STOP=1 -f sql/roles.sql >/dev/null 2>&1 || true
q "DO \$\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 't20_alice') THEN CREATE ROLE t20_alice LOGIN; END IF; END\$\$; GRANT itemdup_analyst TO t20_alice" >/dev/null
run_rc migrate >/dev/null
load_fixture basic   # itemdup.source_items: SELECT * FROM app.items, auto-updatable
q "GRANT USAGE ON SCHEMA app TO itemdup_job; GRANT SELECT ON app.items TO itemdup_job"
# what an older migrate granted ("ALL TABLES IN SCHEMA itemdup", views included)
q "GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA itemdup TO itemdup_job, itemdup_analyst; GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA itemdup TO itemdup_job"
check_eq "migrate (grants to the roles) exits 0" 0 "$(run_rc migrate)"

# as_user ROLE SQL — psql as a login role; its stderr in $WORK/psql.err
as_user() { PGUSER=$1 psql -X -Atq -v ON_ERROR_STOP=1 -c "$2" 2>"$WORK/psql.err"; }
denied() { ! as_user "$1" "$2" >/dev/null && grep -q 'permission denied' "$WORK/psql.err"; }
ok_as() { as_user "$1" "$2" >/dev/null; }
src_rows() { q "SELECT count(*) || ':' || count(*) FILTER (WHERE owner_id = 'evil') FROM app.items"; }

# every role finds the source read-only, whatever the view
check "job: DELETE through the source view is denied" denied itemdup_job "DELETE FROM itemdup.source_items"
check "job: UPDATE through the source view is denied" denied itemdup_job "UPDATE itemdup.source_items SET owner_id = 'evil'"
check "job: INSERT through the source view is denied" denied itemdup_job "INSERT INTO itemdup.source_items (item_id, owner_id) VALUES ('X9', 'evil')"
check "job: TRUNCATE of the app table is denied" denied itemdup_job "TRUNCATE app.items"
check_eq "... and the app table is unchanged" "17:0" "$(src_rows)"
check "analyst: DELETE through the source view is denied" denied t20_alice "DELETE FROM itemdup.source_items"
check_eq "no itemdup role may write any view or the source" "" \
	"$(q "SELECT string_agg(r.rolname || ' ' || c.oid::regclass::text, ', ') FROM pg_roles r, pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE r.rolname IN ('itemdup_job', 'itemdup_analyst', 'itemdup_app', 't20_alice') AND (c.relkind IN ('v', 'm') AND n.nspname = 'itemdup' OR c.oid = 'app.items'::regclass) AND has_table_privilege(r.oid, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')")"
check_eq "the job writes exactly its own result tables (the model's generations among them: sql/011)" "model_institutions,model_item_pages,model_item_pages_0,model_item_pages_1,model_key_buckets,model_key_buckets_0,model_key_buckets_1,model_name_buckets,model_name_buckets_0,model_name_buckets_1,model_runs,published,rejects,result_group_items,result_groups,result_near_misses,result_pairs,result_score_bins,runs" \
	"$(q "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'itemdup' AND has_table_privilege('itemdup_job', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')")"
check_eq "... and may TRUNCATE none (a generation is emptied by itemdup.model_take_generation only)" "" \
	"$(q "SELECT string_agg(c.relname, ',') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'itemdup' AND has_table_privilege('itemdup_job', c.oid, 'TRUNCATE')")"
check_eq "the analyst writes no table" "" \
	"$(q "SELECT string_agg(c.relname, ',') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'itemdup' AND has_table_privilege('t20_alice', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')")"

# job: run; nothing else
check_eq "job: itemdup run exits 0" 0 "$(PGUSER=itemdup_job run_rc run)"
check_eq "... with the planted groups" "C1 L1;I1 I2;I3 I4;P1 P2" "$(current_groups)"
check "... and warns of no writable source" bash -c "! grep -q 'can write source' '$WORK/err'"
q "GRANT UPDATE ON itemdup.source_items TO itemdup_job"
PGUSER=itemdup_job run_rc run >/dev/null
check "a source the job's role could write is warned about" grep -q 'this role can write source itemdup.source_items' "$WORK/err"
q "REVOKE UPDATE ON itemdup.source_items FROM itemdup_job"
check "job: cannot rewrite schema_version" denied itemdup_job "UPDATE itemdup.schema_version SET version = version + 100"
check "job: cannot record a review" denied itemdup_job "SELECT itemdup.review_group((SELECT min(group_id) FROM itemdup.current_groups), 'dismissed')"

# analyst: report (every format), explain, review_group
for f in table csv html json; do
	check_eq "analyst: itemdup report --format $f exits 0" 0 "$(PGUSER=t20_alice run_rc report --format $f)"
done
check "... and the json report names a planted group" grep -q '"I3"' "$WORK/out"
check_eq "analyst: itemdup explain I1 exits 0" 0 "$(PGUSER=t20_alice run_rc explain I1)"
check "... and explains with I2" grep -q 'I2' "$WORK/out"
check_eq "analyst: itemdup explain I1 I2 --format json exits 0" 0 "$(PGUSER=t20_alice run_rc explain I1 I2 --format json)"
g=$(q "SELECT group_id FROM itemdup.current_group_items WHERE item_id = 'I1'")
check "analyst: review_group records a review" ok_as t20_alice "SELECT itemdup.review_group($g, 'confirmed', 'same person')"
check_eq "... by session_user, now, with the group's members_hash" "confirmed|t20_alice|t|t" \
	"$(q "SELECT r.status, r.reviewed_by, r.reviewed_at > now() - interval '1 minute', r.members_hash = g.members_hash FROM itemdup.group_reviews r JOIN itemdup.current_groups g USING (group_id) WHERE group_id = $g")"
check "analyst: a bad status is refused" bash -c "! PGUSER=t20_alice psql -X -q -v ON_ERROR_STOP=1 -c \"SELECT itemdup.review_group($g, 'ok')\" 2>'$WORK/psql.err'"
check "... with a message listing open, confirmed, dismissed" grep -q 'must be open, confirmed or dismissed' "$WORK/psql.err"
check "analyst: no forged review (direct INSERT denied)" denied t20_alice "INSERT INTO itemdup.group_reviews (group_id, status, reviewed_by, reviewed_at, members_hash) VALUES (424242, 'dismissed', 'ceo', '2001-01-01', 'x')"
check "analyst: no rewriting a review (UPDATE denied)" denied t20_alice "UPDATE itemdup.group_reviews SET reviewed_by = 'ceo'"
check "analyst: no deleting reviews" denied t20_alice "DELETE FROM itemdup.group_reviews"
check "a role outside itemdup cannot call review_group" bash -c "! psql -X -q -v ON_ERROR_STOP=1 -c \"SET ROLE pg_monitor; SELECT itemdup.review_group($g, 'open')\" 2>/dev/null"
check_eq "... and the review is still the analyst's" "confirmed|t20_alice" "$(q "SELECT status, reviewed_by FROM itemdup.group_reviews")"

# secrets in --dsn are refused like password=
check_eq "sslpassword= in --dsn: exit 64" 64 "$(run_rc report --dsn "host=$PGHOST sslpassword=hunter2secret")"
check "... and the secret is not echoed" bash -c "! grep -q hunter2secret '$WORK/err' '$WORK/out'"

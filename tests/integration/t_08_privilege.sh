# least privilege (itemdup_job, itemdup_analyst), a hostile search_path,
# and forced hash collisions give the same groups
plan 18
psql -X -q -v ON_ERROR_STOP=1 -f sql/roles.sql >/dev/null 2>&1 || true
check_eq "roles exist" "2" "$(q "SELECT count(*) FROM pg_roles WHERE rolname IN ('itemdup_job', 'itemdup_analyst')")"
run_rc migrate >/dev/null
load_fixture basic
q "GRANT USAGE ON SCHEMA app TO itemdup_job; GRANT SELECT ON app.items TO itemdup_job"
check_eq "migrate again grants on the view made since" 0 "$(run_rc migrate)"
check_eq "the job runs as itemdup_job" 0 "$(PGUSER=itemdup_job run_rc run)"
check_eq "... with the planted groups" "C1 L1;I1 I2;I3 I4;P1 P2" "$(current_groups)"
check "itemdup_job cannot write the source" bash -c "! PGUSER=itemdup_job psql -X -q -c \"DELETE FROM app.items\" 2>/dev/null"
check "itemdup_job cannot create objects in public" bash -c "! PGUSER=itemdup_job psql -X -q -c \"CREATE TABLE public.x (a int)\" 2>/dev/null"
as_analyst() { psql -X -Atq -v ON_ERROR_STOP=1 -c "SET ROLE itemdup_analyst; $1" 2>/dev/null; }
check_eq "the analyst reads current_groups" "4" "$(as_analyst "SELECT count(*) FROM itemdup.current_groups")"
g=$(q "SELECT min(group_id) FROM itemdup.current_groups")
check "the analyst records a review" as_analyst "SELECT itemdup.review_group($g, 'confirmed', 'ok')"
check_eq "... which is there" "confirmed" "$(q "SELECT status FROM itemdup.group_reviews WHERE group_id = $g")"
check "the analyst cannot change runs" bash -c "! psql -X -q -v ON_ERROR_STOP=1 -c \"SET ROLE itemdup_analyst; UPDATE itemdup.runs SET status = 'failed'\" 2>/dev/null"
check "the analyst cannot change results" bash -c "! psql -X -q -v ON_ERROR_STOP=1 -c \"SET ROLE itemdup_analyst; DELETE FROM itemdup.result_group_items\" 2>/dev/null"
check "the analyst cannot read the source" bash -c "! psql -X -q -v ON_ERROR_STOP=1 -c \"SET ROLE itemdup_analyst; SELECT * FROM app.items\" 2>/dev/null"

# hostile objects earlier in the search_path change nothing
before=$(q "SELECT string_agg(group_id || ':' || item_id, ',' ORDER BY item_id) FROM itemdup.current_group_items")
q "CREATE FUNCTION public.isfinite(timestamptz) RETURNS boolean LANGUAGE sql AS 'SELECT false'"
q "CREATE FUNCTION public.quote_ident(text) RETURNS text LANGUAGE sql AS \$\$SELECT 'app.items; DROP TABLE app.items'\$\$"
q "CREATE FUNCTION public.to_regclass(text) RETURNS regclass LANGUAGE sql AS \$\$SELECT 'pg_class'::pg_catalog.regclass\$\$"
q "CREATE TABLE public.runs (x int)"
q "ALTER ROLE itemdup_job SET search_path = public, itemdup, pg_catalog"
check_eq "run with a hostile search_path exits 0" 0 "$(PGUSER=itemdup_job run_rc run)"
check_eq "... with the same groups and ids" "$before" "$(q "SELECT string_agg(group_id || ':' || item_id, ',' ORDER BY item_id) FROM itemdup.current_group_items")"
check_eq "... and the source is intact" "17" "$(q "SELECT count(*) FROM app.items")"

# every key hashing alike: full compares keep the keys apart
check_eq "run with every XXH3 hash forced equal exits 0" 0 "$(ITEMDUP_CONSTANT_HASH=1 run_rc run)"
check_eq "... with the same groups and ids" "$before" "$(q "SELECT string_agg(group_id || ':' || item_id, ',' ORDER BY item_id) FROM itemdup.current_group_items")"
check "... and counted the collisions" test "$(q "SELECT (stats->>'hash_collisions')::int FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")" -gt 0

# migrate: idempotent, versioned, documented, refuses nothing it should not
plan 23
check_eq "first migrate exits 0" 0 "$(run_rc migrate)"
check_eq "second migrate exits 0 (idempotent)" 0 "$(run_rc migrate)"
check "second migrate applies nothing" grep -q "0 migrations applied" "$WORK/err"
versions=$(ls sql/[0-9][0-9][0-9]_*.sql | sed 's|sql/0*\([0-9]*\)_.*|\1|' | paste -sd,)
top=${versions##*,}
check_eq "schema_version holds each migration once" "$versions" "$(q "SELECT string_agg(version::text, ',' ORDER BY version) FROM itemdup.schema_version")"
check_eq "contract tables and views exist" 12 "$(q "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'itemdup' AND c.relname IN ('runs','published','rejects','institution_map','group_reviews','run_groups','run_group_items','run_pairs','current_groups','current_group_items','current_pairs','schema_version')")"
check_eq "every analyst-visible column has a comment" "" "$(q "SELECT string_agg(c.relname || '.' || a.attname, ', ') FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'itemdup' AND c.relname IN ('runs','rejects','institution_map','group_reviews','current_groups','current_group_items','current_pairs','run_groups','run_group_items','run_pairs','published') AND a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL")"
check_eq "no comment cites a file outside the repository" "" "$(q "SELECT string_agg(c.relname || '.' || a.attname, ', ') FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'itemdup' AND a.attnum > 0 AND col_description(c.oid, a.attnum) ~ '(CONTRACT|DOMAIN|STYLE)\\.md'")"
check_eq "current_groups has the contract columns in order" "group_id,environment,institution_id,size,owners,kind,max_score,min_score,first_seen_run,first_seen_at,last_seen_run,review_status,changed_since_review" "$(q "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'itemdup.current_groups'::regclass AND attnum > 0 AND attnum <= 13")"
check_eq "token_environment of an access token" "production" "$(q "SELECT itemdup.token_environment('access-production-3f9a1c0e-7b2d-4a6f-8e5c-1b9d0a7f3e2c')")"
check_eq "token_environment of a legacy token is null" "t" "$(q "SELECT itemdup.token_environment('test_wells') IS NULL")"
# run refuses an older schema
topname=$(q "SELECT name FROM itemdup.schema_version WHERE version = $top")
q "DELETE FROM itemdup.schema_version WHERE version = $top"
check_eq "run refuses a schema older than the binary (exit 1)" 1 "$(run_rc run)"
check "... and says to migrate" grep -q "this binary needs $top" "$WORK/err"
q "INSERT INTO itemdup.schema_version (version, name) VALUES ($top, '$topname')"
check_eq "run without a source view exits 1" 1 "$(run_rc run)"
check "... naming the missing relation" grep -q 'itemdup.source_items does not exist' "$WORK/err"
q "CREATE TABLE public.src (item_id text, owner_id text, environment text, institution_id text, payload jsonb, created_at timestamptz, updated_at timestamptz, removed_at timestamptz); CREATE VIEW itemdup.source_items AS SELECT * FROM public.src"
check_eq "an empty source trips the --min-items guard (exit 1)" 1 "$(run_rc run)"
check "... with a message naming the guard" grep -q 'fewer than --min-items 1' "$WORK/err"
check_eq "... and publishes nothing" "0" "$(q "SELECT count(*) FROM itemdup.published")"
check_eq "... and the run is marked failed with its error" "failed|t" "$(q "SELECT status, error LIKE 'guard:%' FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")"
check_eq "run accepts the current schema and an empty source with --min-items 0" 0 "$(run_rc run --min-items 0)"
check "sanitizers quiet" no_sanitizer_report
# a database that is not UTF8: refused before anything is written (docs/SOURCE.md "The database")
createdb -T template0 -E LATIN1 --locale=C "${PGDATABASE}_latin1"
check_eq "migrate on a LATIN1 database exits 1" 1 "$(PGDATABASE="${PGDATABASE}_latin1" run_rc migrate)"
check "... saying it needs UTF8 and naming the encoding" grep -q "the database's encoding is LATIN1; itemdup needs a UTF8 database" "$WORK/err"
check_eq "... and creates no schema" "0" "$(PGDATABASE="${PGDATABASE}_latin1" q "SELECT count(*) FROM pg_namespace WHERE nspname = 'itemdup'")"
dropdb "${PGDATABASE}_latin1"

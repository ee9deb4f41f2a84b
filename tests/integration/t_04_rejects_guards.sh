# hostile payloads become rejects with their reason (text, json and jsonb
# columns agree), the reject-ratio guard, bad source columns, usage and
# connection exit codes
plan 37
run_rc migrate >/dev/null
load_fixture hostile

# rejects_of RUN — "item_id:reason" sorted, bad item ids as <null>
rejects_of() {
	q "SELECT string_agg(coalesce(item_id, '<null>') || ':' || reason, ' ' ORDER BY coalesce(item_id, '<null>')) FROM itemdup.rejects WHERE run_id = $1"
}
want_text="<null>:bad_item_id bad_environment:bad_environment duplicate_key:duplicate_key invalid_unicode:invalid_unicode no_accounts:no_accounts no_accounts_2:no_accounts not_json:not_json not_json_2:not_json not_object:not_object nul_in_string:nul_in_string null_payload:null_payload too_deep:too_deep too_many_accounts:too_many_accounts"

check_eq "text payloads: run with the ratio raised exits 0" 0 "$(run_rc run --source h.items_text --max-reject-ratio 1)"
check "sanitizers quiet on hostile input" no_sanitizer_report
r=$(q "SELECT max(run_id) FROM itemdup.runs")
check_eq "text payloads: every hostile row rejected with its reason" "$want_text" "$(rejects_of $r)"
check_eq "text payloads: the valid items still pair" "ok1 ok2" "$(current_groups)"
check_eq "the 2 MB name and the numeric name are unkeyable, not rejected" "1|1" "$(q "SELECT (unkeyable_reasons->>'name_too_long')::int, (unkeyable_reasons->>'bad_type')::int FROM itemdup.runs WHERE run_id = $r")"
check_eq "\\u0000 never made 'Premier' match (nul_in_string rejected)" "2" "$(q "SELECT count(*) FROM itemdup.current_group_items")"
check_eq "reject details hold no payload content" "0" "$(q "SELECT count(*) FROM itemdup.rejects WHERE detail ~ '(Premier|CANARY|nnnn|ud800)'")"

check_eq "json payloads: run exits 0" 0 "$(run_rc run --source h.items_json --max-reject-ratio 1)"
r=$(q "SELECT max(run_id) FROM itemdup.runs")
check_eq "json payloads: same rejects as text (less the rows json refuses)" "$(echo "$want_text" | tr ' ' '\n' | grep -v '^not_json' | tr '\n' ' ' | sed 's/ $//')" "$(rejects_of $r)"
check_eq "json payloads: same groups" "ok1 ok2" "$(current_groups)"
check_eq "jsonb payloads: run exits 0" 0 "$(run_rc run --source h.items_jsonb --max-reject-ratio 1)"
r=$(q "SELECT max(run_id) FROM itemdup.runs")
check_eq "jsonb payloads: same rejects for the rows jsonb holds" "<null>:bad_item_id bad_environment:bad_environment no_accounts:no_accounts no_accounts_2:no_accounts not_object:not_object null_payload:null_payload too_many_accounts:too_many_accounts" "$(rejects_of $r)"
check_eq "jsonb payloads: same groups" "ok1 ok2" "$(current_groups)"
check_eq "same keys from every column type" "1" "$(q "SELECT count(DISTINCT evidence->'shared_keys') FROM itemdup.run_pairs")"

# canaries: nowhere in the schema's data nor in the logs
pg_dump -X --data-only --schema=itemdup >"$WORK/dump.sql" 2>/dev/null || pg_dump --data-only --schema=itemdup >"$WORK/dump.sql"
check "no canary token in any itemdup table" bash -c "! grep -q CANARY '$WORK/dump.sql'"
check "no canary token in the logs" bash -c "! grep -q CANARY '$WORK/err' '$WORK/$TEST_NAME.err' 2>/dev/null"

# the guard: the default ratio fails the run and publishes nothing
published=$(q "SELECT run_id FROM itemdup.published")
check_eq "reject-ratio guard: exit 1" 1 "$(run_rc run --source h.items_text)"
check "... message names the guard" grep -q 'max-reject-ratio' "$WORK/err"
check_eq "... nothing published" "$published" "$(q "SELECT run_id FROM itemdup.published")"
check_eq "... run failed, its rejects kept for diagnosis" "failed|13" "$(q "SELECT r.status, (SELECT count(*) FROM itemdup.rejects j WHERE j.run_id = r.run_id) FROM itemdup.runs r ORDER BY run_id DESC LIMIT 1")"

# a source missing a column
q "CREATE VIEW h.no_owner AS SELECT item_id, environment, institution_id, payload, created_at, updated_at, removed_at FROM h.items_text"
check_eq "missing source column: exit 1" 1 "$(run_rc run --source h.no_owner)"
check "... message names the column" grep -q 'has no column \\"owner_id\\"' "$WORK/err"
check_eq "unqualified --source: exit 64 (a usage error)" 64 "$(run_rc run --source items_text)"
check "... message says SCHEMA.NAME" grep -q 'SCHEMA.NAME' "$WORK/err"
check_eq "--source with quotes and a semicolon is never spliced: exit 64" 64 "$(run_rc run --source 'h.x"; DROP TABLE h.items_text; --')"
check_eq "... and the table is still there" "15" "$(q "SELECT count(*) FROM h.items_text")"

# usage and connection errors
check_eq "unknown option: exit 64" 64 "$(run_rc run --frobnicate)"
check_eq "bad value: exit 64" 64 "$(run_rc run --hot-key-cap many)"
check_eq "password in --dsn: exit 64" 64 "$(run_rc run --dsn "host=$PGHOST password=hunter2secret")"
check "... and the password is not echoed" bash -c "! grep -q hunter2secret '$WORK/err' '$WORK/out'"
check_eq "password in a URI --dsn: exit 64" 64 "$(run_rc run --dsn "postgresql://u:hunter2secret@localhost/db")"
check_eq "--publish with a window: exit 64" 64 "$(run_rc run --kind backfill --publish --created-since 2024-01-01)"
check_eq "cannot connect: exit 69" 69 "$(run_rc run --dsn "host=/nonexistent port=1")"
check_eq "report with no published run in a fresh database: exit 1" 1 "$(PGDATABASE=postgres run_rc report)"
check_eq "--help exits 0" 0 "$(run_rc --help)"
check_eq "run --help exits 0 and lists --hot-key-cap" "0 1" "$(run_rc run --help) $(grep -c -- '--hot-key-cap' "$WORK/out")"
check_eq "--version exits 0" 0 "$(run_rc --version)"

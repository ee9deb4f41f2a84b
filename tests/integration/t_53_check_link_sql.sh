# itemdup.check_link (extension itemdup_check, ext/) gives the same verdicts,
# Items and scores as `itemdup check` on the whole corpus
# (fixtures/check_links.tsv); itemdup_app can call it and read nothing else.
plan 14
psql -X -q -v ON_ERROR_STOP=1 -f sql/roles.sql >/dev/null 2>&1 || true
run_rc migrate >/dev/null
load_fixture basic
load_fixture check_source
q "GRANT USAGE ON SCHEMA app TO itemdup_job; GRANT SELECT ON app.items TO itemdup_job"
check_eq "run exits 0" 0 "$(run_rc run)"
if [ "$(q "SELECT count(*) FROM pg_available_extensions WHERE name = 'itemdup_check'")" != 1 ]; then
	# make test installs it as root (Makefile: ext-install); without it, this file cannot pass
	fail "extension itemdup_check is installed in the server (make ext-install as root)"
	return 0 2>/dev/null || exit 0
fi
check "CREATE EXTENSION itemdup_check" q "CREATE EXTENSION itemdup_check"
check_eq "migrate after it grants EXECUTE to itemdup_app" 0 "$(run_rc migrate)"
check_eq "check_link is SECURITY DEFINER as itemdup_job with a pinned search_path" 'itemdup_job|t|{"search_path=pg_catalog, pg_temp"}' \
	"$(q "SELECT proowner::regrole, prosecdef, proconfig FROM pg_proc WHERE oid = 'itemdup.check_link(text, text, text, jsonb)'::regprocedure")"
check_eq "check_link has the documented signature (argument and result names)" \
	'{owner_id,environment,institution_id,accounts,item_id,owner_id,same_owner,score,evidence}' \
	"$(q "SELECT proargnames FROM pg_proc WHERE oid = 'itemdup.check_link(text, text, text, jsonb)'::regprocedure")"
check_eq "... and can be called with named arguments" 0 \
	"$(q "SELECT count(*) FROM itemdup.check_link(owner_id => 'nobody', environment => 'production', institution_id => 'ins_none', accounts => '{\"accounts\": [{\"name\": \"x\", \"mask\": \"0000\"}]}')")"

# one line per input: the matches as item_id=score (17 digits), best first
cli_line() {
	local owner=$1 env=$2 inst=$3 json=$4 args
	args=(--owner "$owner" --environment "$env" --format json)
	[ "$inst" != - ] && args+=(--institution "$inst")
	printf '%s' "$json" | "$ITEMDUP" check "${args[@]}" 2>/dev/null |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["verdict"], " ".join("%s/%s/%s=%r" % (m["item_id"], m["owner_id"], m["same_owner"], m["score"]) for m in d["matches"]))'
}
sql_line() {
	local owner=$1 env=$2 inst=$3 json=$4 role=${5:-}
	[ "$inst" = - ] && inst=""
	psql -X -Atq -v ON_ERROR_STOP=1 -v owner="$owner" -v env="$env" -v inst="$inst" -v js="$json" <<SQL 2>/dev/null
${role:+SET ROLE $role;}
SELECT CASE WHEN count(*) > 0 THEN 'duplicate' ELSE 'none' END || ' ' ||
       coalesce(string_agg(format('%s/%s/%s=%s', item_id, owner_id,
                                  CASE WHEN same_owner THEN 'True' ELSE 'False' END,
                                  score), ' ' ORDER BY n), '')
  FROM itemdup.check_link(:'owner', :'env', NULLIF(:'inst', ''), :'js'::jsonb)
       WITH ORDINALITY AS m(item_id, owner_id, same_owner, score, evidence, n);
SQL
}
corpus() {
	local fn=$1 name owner env inst expected json
	while IFS=$'\t' read -r name owner env inst expected json; do
		case "$name" in '#'*|'') continue ;; esac
		echo "$name: $("$fn" "$owner" "$env" "$inst" "$json")"
	done <tests/integration/fixtures/check_links.tsv
}
SET_EXTRA_FLOAT="-c extra_float_digits=1"  # shortest exact: equal text = equal double
corpus cli_line >"$WORK/cli53.txt"
PGOPTIONS="$SET_EXTRA_FLOAT" corpus sql_line >"$WORK/sql53.txt"
python3 - "$WORK/cli53.txt" "$WORK/sql53.txt" >"$WORK/diff53.txt" <<'PY'
import sys, re
def rows(path):
    out = {}
    for line in open(path):
        name, rest = line.rstrip("\n").split(": ", 1)
        parts = rest.split(" ")
        out[name] = (parts[0], [(m.split("=")[0], float(m.split("=")[1])) for m in parts[1:] if m])
    return out
a, b = rows(sys.argv[1]), rows(sys.argv[2])
for k in a:
    va, vb = a[k], b.get(k)
    if vb is None or va[0] != vb[0] or [x for x, _ in va[1]] != [x for x, _ in vb[1]] or \
       any(abs(x - y) > 1e-9 for (_, x), (_, y) in zip(va[1], vb[1])):
        print(k, va, vb)
PY
check_eq "CLI and SQL agree on all $(grep -c . "$WORK/cli53.txt") corpus inputs (verdict, items, owners, scores to 1e-9)" "" "$(cat "$WORK/diff53.txt")"
check_eq "... to the last bit (the same text of every score)" "$(cat "$WORK/cli53.txt")" "$(cat "$WORK/sql53.txt")"
check_eq "... and the corpus has both verdicts" "2" "$(cut -d' ' -f2 "$WORK/cli53.txt" | sort -u | wc -l)"

# a link made after the last run, through SQL
q "INSERT INTO app.items VALUES ('NEW1', 'u30', 'production', NULL, '{\"accounts\":[{\"name\":\"Zebra Checking\",\"mask\":\"4242\"}],\"item\":{\"institution_id\":\"ins_8\"}}', now(), now(), NULL)"
NEW='{"institution":{"institution_id":"ins_8"},"accounts":[{"name":"zebra checking","mask":"4242"}]}'
check_eq "SQL catches a link made after the last run, as the CLI does" "$(cli_line u30 production - "$NEW")" \
	"$(PGOPTIONS="$SET_EXTRA_FLOAT" sql_line u30 production - "$NEW")"

# itemdup_app: EXECUTE on check_link, nothing else
check_eq "itemdup_app calls check_link" "duplicate" "$(sql_line u1 production - '{"institution":{"institution_id":"ins_1"},"accounts":[{"name":"Total Checking","mask":"1111"},{"name":"Savings","mask":"2222"}]}' itemdup_app | cut -d' ' -f1)"
denied=0
for rel in itemdup.runs itemdup.model_key_buckets itemdup.model_item_pages itemdup.current_pairs itemdup.source_items app.items; do
	psql -X -q -v ON_ERROR_STOP=1 -c "SET ROLE itemdup_app; SELECT 1 FROM $rel LIMIT 1" >/dev/null 2>&1 || denied=$((denied + 1))
done
check_eq "itemdup_app reads none of runs, model, results, source view, source table" 6 "$denied"
check "input that is not a link is an error naming the reason" bash -c \
	"psql -X -q -v ON_ERROR_STOP=1 -c \"SELECT * FROM itemdup.check_link('u1', 'production', 'ins_1', '{\\\"accounts\\\": []}')\" 2>&1 | grep -q 'not a usable link (no_accounts'"
# a library newer than the schema (itemdup_check.so installed before "itemdup
# migrate"): an error saying what to run, not a missing column's
check "a schema older than the library: an error naming both versions and what to run" bash -c \
	"psql -X -q -v ON_ERROR_STOP=1 -c \"BEGIN; DELETE FROM itemdup.schema_version WHERE version = (SELECT max(version) FROM itemdup.schema_version); SELECT * FROM itemdup.check_link('u1', 'production', 'ins_1', '{\\\"accounts\\\": [{\\\"name\\\": \\\"x\\\", \\\"mask\\\": \\\"0000\\\"}]}'); ROLLBACK\" 2>&1 | grep -q 'schema itemdup is at version [0-9]*, this library was built for [0-9]*: run \"itemdup migrate\"'"

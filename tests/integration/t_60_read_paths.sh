# the flat read path (jsonb) gives exactly what the text path gives: the
# generator's data plus every hostile fixture jsonb can hold, read once
# through each path — text, flat by SQL expressions (flat-sql) and flat by
# itemdup.flat_accounts() of the itemdup_check extension — and compared row
# by row (docs/SCALING.md)
plan 29
run_rc migrate >/dev/null
q "CREATE EXTENSION itemdup_check" >/dev/null
# one jsonb source: generated, basic, hostile (every row jsonb accepts), flat.sql
load_jsonb_mix 3000 7
psql -X -q -v ON_ERROR_STOP=1 -v tbl=sample.items -f tests/integration/fixtures/flat.sql >/dev/null
q "ANALYZE sample.items"

check_eq "text path run exits 0" 0 "$(run_rc run --read-path text --max-reject-ratio 1)"
T=$(q "SELECT max(run_id) FROM itemdup.runs")
check_eq "flat path (SQL expressions) run exits 0" 0 "$(run_rc run --read-path flat-sql --max-reject-ratio 1)"
F=$(q "SELECT max(run_id) FROM itemdup.runs")
check_eq "flat path (the extension's function) run exits 0" 0 "$(run_rc run --read-path flat --max-reject-ratio 1)"
E=$(q "SELECT max(run_id) FROM itemdup.runs")
check_eq "the runs say which path read them" "text|flat|flat-ext" \
	"$(q "SELECT string_agg(stats->>'read_path', '|' ORDER BY run_id) FROM itemdup.runs WHERE run_id IN ($T, $F, $E)")"
# the flat run really read the generated Items flat, the text run none
check_eq "Items read flat: none in the text run, all generated ones in the flat run" "0|1" \
	"$(q "SELECT (SELECT stats->>'items_flat' FROM itemdup.runs WHERE run_id = $T) || '|' || (SELECT ((stats->>'items_flat')::int >= (SELECT count(*) FROM sample.items WHERE removed_at IS NULL AND item_id !~ '^(f_|ok|[A-Z][0-9])'))::int FROM itemdup.runs WHERE run_id = $F)")"
counts() {
	q "SELECT concat_ws('|', items_read, items_skipped, accounts_read, accounts_unkeyable, items_rejected, hot_keys, pairs_scored, groups, items_in_groups, unkeyable_reasons::text, groups_unchanged, groups_new) FROM itemdup.runs WHERE run_id = $1"
}
# every column of every result row, by run
rows() {
	q "SELECT string_agg(concat_ws('|', group_id, environment, institution_id, size, owners, kind, max_score, min_score, first_seen_run, members_hash), E'\n' ORDER BY group_id) FROM itemdup.result_groups WHERE run_id = $2" >"$WORK/$1.groups"
	q "SELECT string_agg(concat_ws('|', group_id, item_id, owner_id, accounts, matched_accounts, created_at, suggested_action), E'\n' ORDER BY item_id COLLATE \"C\") FROM itemdup.result_group_items WHERE run_id = $2" >"$WORK/$1.items"
	q "SELECT string_agg(concat_ws('|', group_id, item_a, item_b, score, evidence::text), E'\n' ORDER BY item_a, item_b) FROM itemdup.result_pairs WHERE run_id = $2" >"$WORK/$1.pairs"
	q "SELECT string_agg(concat_ws('|', item_id, reason, detail), E'\n' ORDER BY item_id COLLATE \"C\", reason, detail) FROM itemdup.rejects WHERE run_id = $2" >"$WORK/$1.rejects"
}
rows text "$T"
rows flat "$F"
rows ext "$E"
check "the source has groups, pairs and rejects to compare" test -s "$WORK/text.groups" -a -s "$WORK/text.pairs" -a -s "$WORK/text.rejects"
check_eq "same counts and unkeyable reasons (but the diff)" "$(counts "$T" | cut -d'|' -f1-10)" "$(counts "$F" | cut -d'|' -f1-10)"
check_eq "every group of the text run is unchanged in the flat run" \
	"$(q "SELECT groups FROM itemdup.runs WHERE run_id = $T")|0" "$(counts "$F" | cut -d'|' -f11-12)"
for k in groups items pairs rejects; do
	check "same $k, row by row" cmp -s "$WORK/text.$k" "$WORK/flat.$k"
done
check_eq "the extension's flat run: the same counts" "$(counts "$T" | cut -d'|' -f1-10)" "$(counts "$E" | cut -d'|' -f1-10)"
for k in groups items pairs rejects; do
	check "the extension's flat run: same $k, row by row" cmp -s "$WORK/text.$k" "$WORK/ext.$k"
done
# a database still at version 1.1 (jsonb columns) with this library: the same
# rows; ALTER EXTENSION UPDATE then takes it to 1.2 (text columns)
q "DROP EXTENSION itemdup_check; CREATE EXTENSION itemdup_check VERSION '1.1'" >/dev/null
run_rc run --read-path flat --max-reject-ratio 1 >/dev/null
rows ext11 "$(q "SELECT max(run_id) FROM itemdup.runs")"
check "the extension at 1.1 (jsonb values): same groups, items, pairs and rejects, row by row" \
	bash -c "for k in groups items pairs rejects; do cmp -s '$WORK/text.'\$k '$WORK/ext11.'\$k || exit 1; done"
q "ALTER EXTENSION itemdup_check UPDATE" >/dev/null
check_eq "ALTER EXTENSION UPDATE takes it to 1.2, whose values are text" "1.2|text" \
	"$(q "SELECT (SELECT extversion FROM pg_extension WHERE extname = 'itemdup_check') || '|' || format_type(t, NULL) FROM pg_proc p, unnest(p.proallargtypes) WITH ORDINALITY a(t, n) WHERE p.oid = 'itemdup.flat_accounts(jsonb)'::regprocedure AND a.n = 6")"
# below the results: for every source row, itemdup.flat_accounts() gives the
# rows and values of the SQL fragment the flat-sql path reads them through
frag=$(grep -v '^--' sql/queries/read_flat_accounts.sql)
cols="a.ord, a.kind, a.item_institution_id, a.item_error, a.name, a.mask, a.persistent_account_id, a.institution_type"
check_eq "itemdup.flat_accounts() = read_flat_accounts.sql, for every payload" 0 "$(q "
SELECT count(*) FROM (SELECT payload AS p FROM sample.items) r
 WHERE (SELECT array_agg(row($cols)::text ORDER BY a.ord) FROM $frag a)
       IS DISTINCT FROM
       (SELECT array_agg(row($cols)::text ORDER BY a.ord) FROM itemdup.flat_accounts(r.p) a)")"
# itemdup.epoch_us() = read_epoch_us.sql at every edge of the range it keeps
epoch=$(grep -v '^--' sql/queries/read_epoch_us.sql | sed 's/:ts/t.ts/g')
edges="(NULL), ('-infinity'), ('infinity'), ('0001-01-01 00:00:00+00'), ('0001-12-31 23:59:59.999999+00 BC'),
       ('9999-12-31 23:59:59.999999+00'), ('10000-01-01 00:00:00+00'), ('1969-12-31 23:59:59.999999+00'),
       ('1970-01-01 00:00:00+00'), ('2026-11-30 12:34:56.789012+00'), ('4713-01-01 00:00:00+00 BC'),
       ('294276-12-31 23:59:59+00'), ('2000-01-01 00:00:00+00'), ('1999-12-31 23:59:59.999999+00')"
check_eq "itemdup.epoch_us() = read_epoch_us.sql at each of 14 edges, of which 7 in range" "0|7" \
	"$(q "SELECT count(*) FILTER (WHERE itemdup.epoch_us(t.ts) IS DISTINCT FROM ($epoch)) || '|' || count(itemdup.epoch_us(t.ts)) FROM (VALUES $edges) t0(ts0), LATERAL (SELECT t0.ts0::timestamptz AS ts) t")"
q "ALTER DATABASE $PGDATABASE SET track_functions = 'all'"
run_rc run --read-path flat --max-reject-ratio 1 >/dev/null
q "ALTER DATABASE $PGDATABASE RESET track_functions"
epoch_calls() { q "SELECT COALESCE(sum(calls), 0) FROM pg_stat_user_functions WHERE schemaname = 'itemdup' AND funcname = 'epoch_us'"; }
for _ in $(seq 1 30); do [ "$(epoch_calls)" -gt 0 ] && break; sleep 0.1; done
check "... and a flat run at 1.2 takes the Items' times from it (one call per time, at least one per Item)" \
	bash -c "[ $(epoch_calls) -ge $(q "SELECT count(*) FROM sample.items") ]"
# the hostile jsonb rows got their reasons on the flat path too (the
# "Production" snapshot of f_snap loses its tie: not a live reject)
check_eq "flat path rejects by reason" "bad_environment:2 bad_item_id:2 bad_timestamp:1 no_accounts:5 not_object:5 null_payload:1 too_deep:3 too_large:1 too_many_accounts:2" \
	"$(q "SELECT string_agg(reason || ':' || n, ' ' ORDER BY reason) FROM (SELECT reason, count(*) n FROM itemdup.rejects WHERE run_id = $F GROUP BY reason) s")"
check_eq "a snapshot tie is decided alike (the 2020 mask wins or loses in both)" \
	"$(q "SELECT string_agg(item_id, ' ' ORDER BY item_id) FROM itemdup.result_group_items WHERE run_id = $T AND item_id LIKE 'f_snap%'")" \
	"$(q "SELECT string_agg(item_id, ' ' ORDER BY item_id) FROM itemdup.result_group_items WHERE run_id = $F AND item_id LIKE 'f_snap%'")"
# auto: flat for jsonb, text for json; --read-path flat on json fails clearly
check_eq "auto reads a jsonb source flat, through the extension when installed" "0|flat-ext" \
	"$(run_rc run --max-reject-ratio 1)|$(q "SELECT stats->>'read_path' FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")"
q "DROP EXTENSION itemdup_check" >/dev/null
check_eq "auto reads a jsonb source flat, through SQL when it is not" "0|flat" \
	"$(run_rc run --max-reject-ratio 1)|$(q "SELECT stats->>'read_path' FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")"
check_eq "auto reads a json source as text" "0|text" \
	"$(run_rc run --source h.items_json --max-reject-ratio 1)|$(q "SELECT stats->>'read_path' FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")"
check_eq "--read-path flat on a json payload exits 1" 1 "$(run_rc run --source h.items_json --read-path flat --max-reject-ratio 1)"
check "... saying why" grep -q "read-path flat needs a jsonb payload column" "$WORK/err"

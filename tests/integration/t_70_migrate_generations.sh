# a version-10 database (sql/001..010 applied by psql as migrate did) whose
# published run carries a packed model (sql/009) is upgraded by "itemdup
# migrate" to two generations of the model tables (sql/011): the tables it
# had become generation 0 as they are, with the new tables' indexes; check
# answers from that model exactly as it does on a database made at version
# 11; the next run writes generation 1, the one after truncates generation 0.
plan 8
run_rc migrate >/dev/null
load_fixture basic
load_fixture check_source
link='{"institution":{"institution_id":"ins_1"},"accounts":[{"name":"Total Checking","mask":"1111"},{"name":"Savings","mask":"2222"}]}'
check_out() { printf '%s' "$link" | "$ITEMDUP" check --owner u1 --environment production --format json 2>/dev/null; }
model_rows() {
	q "SELECT md5(concat_ws('|',
	    (SELECT string_agg(concat_ws(',', run_id, gen, format, key_bucket_bits, name_bucket_bits, item_page_bits, live_items), ';') FROM itemdup.model_runs),
	    (SELECT string_agg(concat_ws(',', run_id, institution_id, items), ';' ORDER BY institution_id) FROM itemdup.model_institutions),
	    (SELECT string_agg(concat_ws(',', run_id, gen, bucket, first_key_no, md5(keys)), ';' ORDER BY bucket) FROM itemdup.model_key_buckets),
	    (SELECT string_agg(concat_ws(',', run_id, gen, bucket, first_name_no, md5(names)), ';' ORDER BY bucket) FROM itemdup.model_name_buckets),
	    (SELECT string_agg(concat_ws(',', run_id, gen, page, first_item_id, md5(items)), ';' ORDER BY page) FROM itemdup.model_item_pages)))"
}
models() { q "SELECT string_agg(run_id || ':' || gen, ',' ORDER BY run_id) FROM itemdup.model_runs"; }

check_eq "a run at version 11 exits 0 (the model carried over below)" 0 "$(run_rc run)"
check_out >"$WORK/t70_v11.json"
v11_rows=$(model_rows)

# the same run, its model and its source in a database at version 10
v10="${PGDATABASE}_v10"
createdb "$v10"
n=0
for f in $(ls sql/[0-9][0-9][0-9]_*.sql | head -n 10); do
	n=$((n + 1))
	PGDATABASE=$v10 psql -X -q -v ON_ERROR_STOP=1 -1 -f "$f" >/dev/null
	PGDATABASE=$v10 q "INSERT INTO itemdup.schema_version (version, name) VALUES ($n, '$(basename "$f")')"
done
PGDATABASE=$v10 load_fixture basic
PGDATABASE=$v10 load_fixture check_source
copy_over() {
	psql -X -q -v ON_ERROR_STOP=1 -c "COPY ($1) TO STDOUT" |
		PGDATABASE=$v10 psql -X -q -v ON_ERROR_STOP=1 -c "COPY $2 FROM STDIN"
}
copy_over "SELECT * FROM itemdup.runs" itemdup.runs
copy_over "SELECT * FROM itemdup.published" itemdup.published
cols="run_id, model, threshold, hot_key_cap, snapshot_at, live_items, params, format, key_bucket_bits, name_bucket_bits, item_page_bits"
copy_over "SELECT $cols FROM itemdup.model_runs" "itemdup.model_runs ($cols)"
copy_over "SELECT * FROM itemdup.model_institutions" itemdup.model_institutions
copy_over "SELECT run_id, bucket, first_key_no, keys FROM itemdup.model_key_buckets" itemdup.model_key_buckets
copy_over "SELECT run_id, bucket, first_name_no, names FROM itemdup.model_name_buckets" itemdup.model_name_buckets
copy_over "SELECT run_id, page, first_item_id, items FROM itemdup.model_item_pages" itemdup.model_item_pages
PGDATABASE=$v10 q "SELECT setval(pg_get_serial_sequence('itemdup.runs', 'run_id'), 1)" >/dev/null
check "the version-10 copy is not at version 11 and has no generations (the test is not vacuous)" \
	test "$(PGDATABASE=$v10 q "SELECT max(version) || '|' || (to_regclass('itemdup.model_item_pages_0') IS NULL) FROM itemdup.schema_version")" = "10|true"

check_eq "migrate from version 10 exits 0" 0 "$(PGDATABASE=$v10 run_rc migrate)"
check_eq "... its model is generation 0, every row as at version 11" "$v11_rows" "$(PGDATABASE=$v10 model_rows)"
check_eq "... the tables it had are generation 0, with the new tables' indexes and nothing else" \
	"model_item_pages_0:2/2|model_key_buckets_0:2/2|model_name_buckets_0:2/2" \
	"$(PGDATABASE=$v10 q "SELECT string_agg(c.relname || ':' || (SELECT count(*) || '/' || count(*) FILTER (WHERE EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)) FROM pg_index i WHERE i.indrelid = c.oid), '|' ORDER BY c.relname) FROM pg_class c WHERE c.relnamespace = 'itemdup'::regnamespace AND c.relkind = 'r' AND c.relname LIKE 'model_%_0'")"
check "check answers from the carried-over model exactly as on the version-11 database" \
	diff "$WORK/t70_v11.json" <(PGDATABASE=$v10 check_out)
check_eq "the next run writes generation 1" "0|2:1" "$(PGDATABASE=$v10 run_rc run)|$(PGDATABASE=$v10 models)"
node0=$(PGDATABASE=$v10 q "SELECT pg_relation_filenode('itemdup.model_item_pages_0')")
check_eq "the run after it truncates generation 0 (the attached table: a new file) and writes there" \
	"0|3:0|t" \
	"$(PGDATABASE=$v10 run_rc run)|$(PGDATABASE=$v10 models)|$(PGDATABASE=$v10 q "SELECT pg_relation_filenode('itemdup.model_item_pages_0') <> $node0")"

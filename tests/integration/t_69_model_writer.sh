# the published model is written by a thread on a connection of its own
# while the run matches, groups and writes its results (src/publish.h): it
# commits only after the results did, into the generation of the model
# tables the published model is not in (sql/011), truncated and written
# frozen in the same transaction (the published model's rows stay in the
# other generation, which no reader uses after the commit); between the two
# commits, or when its commit is lost, readers keep the previous model,
# and a check never waits for the truncation; a generation another session
# holds is deleted instead (that generation, which no reader reads, is
# emptied as the run begins, sql/012, unless held); a writer that fails
# fails the run and publishes nothing; a run that fails while the model is
# written leaves no model row and no connection behind; a role that may not
# open a second connection gets its model written in the publishing
# transaction, as before.
plan 39
psql -X -q -v ON_ERROR_STOP=1 -f sql/roles.sql >/dev/null 2>&1 || true
run_rc migrate >/dev/null
load_fixture basic
load_fixture check_source
# itemdup.check_link() (make test installs the extension: t_53) reads the model as check does
q "GRANT USAGE ON SCHEMA app TO itemdup_job; GRANT SELECT ON app.items TO itemdup_job"
q "CREATE EXTENSION IF NOT EXISTS itemdup_check" >/dev/null
run_rc migrate >/dev/null	# grants on the source view the fixture made
link='{"institution":{"institution_id":"ins_1"},"accounts":[{"name":"Total Checking","mask":"1111"}]}'
check_json() { printf '%s' "$link" | "$ITEMDUP" check --owner u1 --environment production --format json 2>/dev/null; }
# models(): model_runs as run:generation | the runs in the item pages | the published run
models() { q "SELECT (SELECT string_agg(run_id || ':' || gen, ',' ORDER BY run_id) FROM itemdup.model_runs) || '|' || (SELECT string_agg(run_id::text, ',' ORDER BY run_id) FROM (SELECT DISTINCT run_id FROM itemdup.model_item_pages) d) || '|' || (SELECT run_id FROM itemdup.published)"; }
filenode() { q "SELECT pg_relation_filenode('itemdup.model_item_pages_$1')"; }
model_used() { check_json | python3 -c 'import json,sys; print(json.load(sys.stdin)["published_run"])'; }

check_eq "a publishing run exits 0" 0 "$(run_rc run)"
check_eq "its model is the one in the tables, in generation 0: model_runs, item pages, published" "1:0|1|1" "$(models)"
check_json >"$WORK/check1.json"
check_eq "check answers from run 1's model" 1 "$(model_used)"

# killed after the results committed, before the model did
rc=$( (ITEMDUP_FAILPOINT=publish_between_commits "$ITEMDUP" run >/dev/null 2>&1; echo $?) 2>/dev/null)
wait_backend_gone
check_eq "killed between the commits: run 2 is published, run 1's model is still the only one" "1:0|1|2" "$(models)"
check "... and check answers exactly as before, from run 1's model" diff "$WORK/check1.json" <(check_json)
check_eq "the next run publishes its own model in generation 1, run 1's rows left in generation 0" "0|3:1|1,3|3" "$(run_rc run)|$(models)"
node0=$(filenode 0)
# no autovacuum on the generations for the next run: the statistics a check
# plans with must be the run's own
autovac() { for t in key_buckets name_buckets item_pages; do for g in 0 1; do q "ALTER TABLE itemdup.model_${t}_$g SET (autovacuum_enabled = $1)"; done; done; }
autovac off

# killed after the model committed, before the runs' second prune: the
# model's own transaction took run 1's generation, so the swap was one commit
rc=$( (ITEMDUP_FAILPOINT=publish_model_committed "$ITEMDUP" run >/dev/null 2>&1; echo $?) 2>/dev/null)
wait_backend_gone
check_eq "killed after the model's commit: run 4 published, its model in generation 0 where run 1's rows were (the swap was one commit)" "4:0|3,4|4" "$(models)"
check_eq "... check uses it" 4 "$(model_used)"
q "CREATE EXTENSION IF NOT EXISTS pg_visibility" >/dev/null
check_eq "... generation 0 was truncated (a new file), not deleted, and its pages were written frozen" \
	"t|t" "$([ "$(filenode 0)" != "$node0" ] && echo t || echo f)|$(q "SELECT bool_and(all_visible AND all_frozen) FROM pg_visibility_map('itemdup.model_item_pages_0')")"
check_eq "... with statistics taken before its commit (a truncated table has none: the planner could read a bucket through the wrong index)" \
	"model_item_pages_0 true|model_key_buckets_0 true|model_name_buckets_0 true" \
	"$(q "SELECT string_agg(c.relname || ' ' || (c.reltuples = (xpath('//n/text()', query_to_xml('SELECT count(*) AS n FROM itemdup.' || c.relname, false, false, '')))[1]::text::real), '|' ORDER BY c.relname) FROM pg_class c WHERE c.relnamespace = 'itemdup'::regnamespace AND c.relname LIKE 'model_%_0' AND c.relkind = 'r'")"
autovac on
check_eq "... and the next run takes generation 1" "0|5:1|4,5|5" "$(run_rc run)|$(models)"

# while the model is written there are two connections; the run still ends well
ITEMDUP_PAUSEPOINT=publish_model_keys "$ITEMDUP" run --log-format text >/dev/null 2>"$WORK/pause.err" &
pid=$!
for _ in $(seq 1 100); do grep -q "pausepoint publish_model_keys" "$WORK/pause.err" && break; sleep 0.1; done
check_eq "the model is written on a second connection of the job" 2 \
	"$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'itemdup'")"
# the paused run holds generation 0 truncated (ACCESS EXCLUSIVE) until it
# commits: check names generation 1 and never touches it
check_eq "... while it holds generation 0, check answers at once (2: the re-link), from run 5's model" "2|5" \
	"$(PGOPTIONS='-c lock_timeout=5s' timeout 20 bash -c 'printf "%s" "$0" | "$ITEMDUP" check --owner u1 --environment production --format json 2>/dev/null' "$link" >"$WORK/paused.json"; echo $?)|$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["published_run"])' "$WORK/paused.json" 2>/dev/null)"
check_eq "... and so does itemdup.check_link() in the server (a match for u1, from the same model)" "0|t" \
	"$(PGOPTIONS='-c lock_timeout=5s' timeout 20 psql -X -Atq -v ON_ERROR_STOP=1 -c "SELECT count(*) > 0 FROM itemdup.check_link('u1', 'production', 'ins_1', '$link'::jsonb)" >"$WORK/paused.sql" 2>&1; echo $?)|$(cat "$WORK/paused.sql")"
wait $pid
check_eq "... and the run exits 0 with its model published" "0|6:0|5,6|6" "$?|$(models)"
check "... logging how long the model took on its own connection" \
	grep -q "published model: .* keyed items (.* s on its own connection, .* s of it waited for)" "$WORK/pause.err"

# both threads log (every statement at --verbose): each line whole, JSON
check "a --verbose JSON log of a publishing run: every line parses, the model's statements among them" \
	bash -c "'$ITEMDUP' run --verbose --log-format json >/dev/null 2>'$WORK/v.err' && python3 -c \"import json,sys; L=[json.loads(l) for l in open(sys.argv[1])]; sys.exit(0 if any('[model]' in l['msg'] for l in L) else 1)\" '$WORK/v.err'"
check_eq "run 7's model is in generation 1, run 6's rows still in generation 0, which no reader reads" "7:1|6,7|7" "$(models)"
# the writer fails: the run fails, nothing is published, nothing is left
q "CREATE FUNCTION public.refuse() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RAISE EXCEPTION 'model writes refused here'; END \$\$"
q "CREATE TRIGGER refuse BEFORE INSERT ON itemdup.model_item_pages FOR EACH ROW EXECUTE FUNCTION public.refuse()"
groups_before=$(q "SELECT count(*) FROM itemdup.result_groups")
check_eq "a model writer that fails fails the run: exit 1" 1 "$(run_rc run)"
check "... naming the model and the server's error" \
	grep -q "publishing failed: writing the published model failed: .*model writes refused here" "$WORK/err"
check_eq "... run 8 failed, run 7 and its model still published, no result row added (run 6's rows were emptied at its start: sql/012)" \
	"failed|7:1|7|7|$groups_before" \
	"$(q "SELECT status FROM itemdup.runs WHERE run_id = 8")|$(models)|$(q "SELECT count(*) FROM itemdup.result_groups")"
check "... and no connection of the job is left" wait_backend_gone
q "DROP TRIGGER refuse ON itemdup.model_item_pages"

# the run fails in matching while the model is being written
check_eq "a run that trips --max-pairs while the model is written exits 1" 1 "$(run_rc run --max-pairs 1)"
check_eq "... run 9 failed; no model row of it; run 7 still published with its model" \
	"failed|7:1|7|7" "$(q "SELECT status FROM itemdup.runs WHERE run_id = 9")|$(models)"
check "... and no connection of the job is left (the writer stopped and rolled back)" wait_backend_gone

# the writer starts when the source's COPY ends, before the guards: a guard
# that fails stops it while it numbers keys or waits for the counts
check_eq "a publishing run whose guard fails (--min-items) exits 1" 1 \
	"$(run_rc run --min-items 1000000 --verbose --log-format text)"
check "... its model's transaction rolled back on its connection" \
	bash -c "grep -q 'model pid .*-- rollback' '$WORK/err' && ! grep -q 'rollback of the published model.s transaction failed' '$WORK/err'"
check_eq "... run 10 failed on the guard; no model row of it; run 7 still published with its model" \
	"failed|7:1|7|7" "$(q "SELECT status FROM itemdup.runs WHERE run_id = 10")|$(models)"
check "... whose model connection emptied the next generation before the source's COPY began, in a transaction of its own (sql/012)" \
	bash -c "grep -n 'model pid .*-- model_clear_generation' '$WORK/err' | head -1 | cut -d: -f1 > '$WORK/clear.n' && grep -n 'read path:' '$WORK/err' | head -1 | cut -d: -f1 > '$WORK/read.n' && [ -s '$WORK/clear.n' ] && [ \$(cat '$WORK/clear.n') -lt \$(cat '$WORK/read.n') ]"
check "... and no connection of the job is left (the writer stopped and rolled back)" wait_backend_gone

# a role allowed one connection: the model goes into the publishing transaction
psql -X -q -v ON_ERROR_STOP=1 -f sql/roles.sql >/dev/null 2>&1 || true
run_rc migrate >/dev/null
q "DO \$\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 't69_one') THEN CREATE ROLE t69_one LOGIN CONNECTION LIMIT 1; END IF; END\$\$; GRANT itemdup_job TO t69_one; GRANT USAGE ON SCHEMA app TO itemdup_job; GRANT SELECT ON app.items TO itemdup_job"
check_eq "a role with CONNECTION LIMIT 1 still publishes: exit 0, its model in generation 0" "0|11:0|7,11|11" \
	"$(PGUSER=t69_one run_rc run --log-format text)|$(models)"
check "... warning that the model is written in the publishing transaction" \
	grep -q "warning.*no second connection for the published model" "$WORK/err"
check "... which the model's log line says, with no error line" \
	bash -c "grep -q 'keyed items (.* s in the publishing transaction)' '$WORK/err' && ! grep -q ' error ' '$WORK/err'"
# in passes, with that one connection: the passes' models merged in the
# publishing transaction, byte for byte the one-pass model just published
newest="(SELECT max(run_id) FROM itemdup.model_runs)"
model_bytes() { q "SELECT md5(string_agg(md5(keys), ',' ORDER BY bucket)) || (SELECT md5(string_agg(md5(names), ',' ORDER BY bucket)) FROM itemdup.model_name_buckets WHERE run_id = $newest) || (SELECT md5(string_agg(first_item_id || md5(items), ',' ORDER BY page)) FROM itemdup.model_item_pages WHERE run_id = $newest) FROM itemdup.model_key_buckets WHERE run_id = $newest"; }
one=$(model_bytes)
check_eq "the same role publishes in 3 passes: exit 0, run 12's model in generation 1, the one-pass model's bytes" "0|12:1|11,12|12|$one" \
	"$(PGUSER=t69_one run_rc run --partitions 3 --log-format text)|$(models)|$(model_bytes)"
check "... merged in the publishing transaction, with no error line" \
	bash -c "grep -q 'merging 3 passes' '$WORK/err' && grep -q 'keyed items (.* s in the publishing transaction)' '$WORK/err' && ! grep -q ' error ' '$WORK/err'"

# a session holding the generation the next run takes (a query through the
# parent without gen locks both partitions, as pg_dump does): the run does
# not wait for it, deletes that generation's rows instead and publishes
node0=$(filenode 0)
psql -X -q -c "BEGIN; SELECT count(*) FROM itemdup.model_item_pages; SELECT pg_sleep(60); COMMIT" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 1 100); do
	[ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.relation = 'itemdup.model_item_pages_0'::regclass AND a.query LIKE '%pg_sleep%'")" = 1 ] && break
	sleep 0.1
done
check_eq "a run whose generation 0 another session holds exits 0 and publishes there" "0|13:0|12,13|13" \
	"$(run_rc run --log-format text --verbose)|$(models)"
check "... not waiting for it at the start either: not emptied ahead (sql/012)" \
	grep -q "the model's next generation is held by another session: not emptied ahead" "$WORK/err"
check "... logging that the generation's rows were deleted instead of truncated" \
	grep -q "generation 0 of the model tables is held by another session, so its rows were deleted instead of truncated" "$WORK/err"
check_eq "... the same file (deleted, not truncated), run 11's rows gone, and check uses run 13's model" \
	"$node0|0|13" "$(filenode 0)|$(q "SELECT count(*) FROM itemdup.model_item_pages WHERE run_id = 11")|$(model_used)"
kill "$holder" 2>/dev/null
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()" >/dev/null

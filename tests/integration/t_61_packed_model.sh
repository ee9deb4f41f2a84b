# the packed published model (sql/009): lookups confirm every key's full
# text even when all keys hash alike; a publish killed or cancelled halfway
# through the model leaves the previous model byte for byte; a model that
# does not parse or is in an unknown format is an error, never a crash.
plan 21
run_rc migrate >/dev/null
load_fixture basic
load_fixture check_source

# one line per corpus input (fixtures/check_links.tsv): verdict and matches with exact scores
cli_line() {
	local owner=$1 env=$2 inst=$3 json=$4 args
	args=(--owner "$owner" --environment "$env" --format json)
	[ "$inst" != - ] && args+=(--institution "$inst")
	local out rc
	out=$(printf '%s' "$json" | "$ITEMDUP" check "${args[@]}" 2>/dev/null)
	rc=$?
	# a usage error (exit 64) prints no JSON: its exit code stands for it
	if [ -z "$out" ]; then echo "exit $rc"; return; fi
	printf '%s' "$out" |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["verdict"], " ".join("%s/%s/%s=%r" % (m["item_id"], m["owner_id"], m["same_owner"], m["score"]) for m in d["matches"]))'
}
corpus() {
	local name owner env inst expected json
	while IFS=$'\t' read -r name owner env inst expected json; do
		case "$name" in '#'*|'') continue ;; esac
		echo "$name: $(cli_line "$owner" "$env" "$inst" "$json")"
	done <tests/integration/fixtures/check_links.tsv
	# the published key's name and institution with another mask, and its mask at another institution
	echo "t61_other_mask: $(cli_line u1 production ins_1 '{"accounts":[{"name":"Total Checking","mask":"9999"},{"name":"Savings","mask":"2223"}]}')"
	echo "t61_other_institution: $(cli_line u1 production ins_7 '{"accounts":[{"name":"Total Checking","mask":"1111"},{"name":"Savings","mask":"2222"}]}')"
}
# explain's score of two pairs (exact), whether they are candidates, and the keys they share
explain_pair() {
	local out rc
	for pair in "I1 I2" "I1 N1"; do
		# shellcheck disable=SC2086
		out=$("$ITEMDUP" explain $pair --format json 2>/dev/null)
		rc=$?
		# no JSON (I1 N1: N1 has no institution): the exit code stands for it
		if [ -z "$out" ]; then echo "exit $rc"; continue; fi
		printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(repr(d.get("score")), d.get("candidate"), sorted(json.dumps(k, sort_keys=True) for k in (d.get("evidence") or {}).get("shared_keys", [])))'
	done
}
# the published model's run: the newest in model_runs (the one before it
# stays in the other generation, sql/011)
newest="(SELECT max(run_id) FROM itemdup.model_runs)"
# every row of the published model (model_runs, its institutions and its
# generation's packed rows), as one checksum; the other generation, which
# no reader reads, is emptied as each publishing run begins (sql/012)
model_sum() {
	q "SELECT md5(concat_ws('|',
	    (SELECT string_agg(concat_ws(',', run_id, gen, format, key_bucket_bits, name_bucket_bits, item_page_bits), ';') FROM itemdup.model_runs),
	    (SELECT string_agg(concat_ws(',', run_id, institution_id, items), ';' ORDER BY institution_id) FROM itemdup.model_institutions),
	    (SELECT string_agg(concat_ws(',', run_id, bucket, first_key_no, md5(keys)), ';' ORDER BY run_id, bucket) FROM itemdup.model_key_buckets b WHERE (run_id, gen) IN (SELECT run_id, gen FROM itemdup.model_runs)),
	    (SELECT string_agg(concat_ws(',', run_id, bucket, md5(names)), ';' ORDER BY run_id, bucket) FROM itemdup.model_name_buckets WHERE (run_id, gen) IN (SELECT run_id, gen FROM itemdup.model_runs)),
	    (SELECT string_agg(concat_ws(',', run_id, page, first_item_id, md5(items)), ';' ORDER BY run_id, page) FROM itemdup.model_item_pages WHERE (run_id, gen) IN (SELECT run_id, gen FROM itemdup.model_runs))))"
}

check_eq "run exits 0" 0 "$(run_rc run)"
corpus >"$WORK/normal.txt"
explain_pair >"$WORK/normal_explain.txt"
check "the corpus finds duplicates and explain scores I1 I2 as a candidate (the comparisons below are not vacuous)" \
	bash -c "grep -q '^relink_same_owner: duplicate I1' '$WORK/normal.txt' && grep -q '^[0-9.]* True ' '$WORK/normal_explain.txt'"

# ITEMDUP_MODEL_CONSTANT_HASH (test build): every key, name and persistent id hashes alike
export ITEMDUP_MODEL_CONSTANT_HASH=1
check_eq "a run where every model hash collides exits 0" 0 "$(run_rc run)"
check_eq "... its keys all in one bucket row, every key stored once" "1|t" \
	"$(q "SELECT count(*), bool_and(length(keys) > 100) FROM itemdup.model_key_buckets WHERE run_id = $newest")"
corpus >"$WORK/collide.txt"
check "check gives the same verdicts, Items and scores to the bit as with distinct hashes" \
	diff "$WORK/normal.txt" "$WORK/collide.txt"
check_eq "... another mask or another institution joins no published key" "t61_other_mask: none |t61_other_institution: none " \
	"$(grep -E '^t61_other_' "$WORK/collide.txt" | paste -sd '|')"
explain_pair >"$WORK/collide_explain.txt"
check "explain scores the pairs as with distinct hashes" diff "$WORK/normal_explain.txt" "$WORK/collide_explain.txt"
# in passes, the equal hashes of different passes' keys are merged in pass
# order (docs/SCALING.md "Publishing runs in passes"): another order of the
# bucket, the same answers
check_eq "a run in 3 passes where every model hash collides exits 0" 0 "$(run_rc run --partitions 3)"
corpus >"$WORK/collide3.txt"
check "... check gives the same verdicts, Items and scores as with distinct hashes" \
	diff "$WORK/normal.txt" "$WORK/collide3.txt"
explain_pair >"$WORK/collide3_explain.txt"
check "... and explain the same scores" diff "$WORK/normal_explain.txt" "$WORK/collide3_explain.txt"
unset ITEMDUP_MODEL_CONSTANT_HASH
check_eq "a run with the real hashes exits 0" 0 "$(run_rc run)"
# as many passes as a run may make (docs/SCALING.md "Publishing runs in
# passes"): most classes hold no institution (their passes spill nothing),
# the rest one each; the model merged from them is one pass's, row by row
model_rows() {
	q "SELECT md5(concat_ws('|',
	    (SELECT string_agg(concat_ws(',', bucket, first_key_no, md5(keys)), ';' ORDER BY bucket) FROM itemdup.model_key_buckets WHERE run_id = $newest),
	    (SELECT string_agg(concat_ws(',', bucket, first_name_no, md5(names)), ';' ORDER BY bucket) FROM itemdup.model_name_buckets WHERE run_id = $newest),
	    (SELECT string_agg(concat_ws(',', page, first_item_id, md5(items)), ';' ORDER BY page) FROM itemdup.model_item_pages WHERE run_id = $newest),
	    (SELECT string_agg(institution_id || ':' || items, ';' ORDER BY institution_id) FROM itemdup.model_institutions WHERE run_id = $newest),
	    (SELECT string_agg(concat_ws(',', live_items, key_bucket_bits, name_bucket_bits), ';') FROM itemdup.model_runs WHERE run_id = $newest)))"
}
one=$(model_rows)
check_eq "a run in 256 passes exits 0" 0 "$(run_rc run --partitions 256)"
check_eq "... and publishes the one-pass model, row by row" "$one" "$(model_rows)"
before=$(model_sum)
pub=$(q "SELECT run_id FROM itemdup.published")

# killed halfway through the model (key buckets written, names and Items not)
rc=$( (ITEMDUP_FAILPOINT=publish_model_keys "$ITEMDUP" run >/dev/null 2>&1; echo $?) 2>/dev/null)
wait_backend_gone
check_eq "SIGKILL halfway through the model: the previous model row for row" "$before|$pub" "$(model_sum)|$(q "SELECT run_id FROM itemdup.published")"
# SIGTERM there: the job cancels the COPY, rolls back and exits 1
ITEMDUP_PAUSEPOINT=publish_model_keys "$ITEMDUP" run --log-format text >/dev/null 2>"$WORK/sig.err" &
pid=$!
for _ in $(seq 1 100); do grep -q "pausepoint publish_model_keys" "$WORK/sig.err" && break; sleep 0.1; done
kill -TERM $pid
wait $pid
check_eq "SIGTERM halfway through the model: exit 1" 1 "$?"
check_eq "... the previous model row for row, still published" "$before|$pub" "$(model_sum)|$(q "SELECT run_id FROM itemdup.published")"
check "... and check still answers from it" diff "$WORK/normal.txt" <(corpus)

# a packed row that does not parse, and a format this binary does not read
q "UPDATE itemdup.model_name_buckets SET names = substring(names FROM 1 FOR 3)"
check "a truncated name bucket: explain of a pair exits 1 saying the model is corrupt" \
	bash -c "'$ITEMDUP' explain I1 I2 >/dev/null 2>'$WORK/ex.err'; [ \$? = 1 ] && grep -q 'published model of run $pub is corrupt' '$WORK/ex.err'"
q "UPDATE itemdup.model_key_buckets SET keys = '\\x00ff'::bytea"
link='{"institution":{"institution_id":"ins_1"},"accounts":[{"name":"Total Checking","mask":"1111"}]}'
rc=$(printf '%s' "$link" | "$ITEMDUP" check --owner u1 --environment production >/dev/null 2>"$WORK/err"; echo $?)
check_eq "a corrupt key bucket: check exits 1 (not a crash)" 1 "$rc"
check "... saying the published model is corrupt" grep -q "published model of run $pub is corrupt" "$WORK/err"
q "UPDATE itemdup.model_runs SET format = 99"
rc=$(printf '%s' "$link" | "$ITEMDUP" check --owner u1 --environment production >/dev/null 2>"$WORK/err"; echo $?)
check "a model in format 99: check exits 1 naming both formats" \
	bash -c "[ $rc = 1 ] && grep -q 'in format 99, this itemdup reads format 1' '$WORK/err'"

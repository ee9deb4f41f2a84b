# --partitions N gives exactly what one pass gives (docs/SCALING.md,
# "--partitions N"): the generator's data (several hundred institutions,
# legacy rows through institution_map), every basic and hostile fixture row
# jsonb can hold, and snapshots of one item_id at institutions of different
# classes (a move, a removal, an updated_at tie), read after a published run
# and a change, so the run diff, inherited and fresh group ids are compared
# too; then a signal between and inside the passes, runs that publish
# (results and the published model against one pass's), and the refusals.
plan 57
run_rc migrate >/dev/null
load_jsonb_mix 30000 11
check_eq "the published baseline run exits 0" 0 "$(run_rc run --max-reject-ratio 1)"
PUB=$(q "SELECT run_id FROM itemdup.published")

# the change: a few generated Items gone (groups shrink or dissolve), and
# Items whose snapshots sit at two institutions: s_move moved from ins_k to
# ins_k+6 (its twin is at the new one), s_gone's newer snapshot elsewhere is
# removed, s_tie's two snapshots tie on updated_at (the row hash decides)
q "DELETE FROM sample.items WHERE item_id IN (SELECT item_a FROM sample.truth ORDER BY item_a LIMIT 40)"
acct() { echo "{\"accounts\":[{\"name\":\"Moved Checking $1\",\"mask\":\"77$1\"}],\"item\":{\"institution_id\":\"$2\"}}"; }
for k in 1 2 3 4 5 6; do
	q "INSERT INTO sample.items VALUES
	  ('s_move$k', 'mo$k', 'production', NULL, '$(acct $k ins_$k)', '2024-01-01', '2024-01-01', NULL),
	  ('s_move$k', 'mo$k', 'production', NULL, '$(acct $k ins_$((k + 6)))', '2024-01-01', '2024-06-01', NULL),
	  ('s_twin$k', 'mo$k', 'production', NULL, '$(acct $k ins_$((k + 6)))', '2024-02-01', '2024-02-01', NULL),
	  ('s_gone$k', 'mo$k', 'production', NULL, '$(acct $k ins_$k)', '2024-01-01', '2024-01-01', NULL),
	  ('s_gone$k', 'mo$k', 'production', NULL, '$(acct $k ins_$((k + 6)))', '2024-01-01', '2024-07-01', '2024-07-01'),
	  ('s_tie$k', 'mo$k', 'production', NULL, '$(acct $k ins_$k)', '2024-01-01', '2024-05-01', NULL),
	  ('s_tie$k', 'mo$k', 'production', NULL, '$(acct $k ins_$((k + 6)))', '2024-01-01', '2024-05-01', NULL)"
done
q "ANALYZE sample.items"

# every column of every result row of a run, one file per table
# ($WORK/runR.1 counts .. .7 rejects); a group id the run made is numbered
# from the run's first fresh id (fresh ids are consecutive), an inherited one
# is kept as it is, the run's own id is "this"
dump() {
	local r=$1 g
	g="WITH g AS (SELECT group_id, CASE WHEN first_seen_run = $r THEN 'f' || (group_id - min(group_id) FILTER (WHERE first_seen_run = $r) OVER ()) ELSE group_id::text END AS gid FROM itemdup.result_groups WHERE run_id = $r)"
	q "SELECT concat_ws('|', items_read, items_skipped, accounts_read, accounts_unkeyable, items_rejected, hot_keys, pairs_scored, groups, items_in_groups, unkeyable_reasons::text, groups_new, groups_grown, groups_shrunk, groups_merged, groups_split, groups_dissolved, groups_unchanged) FROM itemdup.runs WHERE run_id = $r" >"$WORK/run$r.1"
	q "$g SELECT string_agg(concat_ws('|', g.gid, environment, institution_id, size, owners, kind, max_score, min_score, CASE WHEN first_seen_run = $r THEN 'this' ELSE first_seen_run::text END, members_hash), E'\n' ORDER BY g.gid) FROM itemdup.result_groups x JOIN g USING (group_id) WHERE run_id = $r" >"$WORK/run$r.2"
	q "$g SELECT string_agg(concat_ws('|', g.gid, item_id, owner_id, accounts, matched_accounts, created_at, suggested_action), E'\n' ORDER BY item_id COLLATE \"C\") FROM itemdup.result_group_items x JOIN g USING (group_id) WHERE run_id = $r" >"$WORK/run$r.3"
	q "$g SELECT string_agg(concat_ws('|', g.gid, item_a, item_b, score, evidence::text), E'\n' ORDER BY item_a, item_b) FROM itemdup.result_pairs x JOIN g USING (group_id) WHERE run_id = $r" >"$WORK/run$r.4"
	q "SELECT string_agg(concat_ws('|', item_a, item_b, score, sampled_as, evidence::text), E'\n' ORDER BY item_a, item_b) FROM itemdup.result_near_misses WHERE run_id = $r" >"$WORK/run$r.5"
	q "SELECT string_agg(concat_ws('|', score_from, score_to, pairs), E'\n' ORDER BY score_from) FROM itemdup.result_score_bins WHERE run_id = $r" >"$WORK/run$r.6"
	q "SELECT string_agg(concat_ws('|', item_id, reason, detail), E'\n' ORDER BY item_id COLLATE \"C\", reason, detail) FROM itemdup.rejects WHERE run_id = $r" >"$WORK/run$r.7"
}
dry() { run_rc run --dry-run --max-reject-ratio 1 "$@"; }
last_run() { q "SELECT max(run_id) FROM itemdup.runs"; }

check_eq "one-pass dry run exits 0" 0 "$(dry)"
ONE=$(last_run)
dump "$ONE"
check "the runs have groups, pairs, near misses, rejects and a diff to compare" test \
	"$(q "SELECT (SELECT count(*) > 0 FROM itemdup.result_pairs WHERE run_id = $ONE) AND (SELECT count(*) > 0 FROM itemdup.result_near_misses WHERE run_id = $ONE) AND (SELECT count(*) > 5 FROM itemdup.rejects WHERE run_id = $ONE) AND (SELECT groups_new > 0 AND groups_dissolved + groups_shrunk > 0 AND groups_unchanged > 0 FROM itemdup.runs WHERE run_id = $ONE)")" = t
check_eq "one pass: the moved Items joined their twins at the new institution, the removed and tied ones were decided" \
	"$(q "SELECT string_agg(item_id || '@' || g.institution_id, ' ' ORDER BY item_id) FROM itemdup.result_group_items i JOIN itemdup.result_groups g USING (run_id, group_id) WHERE run_id = $ONE AND item_id ~ '^s_(move|twin)'")" \
	"s_move1@ins_7 s_move2@ins_8 s_move3@ins_9 s_move4@ins_10 s_move5@ins_11 s_move6@ins_12 s_twin1@ins_7 s_twin2@ins_8 s_twin3@ins_9 s_twin4@ins_10 s_twin5@ins_11 s_twin6@ins_12"

for n in 4 16; do
	check_eq "--partitions $n dry run exits 0" 0 "$(dry --partitions $n)"
	R=$(last_run)
	dump "$R"
	for part in 1:counts 2:groups 3:members 4:pairs 5:near_misses 6:score_bins 7:rejects; do
		check "--partitions $n: same ${part#*:}, row by row" \
			cmp -s "$WORK/run$ONE.${part%%:*}" "$WORK/run$R.${part%%:*}"
	done
	check_eq "--partitions $n: the passes read $n classes in the stats" "$n" \
		"$(q "SELECT stats->>'partitions' FROM itemdup.runs WHERE run_id = $R")"
done
# the classes are balanced by the census's live Items per institution (the
# generator's largest institution holds about 16 %): four classes within 5 %
# of a quarter each, where a hash of the institution put 41 % in one at 1 M
check_eq "--partitions 4 dry run exits 0 (the classes logged)" 0 "$(dry --partitions 4 --log-format text)"
read -r most total < <(grep -o 'the largest class holds [0-9]* of [0-9]*' "$WORK/err" | grep -o '[0-9][0-9]*' | paste -sd ' ')
check "--partitions 4: the largest class holds ${most:-?} of ${total:-?} live Items, within 5 % of a quarter" \
	test -n "$most" -a "$((${most:-0} * 400))" -le "$((${total:-0} * 105))" -a "${total:-0}" -gt 1000
check_eq "... and the largest pass held at most 31 % of the rows (35 % with classes by a hash of the institution)" t \
	"$(q "SELECT (stats->>'partition_items_max')::int * 100 <= items_read * 31 FROM itemdup.runs WHERE run_id = $(last_run)")"
check_eq "--partitions 16: the largest pass held fewer than half the Items" t \
	"$(q "SELECT (stats->>'partition_items_max')::int * 2 < items_read FROM itemdup.runs WHERE run_id = $(last_run)")"

# the text read path, partitioned, against one pass of it
check_eq "text path: one pass exits 0" 0 "$(dry --read-path text)"
T1=$(last_run)
dump "$T1"
check_eq "text path: --partitions 4 exits 0" 0 "$(dry --read-path text --partitions 4)"
T4=$(last_run)
dump "$T4"
check "text path: --partitions 4 gives the one-pass results, every table" \
	cmp -s <(cat "$WORK/run$T1".?) <(cat "$WORK/run$T4".?)

# memory: the release build, one pass against sixteen, the least of three
# runs each in KiB.  On these 30,000 Items the passes save about 1.3-1.5 MiB
# of 18.7 (17.3-17.4 against 18.7-18.8 MiB, seventeenth session); the
# sanitizer build, whose shadow memory and redzones blur it, showed 0.1-0.7
# MiB of 34.5 and once none, with a peak moving by a few hundred KiB with
# what the page cache holds of the binary and its libraries
rss() { python3 tests/integration/maxrss.py --kib "$WORK/rss.out" "$ROOT/build/itemdup" run --dry-run --max-reject-ratio 1 "$@" | cut -d' ' -f2; }
least_rss() {
	local m best=
	for _ in 1 2 3; do
		m=$(rss "$@")
		if [ -z "$best" ] || [ "$m" -lt "$best" ]; then best=$m; fi
	done
	echo "$best"
}
m1=$(least_rss)
m16=$(least_rss --partitions 16)
check "peak RSS falls with --partitions 16 ($m1 -> $m16 KiB, the least of 3 runs each)" test "$m16" -lt "$m1"

# a signal inside a pass, between the rounds and inside a match pass: exit
# 1, the run failed, the published results untouched
before=$(q "SELECT run_id, (SELECT count(*) FROM itemdup.current_group_items) FROM itemdup.published")
for point in mid_read after_read in_match; do
	: >"$WORK/sig.err"
	ITEMDUP_PAUSEPOINT=$point "$ITEMDUP" run --dry-run --partitions 4 --max-reject-ratio 1 \
		--log-format text >/dev/null 2>"$WORK/sig.err" &
	pid=$!
	for _ in $(seq 1 400); do grep -q "pausepoint $point" "$WORK/sig.err" && break; sleep 0.05; done
	kill -TERM "$pid"
	wait "$pid"
	check_eq "SIGTERM at $point of a partitioned run: exit 1" 1 "$?"
	check_eq "... the run is failed with the signal named" "failed|1" \
		"$(q "SELECT status || '|' || (error LIKE 'interrupted by a signal%')::int::text FROM itemdup.runs WHERE run_id = $(last_run)")"
done
check_eq "the published results are untouched" "$before" \
	"$(q "SELECT run_id, (SELECT count(*) FROM itemdup.current_group_items) FROM itemdup.published")"

# a run that publishes, in passes (docs/SCALING.md "Publishing runs in
# passes"): its results are the one-pass dry run's (both against the same
# published run), and the model it merged from the passes' spilled models
# is, row by row and byte by byte, the one a one-pass run then publishes
# (the published model: the newest in model_runs; sql/011 keeps the one
# before it in the other generation)
newest="(SELECT max(run_id) FROM itemdup.model_runs)"
model_dump() {
	q "SELECT concat_ws('|', model, threshold, hot_key_cap, live_items, params::text, format, key_bucket_bits, name_bucket_bits, item_page_bits) FROM itemdup.model_runs WHERE run_id = $newest"
	q "SELECT string_agg(institution_id || ':' || items, ',' ORDER BY institution_id COLLATE \"C\") FROM itemdup.model_institutions WHERE run_id = $newest"
	q "SELECT count(*) || ':' || string_agg(concat_ws(':', bucket, first_key_no, md5(keys)), ',' ORDER BY bucket) FROM itemdup.model_key_buckets WHERE run_id = $newest"
	q "SELECT count(*) || ':' || string_agg(concat_ws(':', bucket, first_name_no, md5(names)), ',' ORDER BY bucket) FROM itemdup.model_name_buckets WHERE run_id = $newest"
	q "SELECT count(*) || ':' || string_agg(concat_ws(':', page, first_item_id, md5(items)), ',' ORDER BY page) FROM itemdup.model_item_pages WHERE run_id = $newest"
}
model_before=$(model_dump)
check_eq "a nightly run with --partitions 4 exits 0" 0 "$(run_rc run --partitions 4 --max-reject-ratio 1 --log-format text)"
P4=$(last_run)
check_eq "... and is published, with its model" "$P4|$P4" "$(q "SELECT run_id FROM itemdup.published")|$(q "SELECT max(run_id) FROM itemdup.model_runs")"
dump "$P4"
check "... its results are the one-pass dry run's, every table" \
	cmp -s <(cat "$WORK/run$ONE".?) <(cat "$WORK/run$P4".?)
model_dump >"$WORK/model.p4"
check "... its model has keys, names, Items and institutions, and is not the previous one" \
	test "$(grep -c '^[1-9][0-9]*:' "$WORK/model.p4")" = 3 -a "$(cat "$WORK/model.p4")" != "$model_before"
counted() { grep -o "published model: [0-9]* keys, [0-9]* persistent ids, [0-9]* keyed items" "$WORK/err"; }
check "... the log names the passes merged and the model's counts" \
	test -n "$(grep -o 'published model: merging 4 passes' "$WORK/err")" -a -n "$(counted)"
p4_counts=$(counted)
check_eq "then a one-pass nightly run exits 0" 0 "$(run_rc run --max-reject-ratio 1 --log-format text)"
check_eq "... and logs the same counts for its model" "$p4_counts" "$(counted)"
model_dump >"$WORK/model.p1"
check "... and publishes the model the four passes published, row by row" cmp -s "$WORK/model.p1" "$WORK/model.p4"
check_eq "a nightly run with --partitions 16 exits 0" 0 "$(run_rc run --partitions 16 --max-reject-ratio 1)"
check "... the same model again" cmp -s <(model_dump) "$WORK/model.p1"

# the passes' models go to $TMPDIR: when it cannot take them the run fails
# before publishing anything; a signal while a publishing run is in its
# passes fails it alike; the published run and its model stay as they were
published() { echo "$(q "SELECT run_id FROM itemdup.published")|$(model_dump | md5sum)"; }
before=$(published)
check_eq "a publishing run in passes with TMPDIR missing: exit 1" 1 \
	"$(TMPDIR=$WORK/no-such-dir run_rc run --partitions 4 --max-reject-ratio 1)"
check "... naming the temporary file" grep -q "could not make a temporary file for the published model" "$WORK/err"
check_eq "... nothing published, the model unchanged" "$before" "$(published)"
# temporary files that cannot grow (a 1 MB file size limit: the job ignores
# SIGXFSZ, so a write fails with EFBIG as a full disk fails it with ENOSPC;
# the passes spill about 5 MB here)
check_eq "a publishing run in passes whose temporary files cannot grow: exit 1" 1 \
	"$(ulimit -f 1024; run_rc run --partitions 4 --max-reject-ratio 1)"
check "... naming the write that failed" grep -q "could not write the published model's temporary file: File too large" "$WORK/err"
check_eq "... nothing published, the model unchanged" "$before" "$(published)"
check_eq "... and the run is marked failed with that reason" "failed|1" \
	"$(q "SELECT status || '|' || (error LIKE '%temporary file: File too large%')::int::text FROM itemdup.runs WHERE run_id = $(last_run)")"
: >"$WORK/sig.err"
ITEMDUP_PAUSEPOINT=in_match "$ITEMDUP" run --partitions 4 --max-reject-ratio 1 --log-format text \
	>/dev/null 2>"$WORK/sig.err" &
pid=$!
for _ in $(seq 1 400); do grep -q "pausepoint in_match" "$WORK/sig.err" && break; sleep 0.05; done
kill -TERM "$pid"
wait "$pid"
check_eq "SIGTERM in a publishing run's match pass: exit 1" 1 "$?"
check_eq "... nothing published, the model unchanged" "$before" "$(published)"

# values out of range are refused before connecting
check_eq "--partitions 0 and 257 are usage errors" "64 64" \
	"$(run_rc run --dry-run --partitions 0) $(run_rc run --dry-run --partitions 257)"

# explain A B scores any two Items with the published run's model and gives
# the run's own score for every candidate pair (kept or not), to 1e-9; its
# text lists every term and the terms add up to the printed score.
plan 10
run_rc migrate >/dev/null
"$ITEMDUP_GEN" --items 3000 --seed 7 --out "$WORK/g50" 2>/dev/null
bash scripts/load-sample.sh "$WORK/g50" >/dev/null 2>&1
check_eq "run with the candidate dump exits 0" 0 \
	"$(ITEMDUP_DUMP_CANDIDATES="$WORK/cand50.tsv" run_rc run)"
n=$(wc -l <"$WORK/cand50.tsv")
# pairs_scored counts the pairs at or above the pruning floor (threshold 5 -
# margin 10); the dump also has those below it that the index found anyway
check_eq "the dump holds every candidate pair the run counted (at or above the floor)" \
	"$(q "SELECT pairs_scored FROM itemdup.runs")" "$(awk -F'\t' '$3 >= -5' "$WORK/cand50.tsv" | wc -l)"
below=$(awk -F'\t' '$3 < 5' "$WORK/cand50.tsv" | wc -l)
check "most candidates are below the threshold (not kept): $below of $n" test "$below" -gt $((n / 2))
ITEMDUP_EXPLAIN_BATCH="$WORK/cand50.tsv" "$ITEMDUP" explain x >"$WORK/exp50.tsv" 2>"$WORK/err"
bad=$(paste "$WORK/cand50.tsv" "$WORK/exp50.tsv" | awk -F'\t' '
	{ d = $3 - $6; if (d < 0) d = -d; if ($1 != $4 || $2 != $5 || !(d <= 1e-9)) bad++ }
	END { print bad + 0 }')
check_eq "explain gives the run's score for all $n candidate pairs (1e-9)" 0 "$bad"
check_eq "... one answer per pair" "$n" "$(wc -l <"$WORK/exp50.tsv")"
# the real command line on a sample, below and above the threshold
ok=0
for line in $(awk -F'\t' 'NR % 100 == 1 { print $1 "," $2 "," $3 }' "$WORK/cand50.tsv"); do
	IFS=, read -r a b s <<<"$line"
	"$ITEMDUP" explain "$a" "$b" --format json >"$WORK/out" 2>/dev/null || continue
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if abs(d["score"]-float(sys.argv[2]))<=1e-9 and d["candidate"] else 1)' "$WORK/out" "$s" && ok=$((ok + 1))
done
check_eq "explain A B --format json agrees on a sample of the command line" \
	"$(awk 'NR % 100 == 1' "$WORK/cand50.tsv" | wc -l)" "$ok"
# text: every term on its own line; the terms add up to the total
IFS=$'\t' read -r a b s < <(sort -t$'\t' -k3,3g "$WORK/cand50.tsv" | head -1)
"$ITEMDUP" explain "$a" "$b" >"$WORK/out" 2>/dev/null
check "text names the published run's model" grep -q "scored with the model of published run" "$WORK/out"
sum=$(awk '/^ +[+-][0-9]+\.[0-9]+  / && !/= score/ { s += $1 } /= score/ { t = $1 } END { d = s - t; if (d < 0) d = -d; print (d < 1e-5 && t != "") ? "adds up" : s " vs " t }' "$WORK/out")
check_eq "the listed terms (prior, keys, owner, unmatched, bonus) add up to the score" "adds up" "$sum"
# a kept pair: its group, then its score; one JSON object without duplicate keys
IFS=$'\t' read -r a b s < <(sort -t$'\t' -k3,3gr "$WORK/cand50.tsv" | head -1)
"$ITEMDUP" explain "$a" "$b" --format json >"$WORK/out" 2>/dev/null
check_eq "explain of a grouped pair (json): grouped, the run's score, no key twice" "True True" \
	"$(python3 -c 'import json,sys
def once(p):
    keys = [k for k, _ in p]
    assert len(keys) == len(set(keys)), keys
    return dict(p)
d = json.load(open(sys.argv[1]), object_pairs_hook=once)
print(d["grouped"], abs(d["score"] - float(sys.argv[2])) <= 1e-9)' "$WORK/out" "$s" 2>&1)"
check "sanitizers quiet" no_sanitizer_report

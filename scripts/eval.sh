#!/bin/bash
# eval.sh [--items N] [--seed S] [--threshold T] — generate N items (default
# 1,000,000), run the job on a throwaway cluster with every candidate pair
# kept, and print precision/recall against the planted truth (scripts/eval.py),
# overall, per class, across thresholds and for the naive rule.  `make eval`.
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS=1000000 SEED=42 THRESHOLD=""
while [ $# -gt 0 ]; do
	case "$1" in
		--items) ITEMS=$2; shift 2 ;;
		--seed) SEED=$2; shift 2 ;;
		--threshold) THRESHOLD=$2; shift 2 ;;
		*) echo "usage: eval.sh [--items N] [--seed S] [--threshold T]" >&2; exit 64 ;;
	esac
done
[ -n "$THRESHOLD" ] || THRESHOLD=$(build/itemdup run --help | sed -n 's/.*--threshold X.*default \([-0-9.]*\)).*/\1/p')
eval "$(scripts/pgcluster.sh start)"
work=$(mktemp -d /tmp/itemdup-eval.XXXXXX)
trap 'scripts/pgcluster.sh stop "$ITEMDUP_PGDIR"; rm -rf "$work"' EXIT
chmod 755 "$work"
build/itemdup-gen --items "$ITEMS" --seed "$SEED" --out "$work" 2>&1
build/itemdup migrate --log-format text 2>/dev/null
scripts/load-sample.sh "$work"
# keep every candidate pair: the sweep and the naive rule are computed from them
build/itemdup run --threshold -1000000 --log-format text 2>"$work/run.log" || { cat "$work/run.log" >&2; exit 1; }
grep -E 'succeeded|hot keys' "$work/run.log" >&2 || true
psql -X -q -c "\\copy (SELECT item_a, item_b, score, jsonb_array_length(evidence->'shared_keys') FROM itemdup.current_pairs) TO '$work/pairs.tsv'"
echo "# itemdup quality, $ITEMS items, seed $SEED, $(date -u +%Y-%m-%d)"
echo
python3 scripts/eval.py "$work/pairs.tsv" "$work/truth.copy" --threshold "$THRESHOLD"

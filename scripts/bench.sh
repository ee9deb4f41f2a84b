#!/bin/bash
# bench.sh [--items N] [--rounds R] [--write] — generate N items (default
# 1,000,000), then R interleaved rounds (default 3) of, in this order: the
# bare COPY of the source columns (psql to /dev/null), `itemdup run` (full
# pipeline including publish; jsonb: the flat read path, its rows by the
# itemdup_check extension, which is created when the server has it: make
# ext-install), the SQL peer (scripts/bench/naive_peer.sql), `itemdup run
# --read-path flat-sql` (the same rows by SQL expressions) and `itemdup run
# --read-path text`.  The COPY and the run it is compared with each follow a
# full read of the source (the round before's text run or the load's VACUUM,
# then the COPY): the peer's sorting evicts part of a large source from the
# page cache, so it comes after them.  Prints medians, the ratios
# itemdup/COPY (both paths) and itemdup/peer, itemdup's peak RSS, its
# per-stage timers, publish's share of the run and the published model's own
# time (written beside the run, from the end of the source's COPY), and each
# round's run against that round's COPY.  Every timed step starts settled:
# a CHECKPOINT and a sync first, so no step starts with the dirty pages of
# the steps before it (four publishing runs a round leave gigabytes of them
# at 10 M; a nightly run starts long after the last night's).  --write
# also appends the table to BENCHMARKS.md.  --partitions "1 4 16" then times a
# publishing run with each --partitions N on the same data and records its
# peak RSS and the bytes its passes spilled for the published model
# (docs/SCALING.md).
# `make bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS=1000000 ROUNDS=3 WRITE=0 PARTS=
while [ $# -gt 0 ]; do
	case "$1" in
		--items) ITEMS=$2; shift 2 ;;
		--rounds) ROUNDS=$2; shift 2 ;;
		--write) WRITE=1; shift ;;
		--partitions) PARTS=$2; shift 2 ;;
		*) echo "usage: bench.sh [--items N] [--rounds R] [--write] [--partitions \"1 4 16\"]" >&2; exit 64 ;;
	esac
done
export ITEMDUP_EXT_LIBDIR=$PWD/ext
eval "$(scripts/pgcluster.sh start)"
work=$(mktemp -d /tmp/itemdup-bench.XXXXXX)
trap 'scripts/pgcluster.sh stop "$ITEMDUP_PGDIR"; rm -rf "$work"' EXIT
chmod 755 "$work"
build/itemdup-gen --items "$ITEMS" --seed 42 --out "$work" 2>/dev/null
build/itemdup migrate --log-format text 2>/dev/null
scripts/load-sample.sh "$work" 2>/dev/null
psql -X -q -c "VACUUM ANALYZE sample.items"
if [ "$(psql -X -Atc "SELECT count(*) FROM pg_available_extensions WHERE name = 'itemdup_check'")" = 1 ]; then
	psql -X -q -c "CREATE EXTENSION itemdup_check"
fi
load=$(cut -d' ' -f1-3 /proc/loadavg)
payload_mb=$(psql -X -Atc "SELECT round(sum(pg_column_size(payload)) / 1e6) FROM sample.items")

now() { date +%s.%N; }
settle() { psql -X -q -c CHECKPOINT; sync; }
declare -a T_COPY T_PEER T_RUN T_SQL T_TEXT RSS STAGES PUB MODEL
for r in $(seq 1 "$ROUNDS"); do
	settle
	s=$(now)
	psql -X -q -c "\\copy (SELECT item_id, owner_id, environment, institution_id, payload, created_at, updated_at, removed_at FROM itemdup.source_items) TO '/dev/null'"
	T_COPY+=("$(python3 -c "print($(now) - $s)")")
	settle
	s=$(now)
	/usr/bin/time -f %M -o "$work/rss" build/itemdup run --log-format text 2>"$work/run.log" >/dev/null
	T_RUN+=("$(python3 -c "print($(now) - $s)")")
	RSS+=("$(tail -1 "$work/rss")")
	STAGES+=("$(psql -X -Atc "SELECT stats FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")")
	PUB+=("$(sed -n 's/.*STEP 8 publish done elapsed_s=\([0-9.]*\).*/\1/p' "$work/run.log")")
	# the published model's writer, on its own connection from the end of the source's COPY
	MODEL+=("$(sed -n 's/.*keyed items (\([0-9.]*\) s on its own connection.*/\1/p' "$work/run.log")")
	settle
	s=$(now)
	psql -X -q -v ON_ERROR_STOP=1 -f scripts/bench/naive_peer.sql
	T_PEER+=("$(python3 -c "print($(now) - $s)")")
	settle
	s=$(now)
	build/itemdup run --read-path flat-sql --log-format text 2>/dev/null >/dev/null
	T_SQL+=("$(python3 -c "print($(now) - $s)")")
	settle
	s=$(now)
	build/itemdup run --read-path text --log-format text 2>/dev/null >/dev/null
	T_TEXT+=("$(python3 -c "print($(now) - $s)")")
	echo "round $r: copy ${T_COPY[-1]} s, peer ${T_PEER[-1]} s, itemdup ${T_RUN[-1]} s" \
		"(publish ${PUB[-1]} s), --read-path flat-sql ${T_SQL[-1]} s, text ${T_TEXT[-1]} s" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mc=$(median "${T_COPY[@]}"); mp=$(median "${T_PEER[@]}"); mr=$(median "${T_RUN[@]}")
mt=$(median "${T_TEXT[@]}"); mpub=$(median "${PUB[@]}"); ms=$(median "${T_SQL[@]}")
mmodel=$(median "${MODEL[@]:-0}")
rss=$(median "${RSS[@]}")
pgv=$(psql -X -Atc "SHOW server_version")
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
mem=$(free -g | awk '/Mem:/ {print $2}')
table=$(python3 - "$ITEMS" "$mc" "$mp" "$mr" "$rss" "$payload_mb" "${STAGES[-1]}" "$mt" "$mpub" "$ms" "$mmodel" <<'PY'
import json, sys
items, c, p, r, rss, mb, stages, t, pub, sq, model = sys.argv[1:12]
items, c, p, r, rss, t, pub, sq = int(items), float(c), float(p), float(r), int(rss), float(t), float(pub or 0), float(sq)
model = float(model or 0)
st = json.loads(stages)
print(f"| {items:,} | {mb} MB | {c:.2f} s | {p:.2f} s | {r:.2f} s ({st.get('read_path', '?')}) "
      f"| {sq:.2f} s | {t:.2f} s | {r / c:.2f} | {sq / c:.2f} | {t / c:.2f} | {r / p:.2f} "
      f"| {rss / 1024:.0f} MiB | {rss * 1024 / items:.0f} B | "
      f"read {st.get('read_s', 0):.2f} / match {st.get('match_s', 0):.2f} / "
      f"group {st.get('group_s', 0):.2f} / publish {pub:.2f} s ({100 * pub / r:.0f} %); "
      f"model {model:.2f} s beside, from the end of the COPY |")
PY
)
# each round's own ratio: the medians of the columns can pair a slow round's run with
# another round's COPY, and a 10 M round on a 2-core machine moves by ±10 %
rounds=$(python3 - "${#T_RUN[@]}" "${T_RUN[@]}" "${T_COPY[@]}" "${PUB[@]}" <<'PY'
import sys
n = int(sys.argv[1])
a = sys.argv[2:] + [""] * (3 * n)
run, copy, pub = a[:n], a[n:2 * n], a[2 * n:3 * n]
print("Rounds, each run against its own round's COPY (publish): " + "; ".join(
    f"{float(r):.2f} / {float(c):.2f} s = {float(r) / float(c):.2f}× ({float(p or 0):.2f} s)"
    for r, c, p in zip(run, copy, pub)) + ".")
PY
)
header="| items | payload (jsonb) | bare COPY | SQL peer | itemdup run | --read-path flat-sql | --read-path text | itemdup/COPY | flat-sql/COPY | text/COPY | itemdup/peer | peak RSS | RSS per item | itemdup stages |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
echo
echo "$(date -u +%Y-%m-%d), $(nproc) × $cpu, ${mem} GiB, PostgreSQL $pgv, medians of $ROUNDS interleaved rounds (each step settled), load average at start $load"
echo
echo "$header"
echo "$table"
echo
echo "$rounds"
ptable=""
for n in $PARTS; do
	settle
	s=$(now)
	/usr/bin/time -f %M -o "$work/rss" build/itemdup run --partitions "$n" --log-format text \
		2>"$work/plog" >/dev/null
	t=$(python3 -c "print($(now) - $s)")
	r=$(tail -1 "$work/rss")
	spill=$(grep -o 'merging [0-9]* passes ([0-9.]* MB' "$work/plog" | grep -o '[0-9.]* MB' || echo "none (one pass)")
	ptable="$ptable
| $n | $(printf '%.2f' "$t") s | $((r / 1024)) MiB | $((r * 1024 / ITEMS)) B | $spill |"
	echo "--partitions $n: $t s, peak RSS $r KiB, spilled $spill" >&2
done
if [ -n "$ptable" ]; then
	ptable="| --partitions N (publishing run) | run | peak RSS | per item | model spilled to \$TMPDIR |
|---|---|---|---|---|$ptable"
	echo
	echo "$ptable"
fi
if [ "$WRITE" = 1 ]; then
	{
		echo
		echo "### $(date -u +%Y-%m-%d): $ITEMS items"
		echo
		echo "$(nproc) × $cpu, ${mem} GiB RAM, PostgreSQL $pgv; medians of $ROUNDS interleaved rounds, each timed step after a CHECKPOINT and a sync;" \
			"load average at start $load (above 0.5 means other work was running: compare ratios within a table)."
		echo
		echo "$header"
		echo "$table"
		echo
		echo "$rounds"
		if [ -n "$ptable" ]; then
			echo
			echo "$ptable"
		fi
	} >>BENCHMARKS.md
fi

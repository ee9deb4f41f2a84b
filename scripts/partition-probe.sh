#!/bin/bash
# partition-probe.sh [N ...] — what one pass of the planned `--partitions N`
# would hold (docs/SCALING.md, "--partitions N"): for each N (default 4 16)
# the source's rows are split by their resolved institution into N classes,
# once by a hash of the institution id and once balanced by institution size
# (largest first into the smallest class), and `itemdup run --dry-run` reads
# the largest class of each split alone.  Prints its rows, share, peak RSS and
# read/match seconds, after the same line for the whole source (N = 1).
#
# Needs a migrated database with itemdup.source_items (scripts/load-sample.sh)
# and build/itemdup; libpq's environment points at it.  Writes only schema
# partprobe (dropped at the end) and dry runs.  The institution is resolved
# in SQL as the job does for the generator's rows (column, item.institution_id,
# the first account's institution_type through institution_map, legacy:TYPE):
# a measurement, not the job's rules for every payload.
set -euo pipefail
cd "$(dirname "$0")/.."
ns=("$@")
[ ${#ns[@]} -gt 0 ] || ns=(4 16)
work=$(mktemp -d /tmp/itemdup-partprobe.XXXXXX)
psql() { PGOPTIONS='-c client_min_messages=warning' command psql "$@"; }
trap 'psql -X -q -c "DROP SCHEMA IF EXISTS partprobe CASCADE" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
DROP SCHEMA IF EXISTS partprobe CASCADE;
CREATE SCHEMA partprobe;
CREATE TABLE partprobe.rows AS
SELECT s.*,
       coalesce(nullif(s.institution_id, ''), s.payload::jsonb -> 'item' ->> 'institution_id',
                m.institution_id,
                'legacy:' || (s.payload::jsonb -> 'accounts' -> 0 ->> 'institution_type'),
                '') AS inst
FROM itemdup.source_items s
LEFT JOIN itemdup.institution_map m
       ON m.legacy_type = s.payload::jsonb -> 'accounts' -> 0 ->> 'institution_type';
CREATE TABLE partprobe.sizes AS SELECT inst, count(*) AS n FROM partprobe.rows GROUP BY inst;
SQL
total=$(psql -X -Atc "SELECT count(*) FROM partprobe.rows")

# run_class LABEL WHERE — dry run over the rows WHERE selects; one result line
run_class() {
	psql -X -q -v ON_ERROR_STOP=1 -c "DROP VIEW IF EXISTS partprobe.pass;
		DROP TABLE IF EXISTS partprobe.pass_rows;
		CREATE TABLE partprobe.pass_rows AS
			SELECT item_id, owner_id, environment, institution_id, payload, created_at,
			       updated_at, removed_at FROM partprobe.rows WHERE $2;
		ANALYZE partprobe.pass_rows;
		CREATE VIEW partprobe.pass AS SELECT * FROM partprobe.pass_rows"
	/usr/bin/time -f %M -o "$work/rss" build/itemdup run --dry-run --source partprobe.pass \
		--log-format text 2>"$work/log" >/dev/null || { cat "$work/log" >&2; exit 1; }
	psql -X -Atc "SELECT items_read, stats->>'read_s', stats->>'match_s' FROM itemdup.runs
		ORDER BY run_id DESC LIMIT 1" | {
		IFS='|' read -r rows read_s match_s
		printf '%-24s %9s rows %5.1f %%  peak RSS %6d MiB  read %6s s  match %6s s\n' "$1" \
			"$rows" "$(python3 -c "print(100 * $rows / $total)")" \
			$(($(cat "$work/rss") / 1024)) "$read_s" "$match_s"
	}
}

run_class "N = 1 (whole source)" "true"
for n in "${ns[@]}"; do
	big=$(psql -X -Atc "SELECT abs(hashtext(inst)) % $n FROM partprobe.rows
		GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
	run_class "N = $n, hash classes" "abs(hashtext(inst)) % $n = $big"
	# balanced: institutions largest first, each into the class with the fewest rows
	psql -X -Atc "SELECT inst, n FROM partprobe.sizes ORDER BY n DESC, inst" >"$work/sizes"
	python3 - "$n" "$work/sizes" >"$work/big" <<'PY'
import heapq, sys
n, rows = int(sys.argv[1]), [l.rsplit('|', 1) for l in open(sys.argv[2]).read().split('\n') if l]
heap, members = [(0, i) for i in range(n)], {i: [] for i in range(n)}
for inst, size in rows:
    load, i = heapq.heappop(heap)
    heapq.heappush(heap, (load + int(size), i))
    members[i].append(inst)
_, big = max(heap)
print('\n'.join(members[big]))
PY
	psql -X -q -v ON_ERROR_STOP=1 -c "DROP TABLE IF EXISTS partprobe.big;
		CREATE TABLE partprobe.big (inst text)" -c "\\copy partprobe.big FROM '$work/big'"
	run_class "N = $n, balanced classes" "inst IN (SELECT inst FROM partprobe.big)"
done

#!/bin/bash
# demo.sh — the nightly job on an embedded default: a throwaway PostgreSQL,
# a few thousand generated Items (current and legacy payloads, planted
# duplicates, sandbox Items), one run, the analyst report.  `make demo`.
#
# The html report is written to $DEMO_HTML (default build/demo-report.html)
# and its path printed.  DEMO_KEEP=1 leaves the demo cluster running (it
# prints the psql line to query it, and the command that stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS=${ITEMS:-5000}
DEMO_HTML=${DEMO_HTML:-build/demo-report.html}
eval "$(scripts/pgcluster.sh start)"
work=$(mktemp -d /tmp/itemdup-demo.XXXXXX)
if [ "${DEMO_KEEP:-0}" = 1 ]; then
	trap 'rm -rf "$work"' EXIT
else
	trap 'scripts/pgcluster.sh stop "$ITEMDUP_PGDIR"; rm -rf "$work"' EXIT
fi
chmod 755 "$work"

echo "== generating $ITEMS items"
build/itemdup-gen --items "$ITEMS" --seed 42 --out "$work"
echo "== itemdup migrate"
build/itemdup migrate --log-format text
scripts/load-sample.sh "$work"
echo "== itemdup run"
build/itemdup run --log-format text
echo "== itemdup report"
build/itemdup report
echo "== itemdup explain (the first cross-owner group's first item)"
item=$(psql -X -Atc "SELECT item_id FROM itemdup.current_group_items i JOIN itemdup.current_groups g USING (group_id) WHERE g.kind = 'cross_owner' ORDER BY group_id, item_id LIMIT 1")
[ -n "$item" ] && build/itemdup explain "$item"
echo "== against the planted truth"
psql -X -P pager=off <<'SQL'
WITH found AS (
    SELECT a.item_id AS item_a, b.item_id AS item_b
      FROM itemdup.current_group_items a
      JOIN itemdup.current_group_items b ON a.group_id = b.group_id AND a.item_id < b.item_id COLLATE "C")
SELECT (SELECT count(*) FROM found) AS pairs_found,
       (SELECT count(*) FROM found f JOIN sample.truth t USING (item_a, item_b)) AS planted_found,
       (SELECT count(*) FROM sample.truth) AS planted;
SQL
echo "== itemdup check (README \"Check at link time\": a stored Item's accounts linked again)"
psql -X -Atc "SELECT owner_id, json_build_object('institution', json_build_object('institution_id',
  coalesce(institution_id, payload->'item'->>'institution_id')), 'accounts', payload->'accounts')
  FROM itemdup.source_items WHERE removed_at IS NULL AND payload ? 'item' AND owner_id IS NOT NULL
   AND environment = 'production' ORDER BY item_id LIMIT 1" |
while IFS='|' read -r owner json; do
	rc=0
	echo "$json" | build/itemdup check --owner "$owner" --environment production || rc=$?
	echo "exit $rc (2: duplicate suspected, the link would be refused)"
done
echo "== itemdup report --format html"
mkdir -p "$(dirname "$DEMO_HTML")"
build/itemdup report --format html --output "$DEMO_HTML" --log-format text
echo "The html report is in $(cd "$(dirname "$DEMO_HTML")" && pwd)/$(basename "$DEMO_HTML")"
echo "(open it in a browser: one self-contained page, nothing loaded from the network)"
if [ "${DEMO_KEEP:-0}" = 1 ]; then
	echo "The demo cluster is still running. Query it with:"
	echo "  PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER PGDATABASE=$PGDATABASE psql"
	echo "  (e.g. SELECT * FROM itemdup.current_groups; SELECT * FROM itemdup.current_near_misses;)"
	echo "Stop it with:  scripts/pgcluster.sh stop $ITEMDUP_PGDIR"
else
	echo "The demo cluster is stopped now. To keep it running and query it: make demo DEMO_KEEP=1"
fi

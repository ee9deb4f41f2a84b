#!/bin/bash
# demo.sh — the nightly job on an embedded default: a throwaway PostgreSQL,
# a few thousand generated Items (current and legacy payloads, planted
# duplicates, sandbox Items), one run, the analyst report.  `make demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS=${ITEMS:-5000}
eval "$(scripts/pgcluster.sh start)"
work=$(mktemp -d /tmp/itemdup-demo.XXXXXX)
trap 'scripts/pgcluster.sh stop "$ITEMDUP_PGDIR"; rm -rf "$work"' EXIT
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

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

#!/bin/bash
# bench-check.sh [--items N] [--seed S] [--samples K] — the link-time check,
# measured (figures go to BENCHMARKS.md by hand; not a timed test):
#   1. the published model: rows, size on disk, time to write it at publish;
#   2. quality: the newer member of every planted pair and K fresh items in
#      no planted pair are taken out of the source, the job runs, then each
#      is checked (itemdup.check_link): recall per planted class (the older
#      member is among the matches) and the false-alarm rate on fresh links;
#   3. latency: itemdup.check_link with pgbench (one client, per-transaction
#      log) and `itemdup check` (one process per link), p50/p99.
# Needs `make all` and the extension installed (`make ext-install` as root).
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS=1000000 SEED=42 SAMPLES=2000
while [ $# -gt 0 ]; do
	case "$1" in
		--items) ITEMS=$2; shift 2 ;;
		--seed) SEED=$2; shift 2 ;;
		--samples) SAMPLES=$2; shift 2 ;;
		*) echo "usage: bench-check.sh [--items N] [--seed S] [--samples K]" >&2; exit 64 ;;
	esac
done
eval "$(scripts/pgcluster.sh start)"
work=$(mktemp -d /tmp/itemdup-bcheck.XXXXXX)
trap 'scripts/pgcluster.sh stop "$ITEMDUP_PGDIR"; rm -rf "$work"' EXIT
chmod 777 "$work"
say() { echo "bench-check: $*" >&2; }
build/itemdup-gen --items "$ITEMS" --seed "$SEED" --out "$work" 2>/dev/null
build/itemdup migrate --log-format text 2>/dev/null
scripts/load-sample.sh "$work" 2>/dev/null
psql -X -q -v ON_ERROR_STOP=1 -v samples="$SAMPLES" <<'SQL'
-- the indexes docs/SOURCE.md asks for: check reads rows created or updated since the snapshot
CREATE INDEX ON sample.items (created_at);
CREATE INDEX ON sample.items (updated_at);
CREATE SCHEMA bench;
-- the latest row of each item (the snapshot rule)
CREATE TABLE bench.latest AS
SELECT DISTINCT ON (item_id) * FROM sample.items ORDER BY item_id, updated_at DESC;
-- planted pairs with the newer member first
CREATE TABLE bench.pairs AS
SELECT CASE WHEN a.created_at > b.created_at THEN a.item_id ELSE b.item_id END AS newer,
       CASE WHEN a.created_at > b.created_at THEN b.item_id ELSE a.item_id END AS older, t.class
  FROM sample.truth t JOIN bench.latest a ON a.item_id = t.item_a JOIN bench.latest b ON b.item_id = t.item_b;
CREATE TABLE bench.removed AS
SELECT DISTINCT newer AS item_id, 'planted'::text AS kind FROM bench.pairs;
CREATE TABLE bench.planted AS SELECT item_a AS item_id FROM sample.truth UNION SELECT item_b FROM sample.truth;
CREATE UNIQUE INDEX ON bench.planted (item_id);
INSERT INTO bench.removed
SELECT item_id, 'fresh' FROM bench.latest l
 WHERE removed_at IS NULL AND NOT EXISTS (SELECT 1 FROM bench.planted p WHERE p.item_id = l.item_id)
 ORDER BY md5(item_id) LIMIT :samples;
CREATE UNIQUE INDEX ON bench.removed (item_id);
CREATE OR REPLACE VIEW itemdup.source_items AS
SELECT * FROM sample.items s WHERE NOT EXISTS (SELECT 1 FROM bench.removed r WHERE r.item_id = s.item_id);
VACUUM ANALYZE sample.items;
CREATE EXTENSION itemdup_check;
SQL

say "run on $ITEMS items (less the removed ones)"
s=$(date +%s.%N)
build/itemdup run --log-format text 2>"$work/run.log" >/dev/null
run_s=$(python3 -c "print(round($(date +%s.%N) - $s, 1))")
model_s=$(sed -n 's/.*published model: .* keyed items (\([0-9.]*\) s .*/\1/p' "$work/run.log")
publish_s=$(python3 - "$work/run.log" <<'PY'
import sys, re, datetime
t = {}
for line in open(sys.argv[1]):
    m = re.match(r"(\S+Z) ", line)
    if not m: continue
    ts = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%fZ")
    if "STEP 8" in line and "publish" in line and "s8" not in t: t["s8"] = ts
    if "run succeeded" in line: t["end"] = ts
print(round((t["end"] - t["s8"]).total_seconds(), 1))
PY
)
echo "== published model ($ITEMS items generated, seed $SEED)"
echo "run ${run_s} s; publish step ${publish_s} s, of which writing the model ${model_s} s"
psql -X -A -F ' | ' -c "SELECT c.relname AS table, (SELECT count(*) FROM itemdup.model_runs) AS runs_kept,
       c.reltuples::bigint AS rows, pg_size_pretty(pg_total_relation_size(c.oid)) AS size_with_indexes
  FROM pg_class c WHERE c.relnamespace = 'itemdup'::regnamespace AND c.relkind = 'r' AND c.relname LIKE 'model_%' ORDER BY 1" \
	-c "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) AS model_total,
       pg_size_pretty(sum(pg_total_relation_size(c.oid)) FILTER (WHERE c.relname LIKE 'result_%')) AS results_total
  FROM pg_class c WHERE c.relnamespace = 'itemdup'::regnamespace AND c.relkind = 'r'"

say "quality: check every removed item"
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE FUNCTION bench.safe_check(o text, e text, i text, p jsonb)
RETURNS TABLE (item_id text) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT m.item_id FROM itemdup.check_link(o, e, i, p) m;
EXCEPTION WHEN others THEN RETURN;   -- a rejected payload: no verdict
END $$;
CREATE TABLE bench.result AS
SELECT r.item_id, r.kind, m.item_id AS match_id
  FROM bench.removed r JOIN bench.latest l USING (item_id)
  LEFT JOIN LATERAL bench.safe_check(coalesce(l.owner_id, ''), l.environment, l.institution_id, l.payload) m ON true;
SQL
echo "== check quality: newer member of each planted pair checked against the rest"
psql -X -A -F ' | ' -c "SELECT p.class, count(*) AS pairs,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM bench.result x WHERE x.item_id = p.newer AND x.match_id = p.older)) AS caught,
       round(avg((EXISTS (SELECT 1 FROM bench.result x WHERE x.item_id = p.newer AND x.match_id = p.older))::int), 3) AS recall
  FROM bench.pairs p WHERE NOT EXISTS (SELECT 1 FROM bench.removed r WHERE r.item_id = p.older)
 GROUP BY ROLLUP (p.class) ORDER BY p.class NULLS LAST" \
	-c "SELECT count(DISTINCT item_id) AS fresh_links,
       count(DISTINCT item_id) FILTER (WHERE match_id IS NOT NULL) AS false_alarms,
       round(count(DISTINCT item_id) FILTER (WHERE match_id IS NOT NULL)::numeric / count(DISTINCT item_id), 4) AS rate
  FROM bench.result WHERE kind = 'fresh'"

say "latency"
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE bench.links AS
SELECT row_number() OVER () AS id, * FROM (
  SELECT coalesce(l.owner_id, '') AS owner_id, l.environment, l.institution_id, l.payload
    FROM bench.removed r JOIN bench.latest l USING (item_id) ORDER BY md5(r.item_id) LIMIT 1000) s;
SQL
n=$(psql -X -Atc "SELECT count(*) FROM bench.links")
cat >"$work/check.pgbench" <<EOF2
\set id random(1, $n)
SELECT count(*) FROM bench.links l, bench.safe_check(l.owner_id, l.environment, l.institution_id, l.payload) WHERE l.id = :id;
EOF2
(cd "$work" && "$(dirname "$(command -v pg_config)")/pgbench" -n -c 1 -T 20 -f check.pgbench -l --log-prefix=pgb >/dev/null 2>&1 ||
	/usr/lib/postgresql/15/bin/pgbench -n -c 1 -T 20 -f check.pgbench -l --log-prefix=pgb >/dev/null)
psql -X -Atc "COPY (SELECT owner_id, environment, coalesce(institution_id, '-'), payload FROM bench.links ORDER BY id LIMIT 200) TO STDOUT" >"$work/links.tsv"
python3 - "$work" <<'PY'
import glob, subprocess, sys, time, statistics
work = sys.argv[1]
lat = []
for f in glob.glob(work + "/pgb*"):
    for line in open(f):
        lat.append(int(line.split()[2]) / 1000.0)
def pct(v, p):
    v = sorted(v); return v[min(len(v) - 1, int(p * len(v)))]
print("== check latency (ms)")
print("itemdup.check_link (pgbench, 1 client): n=%d p50=%.2f p99=%.2f" % (len(lat), pct(lat, .5), pct(lat, .99)))
cli = []
for line in open(work + "/links.tsv"):
    owner, env, inst, payload = line.rstrip("\n").split("\t")
    payload = payload.encode().decode("unicode_escape").encode("latin-1")
    args = ["build/itemdup", "check", "--owner", owner or "-", "--environment", env, "--format", "json", "-q"]
    if inst != "-": args += ["--institution", inst]
    t = time.time()
    subprocess.run(args, input=payload, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cli.append((time.time() - t) * 1000)
print("itemdup check (one process per link): n=%d p50=%.2f p99=%.2f" % (len(cli), pct(cli, .5), pct(cli, .99)))
PY

-- model_churn.sql — how much of the published model a night's change would
-- rewrite if the model were written only where it changed (docs/SCALING.md,
-- "What a model written only where it changed would write").  An estimate
-- on the generator's data, in SQL, for deciding on a model format 2; not
-- the job's own keys: names normalised as far as SQL goes (lower, white
-- space), masks as stored.
--
-- The night: :removed live Items removed and :relinked live Items linked
-- again (a new item_id carrying the same accounts), chosen at random.  The
-- layout assumed: Items 16 to a page by a hash of item_id, keys about 32 to
-- a bucket by a hash of the key (65,536 buckets, as at 1 M Items), each
-- entry naming Items and keys by hash instead of by a dense number, so
-- that only an entry whose own content changes is rewritten.  A key entry
-- changes when an Item carrying it comes or goes; with today's layout it
-- also holds the count of Items carrying its (environment, name, mask) at
-- every institution, which moves with any of them ("with the counts
-- across institutions").
--
--   psql -v removed=1000 -v relinked=3000 -f scripts/bench/model_churn.sql
\set QUIET on
CREATE TEMP TABLE acc AS
SELECT i.item_id, coalesce(i.environment, 'production') AS env,
       coalesce(i.institution_id, i.payload->'item'->>'institution_id', '?') AS inst,
       lower(regexp_replace(btrim(coalesce(a->>'name', a->'meta'->>'name')), '\s+', ' ', 'g')) AS name,
       coalesce(a->>'mask', right(a->'meta'->>'number', 4)) AS mask,
       a->>'persistent_account_id' AS pid
  FROM itemdup.source_items i, jsonb_array_elements(i.payload->'accounts') a
 WHERE i.removed_at IS NULL;
CREATE TEMP TABLE items AS SELECT DISTINCT item_id FROM acc;
-- the same night each time
SELECT setseed(0.42) AS seeded \gset
CREATE TEMP TABLE chg AS
    (SELECT item_id, 'removed' AS how FROM items ORDER BY random() LIMIT :removed)
    UNION ALL
    (SELECT item_id, 'relinked' FROM items ORDER BY random() LIMIT :relinked);
CREATE TEMP TABLE keys AS
    SELECT DISTINCT env || '|' || inst || '|' || name || '|' || mask AS k, env, name, mask
      FROM acc WHERE name IS NOT NULL AND mask IS NOT NULL;
CREATE TEMP TABLE pids AS
    SELECT DISTINCT env || '|' || inst || '|' || pid AS k FROM acc WHERE pid IS NOT NULL;
-- the keys and persistent ids an Item of the night carries
CREATE TEMP TABLE k1 AS
    SELECT DISTINCT env || '|' || inst || '|' || name || '|' || mask AS k, env, name, mask
      FROM acc JOIN chg USING (item_id) WHERE name IS NOT NULL AND mask IS NOT NULL
    UNION ALL
    SELECT DISTINCT env || '|' || inst || '|' || pid, NULL, NULL, NULL
      FROM acc JOIN chg USING (item_id) WHERE pid IS NOT NULL;
-- and every key whose count across institutions moves with them
CREATE TEMP TABLE k2 AS
    SELECT k FROM k1
    UNION
    SELECT keys.k FROM keys JOIN (SELECT DISTINCT env, name, mask FROM k1 WHERE env IS NOT NULL) g
        USING (env, name, mask);
\set QUIET off
SELECT (SELECT count(*) FROM items) AS live_items,
       (SELECT count(*) FROM chg) AS items_of_the_night,
       (SELECT count(*) FROM keys) + (SELECT count(*) FROM pids) AS keys,
       round(100.0 * (SELECT count(DISTINCT abs(hashtext(CASE how WHEN 'relinked' THEN 'new:' || item_id
                                                                   ELSE item_id END)) % (n / 16))
                        FROM chg) / (n / 16), 1) AS pct_item_pages,
       round(100.0 * (SELECT count(DISTINCT abs(hashtext(k)) % 65536) FROM k1) / 65536, 1)
           AS pct_key_buckets,
       round(100.0 * (SELECT count(DISTINCT abs(hashtext(k)) % 65536) FROM k2) / 65536, 1)
           AS pct_key_buckets_with_the_counts_across_institutions
  FROM (SELECT count(*) AS n FROM items) c;

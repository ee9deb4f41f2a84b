-- 011_model_generations.sql — the published model's three packed tables in
-- two generations, so that a publishing run empties the generation it writes
-- with TRUNCATE instead of deleting the previous model row by row
-- (docs/MATCHING.md "The published model", docs/OPERATIONS.md "Publishing
-- runs back to back").  Applied by `itemdup migrate` in one transaction.
--
-- Why: until schema 10 each publishing run deleted every other run's model,
-- 1.5 GB of rows at 10 M Items.  Autovacuum's throttled vacuum reclaims about
-- 40 MB/s of it, so runs a few minutes apart (a bench, a backfill with
-- --publish in a loop) grew model_item_pages by a model each run: 14 GB after
-- twenty 10 M runs, and the next run's deletion waited 7 s instead of 0.2 s
-- (docs/SCALING.md "Publish").  A production server also writes a full-page
-- image of every page it deletes from after a checkpoint.
--
-- Now model_key_buckets, model_name_buckets and model_item_pages are
-- list-partitioned on gen (0 or 1), and model_runs.gen says which generation
-- holds a model.  The tables hold the published model; the other
-- generation keeps the rows of the model before it, which no reader uses,
-- until the next publishing run.  That run takes the generation the
-- published model is not in (itemdup.model_take_generation): it deletes
-- the rows of model_runs and model_institutions (a row per model and per
-- institution: the published model's, which its own replace at commit),
-- TRUNCATEs that generation's three partitions and COPYs its model straight
-- into them (FREEZE: written frozen, so no vacuum has to visit the pages
-- again), all in its model transaction.
-- Readers read the published model's generation by its tables' names
-- (sql/queries/published_*.sql), so they never plan nor lock the other: the
-- TRUNCATE's ACCESS EXCLUSIVE lock never blocks a check.  When another
-- session holds that generation past deadlock_timeout + 1 s (a query through
-- the parent table without gen, a pg_dump; an autovacuum of it is cancelled
-- by then), the run deletes the rows instead, as before.
--
-- The model published before this migration is generation 0 (its tables
-- are attached as they are, below).

ALTER TABLE itemdup.model_runs
    ADD COLUMN gen smallint NOT NULL DEFAULT 0 CHECK (gen IN (0, 1));
ALTER TABLE itemdup.model_runs ALTER COLUMN gen DROP DEFAULT;
COMMENT ON COLUMN itemdup.model_runs.gen IS 'The generation (0 or 1) whose partitions of model_key_buckets, model_name_buckets and model_item_pages hold this model; readers filter on it';

-- The tables of schema 10 become generation 0, rows and all, without a
-- copy (a 10 M-Item model is 1.5 GB): each gets a gen column (a constant
-- default: no rewrite) and a CHECK that proves its rows belong in
-- generation 0 (one read of the table), so that ATTACH PARTITION need not
-- read it again.  Their own primary key and index go first, so that the
-- new tables take the same names; the new tables' indexes are then built
-- on them (one row per bucket or page: about 0.7 M rows at 10 M Items).
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['model_key_buckets', 'model_name_buckets', 'model_item_pages'] LOOP
        EXECUTE pg_catalog.format('ALTER TABLE itemdup.%I RENAME TO %I', t, t || '_0');
        EXECUTE pg_catalog.format('ALTER TABLE itemdup.%I DROP CONSTRAINT %I', t || '_0', t || '_pkey');
        EXECUTE pg_catalog.format('ALTER TABLE itemdup.%I ADD COLUMN gen smallint NOT NULL DEFAULT 0 '
                                  'CONSTRAINT %I CHECK (gen = 0)', t || '_0', t || '_0_gen');
    END LOOP;
END
$$;
DROP INDEX itemdup.model_key_buckets_no, itemdup.model_name_buckets_no, itemdup.model_item_pages_item;

-- The same columns as sql/009 and gen last: the order of generation 0's
-- columns, and a COPY into a partition names the columns it did before
-- while the partition's default fills gen.
CREATE TABLE itemdup.model_key_buckets (
    run_id       bigint NOT NULL,
    bucket       int NOT NULL,
    first_key_no int NOT NULL,
    keys         bytea NOT NULL,
    gen          smallint NOT NULL,
    PRIMARY KEY (run_id, bucket, gen)
) PARTITION BY LIST (gen);
CREATE INDEX model_key_buckets_no ON itemdup.model_key_buckets (run_id, first_key_no);

CREATE TABLE itemdup.model_name_buckets (
    run_id        bigint NOT NULL,
    bucket        int NOT NULL,
    first_name_no int NOT NULL,
    names         bytea NOT NULL,
    gen           smallint NOT NULL,
    PRIMARY KEY (run_id, bucket, gen)
) PARTITION BY LIST (gen);
CREATE INDEX model_name_buckets_no ON itemdup.model_name_buckets (run_id, first_name_no);

CREATE TABLE itemdup.model_item_pages (
    run_id        bigint NOT NULL,
    page          int NOT NULL,
    first_item_id text COLLATE "C" NOT NULL,
    items         bytea NOT NULL,
    gen           smallint NOT NULL,
    PRIMARY KEY (run_id, page, gen)
) PARTITION BY LIST (gen);
CREATE INDEX model_item_pages_item ON itemdup.model_item_pages (run_id, first_item_id);

DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('model_key_buckets', 'keys', 'key buckets'),
                                   ('model_name_buckets', 'names', 'name buckets'),
                                   ('model_item_pages', 'items', 'Item pages')) v(tab, blob, what)
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE itemdup.%I ATTACH PARTITION itemdup.%I FOR VALUES IN (0)',
                                  t.tab, t.tab || '_0');
        EXECUTE pg_catalog.format('ALTER TABLE itemdup.%I DROP CONSTRAINT %I', t.tab || '_0',
                                  t.tab || '_0_gen');
        EXECUTE pg_catalog.format('CREATE TABLE itemdup.%I PARTITION OF itemdup.%I '
                                  '(gen DEFAULT 1) FOR VALUES IN (1)', t.tab || '_1', t.tab);
        -- rows stay under the TOAST threshold on average; the few that do
        -- not are stored out of line, never compressed (as in sql/009;
        -- generation 0 keeps the setting it had)
        EXECUTE pg_catalog.format('ALTER TABLE itemdup.%I ALTER COLUMN %I SET STORAGE EXTERNAL',
                                  t.tab, t.blob);
        FOR g IN 0..1 LOOP
            EXECUTE pg_catalog.format('COMMENT ON TABLE itemdup.%I IS %L', t.tab || '_' || g,
                                      pg_catalog.format('Generation %s of %s: the %s of the published '
                                          'model when model_runs.gen is %s, else the rows of the model '
                                          'before it, which no reader uses (sql/011); a publishing run '
                                          'truncates the generation the published model is not in '
                                          'and COPYs its own there', g, t.tab, t.what, g));
        END LOOP;
        EXECUTE pg_catalog.format('COMMENT ON COLUMN itemdup.%I.gen IS %L', t.tab,
                                  'The generation of the row''s model (model_runs.gen): the partition it is in');
    END LOOP;
END
$$;

COMMENT ON TABLE itemdup.model_key_buckets IS 'Every key a live Item of a published model carries, packed by key-hash bucket: per key its text (an account key: its name''s name_no and its mask), the counts the scorer needs and the item_no carrying it (none for a hot key); partitioned by gen (docs/MATCHING.md "The published model")';
COMMENT ON COLUMN itemdup.model_key_buckets.run_id IS 'The model''s run';
COMMENT ON COLUMN itemdup.model_key_buckets.bucket IS 'Top model_runs.key_bucket_bits bits of the keys'' XXH3-64 hash, sign bit flipped';
COMMENT ON COLUMN itemdup.model_key_buckets.first_key_no IS 'key_no of the row''s first key; the others follow without gaps';
COMMENT ON COLUMN itemdup.model_key_buckets.keys IS 'The packed keys (format model_runs.format); lookups confirm every key''s full text (an account key''s through its name entry)';
COMMENT ON TABLE itemdup.model_name_buckets IS 'Every normalised account name at an institution that a live Item of a published model carries, packed by name-hash bucket: its full text and Items with it at the institution and in the environment; partitioned by gen';
COMMENT ON COLUMN itemdup.model_name_buckets.run_id IS 'The model''s run';
COMMENT ON COLUMN itemdup.model_name_buckets.bucket IS 'Top model_runs.name_bucket_bits bits of the names'' XXH3-64 hash, sign bit flipped';
COMMENT ON COLUMN itemdup.model_name_buckets.first_name_no IS 'name_no of the row''s first name; the others follow without gaps';
COMMENT ON COLUMN itemdup.model_name_buckets.names IS 'The packed names with their counts (format model_runs.format); lookups confirm the full text';
COMMENT ON TABLE itemdup.model_item_pages IS 'Every live Item with a key of a published model, in item_id order, packed by item_no range: per Item its ids, institution, created_at and per account its key_no and persistent key_no; partitioned by gen';
COMMENT ON COLUMN itemdup.model_item_pages.run_id IS 'The model''s run';
COMMENT ON COLUMN itemdup.model_item_pages.page IS 'item_no >> model_runs.item_page_bits of the row''s Items';
COMMENT ON COLUMN itemdup.model_item_pages.first_item_id IS 'item_id of the page''s first Item: a page holds the ids from it up to the next page''s ("C" order)';
COMMENT ON COLUMN itemdup.model_item_pages.items IS 'The packed Items (format model_runs.format)';
COMMENT ON TABLE itemdup.model_runs IS 'The scoring model a publishing run used: version, threshold, hot-key cap, parameters, when its source snapshot began, and the generation its packed rows are in';

-- The start of a publishing run's model transaction (publish_model.c): the
-- generation to write is the one the newest model is not in; every
-- model_runs and model_institutions row goes (the published model's: the
-- run's own replace them at its commit, and until then readers see them);
-- the generation's three partitions are truncated.  The lock TRUNCATE needs
-- is waited for deadlock_timeout and one second more: long enough for the
-- server to cancel an autovacuum of the partition (pointless: its rows are
-- about to go), which runs back to back find there every time.  Another
-- holder (a query through the parent tables without gen, a pg_dump, a
-- DBA's VACUUM, an anti-wraparound autovacuum) is not waited for longer:
-- the rows are deleted instead (truncated = false) and the caller COPYs
-- without FREEZE.  The job sends it without waiting and numbers its keys
-- meanwhile.  SECURITY DEFINER: the job may empty these partitions this
-- way only, and holds no TRUNCATE privilege.
CREATE FUNCTION itemdup.model_take_generation(OUT generation smallint, OUT truncated boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cur smallint;
    saved text := pg_catalog.current_setting('lock_timeout');
    parts text;
BEGIN
    SELECT m.gen INTO cur FROM itemdup.model_runs m ORDER BY m.run_id DESC LIMIT 1;
    generation := CASE WHEN cur = 0 THEN 1 ELSE 0 END;
    DELETE FROM itemdup.model_institutions;
    DELETE FROM itemdup.model_runs;
    parts := pg_catalog.format('itemdup.%I, itemdup.%I, itemdup.%I',
                               'model_key_buckets_' || generation,
                               'model_name_buckets_' || generation,
                               'model_item_pages_' || generation);
    PERFORM pg_catalog.set_config('lock_timeout',
        (pg_catalog.date_part('epoch', pg_catalog.current_setting('deadlock_timeout')::interval)
         * 1000 + 1000)::bigint || 'ms', true);
    BEGIN
        EXECUTE 'LOCK TABLE ' || parts || ' IN ACCESS EXCLUSIVE MODE';
        EXECUTE 'TRUNCATE ' || parts;
        truncated := true;
    EXCEPTION WHEN lock_not_available THEN
        truncated := false;
    END;
    PERFORM pg_catalog.set_config('lock_timeout', saved, true);
    IF NOT truncated THEN
        EXECUTE pg_catalog.format('DELETE FROM itemdup.%I', 'model_key_buckets_' || generation);
        EXECUTE pg_catalog.format('DELETE FROM itemdup.%I', 'model_name_buckets_' || generation);
        EXECUTE pg_catalog.format('DELETE FROM itemdup.%I', 'model_item_pages_' || generation);
    END IF;
END
$$;
COMMENT ON FUNCTION itemdup.model_take_generation() IS 'For the job''s model transaction: the generation to write its model to (the one the newest model is not in), emptied by TRUNCATE (truncated), or by DELETE when another session holds it past deadlock_timeout + 1 s; deletes the model_runs and model_institutions rows, which the new model''s replace';
REVOKE EXECUTE ON FUNCTION itemdup.model_take_generation() FROM PUBLIC;

-- The end of the model's COPYs into a generation model_take_generation
-- truncated, before the model commits (publish_model.c): statistics for its
-- three partitions.  A truncated partition has none, and without them the
-- planner may read a bucket through the (run_id, first_key_no) index,
-- whose one run_id matches every row, instead of the primary key: a check
-- would scan the whole generation until autovacuum's ANALYZE came by.
-- The rows are the transaction's own and frozen, so ANALYZE counts them; it
-- takes no lock the truncation does not already hold.  A small sample is
-- enough for equality lookups on keys.
CREATE FUNCTION itemdup.model_analyze_generation(generation smallint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET default_statistics_target = 10 AS $$
BEGIN
    EXECUTE pg_catalog.format('ANALYZE itemdup.%I, itemdup.%I, itemdup.%I',
                              'model_key_buckets_' || generation,
                              'model_name_buckets_' || generation,
                              'model_item_pages_' || generation);
END
$$;
COMMENT ON FUNCTION itemdup.model_analyze_generation(smallint) IS 'For the job''s model transaction: statistics for the generation it truncated and wrote, before its commit, so that the first checks after it plan their lookups on the primary key';
REVOKE EXECUTE ON FUNCTION itemdup.model_analyze_generation(smallint) FROM PUBLIC;

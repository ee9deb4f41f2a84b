-- 009_packed_model.sql — the published model in packed form: many keys,
-- names or Items per row, as bytea (docs/MATCHING.md "The published model").
-- Applied by `itemdup migrate` in one transaction; runnable in psql too.
--
-- The row-per-key tables of 006 cost most of a run to write (3 M rows
-- through two indexes each, docs/SCALING.md "Publish").  Their rows are not
-- converted: the model published before this migration is dropped, and
-- `check` and `explain` say no published run has a model until the next
-- run publishes one.  As before, only the published run's copy is kept, the
-- publishing transaction writes it (COPY, binary format) and deletes every
-- other run's rows, and readers join itemdup.published (no DDL at publish).
-- The layout of the blobs is versioned: model_runs.format.

DELETE FROM itemdup.model_institutions;
DELETE FROM itemdup.model_runs;
DROP TABLE itemdup.model_keys, itemdup.model_names, itemdup.model_items;

ALTER TABLE itemdup.model_runs
    ADD COLUMN format           int NOT NULL,
    ADD COLUMN key_bucket_bits  int NOT NULL CHECK (key_bucket_bits BETWEEN 0 AND 31),
    ADD COLUMN name_bucket_bits int NOT NULL CHECK (name_bucket_bits BETWEEN 0 AND 31),
    ADD COLUMN item_page_bits   int NOT NULL CHECK (item_page_bits BETWEEN 0 AND 31);
COMMENT ON COLUMN itemdup.model_runs.format IS 'Layout version of the packed model_key_buckets, model_name_buckets and model_item_pages blobs (docs/MATCHING.md "The published model"); a reader refuses one it does not know';
COMMENT ON COLUMN itemdup.model_runs.key_bucket_bits IS 'A key is in model_key_buckets.bucket = the top key_bucket_bits bits of its key hash, sign bit flipped';
COMMENT ON COLUMN itemdup.model_runs.name_bucket_bits IS 'A name is in model_name_buckets.bucket = the top name_bucket_bits bits of its name hash, sign bit flipped';
COMMENT ON COLUMN itemdup.model_runs.item_page_bits IS 'Item item_no is in model_item_pages.page = item_no >> item_page_bits';

-- Keys (account keys and persistent ids) by the top bits of their hash.  A
-- row holds the keys of one bucket in key_no order; key_no = first_key_no +
-- the key's place in the row.  Rows stay under the TOAST threshold on
-- average; the few that do not are stored out of line, never compressed.
CREATE TABLE itemdup.model_key_buckets (
    run_id       bigint NOT NULL,
    bucket       int NOT NULL,
    first_key_no int NOT NULL,
    keys         bytea NOT NULL,
    PRIMARY KEY (run_id, bucket)
);
ALTER TABLE itemdup.model_key_buckets ALTER COLUMN keys SET STORAGE EXTERNAL;
CREATE INDEX model_key_buckets_no ON itemdup.model_key_buckets (run_id, first_key_no);
COMMENT ON TABLE itemdup.model_key_buckets IS 'Every key a live Item of the published run carries, packed by key-hash bucket: per key its text (an account key: its name''s name_no and its mask), the counts the scorer needs and the item_no carrying it (none for a hot key) (docs/MATCHING.md "The published model")';
COMMENT ON COLUMN itemdup.model_key_buckets.run_id IS 'The published run';
COMMENT ON COLUMN itemdup.model_key_buckets.bucket IS 'Top model_runs.key_bucket_bits bits of the keys'' XXH3-64 hash, sign bit flipped';
COMMENT ON COLUMN itemdup.model_key_buckets.first_key_no IS 'key_no of the row''s first key; the others follow without gaps';
COMMENT ON COLUMN itemdup.model_key_buckets.keys IS 'The packed keys (format model_runs.format); lookups confirm every key''s full text (an account key''s through its name entry)';

-- Names (environment, institution, normalised account name) the same way;
-- an account key names its name by name_no.
CREATE TABLE itemdup.model_name_buckets (
    run_id        bigint NOT NULL,
    bucket        int NOT NULL,
    first_name_no int NOT NULL,
    names         bytea NOT NULL,
    PRIMARY KEY (run_id, bucket)
);
ALTER TABLE itemdup.model_name_buckets ALTER COLUMN names SET STORAGE EXTERNAL;
CREATE INDEX model_name_buckets_no ON itemdup.model_name_buckets (run_id, first_name_no);
COMMENT ON TABLE itemdup.model_name_buckets IS 'Every normalised account name at an institution that a live Item of the published run carries, packed by name-hash bucket: its full text and Items with it at the institution and in the environment';
COMMENT ON COLUMN itemdup.model_name_buckets.run_id IS 'The published run';
COMMENT ON COLUMN itemdup.model_name_buckets.bucket IS 'Top model_runs.name_bucket_bits bits of the names'' XXH3-64 hash, sign bit flipped';
COMMENT ON COLUMN itemdup.model_name_buckets.first_name_no IS 'name_no of the row''s first name; the others follow without gaps';
COMMENT ON COLUMN itemdup.model_name_buckets.names IS 'The packed names with their counts (format model_runs.format); lookups confirm the full text';

CREATE TABLE itemdup.model_item_pages (
    run_id        bigint NOT NULL,
    page          int NOT NULL,
    first_item_id text COLLATE "C" NOT NULL,
    items         bytea NOT NULL,
    PRIMARY KEY (run_id, page)
);
ALTER TABLE itemdup.model_item_pages ALTER COLUMN items SET STORAGE EXTERNAL;
CREATE INDEX model_item_pages_item ON itemdup.model_item_pages (run_id, first_item_id);
COMMENT ON TABLE itemdup.model_item_pages IS 'Every live Item of the published run with a key, in item_id order, packed by item_no range: per Item its ids, institution, created_at and per account its key_no and persistent key_no';
COMMENT ON COLUMN itemdup.model_item_pages.run_id IS 'The published run';
COMMENT ON COLUMN itemdup.model_item_pages.page IS 'item_no >> model_runs.item_page_bits of the row''s Items';
COMMENT ON COLUMN itemdup.model_item_pages.first_item_id IS 'item_id of the page''s first Item: a page holds the ids from it up to the next page''s ("C" order)';
COMMENT ON COLUMN itemdup.model_item_pages.items IS 'The packed Items (format model_runs.format)';

-- The result tables lose their per-row foreign key to itemdup.runs: checking
-- each COPYed row against runs cost about a third of writing them
-- (docs/SCALING.md "Publish"), and the job only ever writes rows of its own
-- run, whose row it inserted and holds locked as 'running'.  What the
-- foreign keys' ON DELETE CASCADE did is now one statement-level trigger:
-- deleting runs (--keep-runs pruning, or a DBA by hand) deletes their rows
-- from every result table, once per statement instead of once per row.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT c.conrelid::regclass AS tab, c.conname
               FROM pg_catalog.pg_constraint c
              WHERE c.contype = 'f' AND c.confrelid = 'itemdup.runs'::regclass
                AND c.conrelid IN ('itemdup.rejects'::regclass, 'itemdup.result_groups'::regclass,
                                   'itemdup.result_group_items'::regclass,
                                   'itemdup.result_pairs'::regclass,
                                   'itemdup.result_near_misses'::regclass,
                                   'itemdup.result_score_bins'::regclass)
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT %I', r.tab, r.conname);
    END LOOP;
END
$$;

CREATE FUNCTION itemdup.delete_run_results() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM itemdup.result_pairs x USING gone g WHERE x.run_id = g.run_id;
    DELETE FROM itemdup.result_group_items x USING gone g WHERE x.run_id = g.run_id;
    DELETE FROM itemdup.result_groups x USING gone g WHERE x.run_id = g.run_id;
    DELETE FROM itemdup.result_near_misses x USING gone g WHERE x.run_id = g.run_id;
    DELETE FROM itemdup.result_score_bins x USING gone g WHERE x.run_id = g.run_id;
    DELETE FROM itemdup.rejects x USING gone g WHERE x.run_id = g.run_id;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION itemdup.delete_run_results() IS 'Trigger: the result rows of deleted runs go with them (what ON DELETE CASCADE did, once per statement)';
REVOKE EXECUTE ON FUNCTION itemdup.delete_run_results() FROM PUBLIC;
CREATE TRIGGER runs_delete_results AFTER DELETE ON itemdup.runs
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION itemdup.delete_run_results();

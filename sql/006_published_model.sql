-- 006_published_model.sql — the published run's scoring model and account
-- index, so `explain` and `check` score any pair later without re-reading
-- the source (docs/MATCHING.md, "The published model").
-- Applied by `itemdup migrate` in one transaction; runnable in psql too.
--
-- Only the published run's copy is kept: the publishing transaction COPYs
-- the new run's rows in and deletes every other run's rows (no DDL).
-- Readers join itemdup.published, so they see the old model or the new one,
-- never a mix.  Only model_runs references itemdup.runs: the bulk tables have
-- no foreign key (a per-row check tripled the time to write them), and the
-- publishing transaction deletes their other runs' rows itself.

CREATE TABLE itemdup.model_runs (
    run_id        bigint PRIMARY KEY REFERENCES itemdup.runs ON DELETE CASCADE,
    model         text NOT NULL,
    threshold     double precision NOT NULL,
    hot_key_cap   int NOT NULL,
    snapshot_at   timestamptz NOT NULL,
    live_items    bigint NOT NULL,
    params        jsonb NOT NULL
);
COMMENT ON TABLE itemdup.model_runs IS 'The scoring model a publishing run used: version, threshold, hot-key cap, parameters, and when its source snapshot began';
COMMENT ON COLUMN itemdup.model_runs.snapshot_at IS 'Start of the run''s read transaction: check reads source rows created or updated after this (less a margin)';

CREATE TABLE itemdup.model_institutions (
    run_id         bigint NOT NULL,
    institution_id text NOT NULL,
    items          int NOT NULL,
    PRIMARY KEY (run_id, institution_id)
);
COMMENT ON TABLE itemdup.model_institutions IS 'Live Items per institution id of the published run (all environments, as the run counts them): N in the prior and the weights';

CREATE TABLE itemdup.model_keys (
    run_id         bigint NOT NULL,
    key_no         int NOT NULL,
    key_hash       bigint NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('account', 'persistent')),
    environment    text NOT NULL,
    institution_id text NOT NULL,
    name           text,
    mask           text,
    persistent_id  text,
    name_items     int,
    key_items      int NOT NULL,
    gname_items    int,
    gkey_items     int,
    items          int[],
    PRIMARY KEY (run_id, key_no)
);
CREATE INDEX model_keys_hash ON itemdup.model_keys (run_id, key_hash);
COMMENT ON TABLE itemdup.model_keys IS 'Every key of the published run with the counts the scorer needs; items = model_items.item_no carrying it (null for a hot key, never a candidate)';
COMMENT ON COLUMN itemdup.model_keys.key_hash IS 'XXH3-64 of the key text (docs/MATCHING.md); lookups confirm the full text';
COMMENT ON COLUMN itemdup.model_keys.name_items IS 'Items at the institution with the normalised name';
COMMENT ON COLUMN itemdup.model_keys.key_items IS 'Items at the institution with this key';
COMMENT ON COLUMN itemdup.model_keys.gname_items IS 'Items with the name at any institution of the environment (the mask-randomness judgement)';
COMMENT ON COLUMN itemdup.model_keys.gkey_items IS 'Items with the name and mask at any institution of the environment';

CREATE TABLE itemdup.model_names (
    run_id         bigint NOT NULL,
    name_hash      bigint NOT NULL,
    environment    text NOT NULL,
    institution_id text NOT NULL,
    name           text NOT NULL,
    name_items     int NOT NULL,
    gname_items    int NOT NULL
);
CREATE INDEX model_names_hash ON itemdup.model_names (run_id, name_hash);
COMMENT ON TABLE itemdup.model_names IS 'Items per normalised account name at each institution (and at any institution of the environment): the counts check needs for a key no published Item carries';

CREATE TABLE itemdup.model_items (
    run_id         bigint NOT NULL,
    item_no        int NOT NULL,
    item_id        text NOT NULL,
    owner_id       text,
    environment    text NOT NULL,
    institution_id text NOT NULL,
    created_at     timestamptz,
    keyable        int NOT NULL,
    account_keys   int[] NOT NULL,
    account_pkeys  int[] NOT NULL,
    PRIMARY KEY (run_id, item_no)
);
CREATE INDEX model_items_item ON itemdup.model_items (run_id, item_id);
COMMENT ON TABLE itemdup.model_items IS 'Every live Item of the published run with a key: per account its key_no and persistent key_no (-1: none)';

#!/bin/bash
# load-sample.sh DIR — load itemdup-gen output (DIR/source.copy, truth.copy,
# institution_map.copy) into schema "sample" of the database libpq points
# at, and point itemdup.source_items at it.  Needs `itemdup migrate` first.
#   PAYLOAD_TYPE=jsonb|json|text (default jsonb)
set -euo pipefail
dir=${1:?usage: load-sample.sh DIR}
ptype=${PAYLOAD_TYPE:-jsonb}
case "$ptype" in jsonb|json|text) ;; *) echo "load-sample: bad PAYLOAD_TYPE $ptype" >&2; exit 64;; esac
psql -X -q -v ON_ERROR_STOP=1 <<SQL
DROP VIEW IF EXISTS itemdup.source_items;
DROP SCHEMA IF EXISTS sample CASCADE;
CREATE SCHEMA sample;
CREATE TABLE sample.items (
    item_id text NOT NULL, owner_id text, environment text, institution_id text,
    payload $ptype, created_at timestamptz, updated_at timestamptz, removed_at timestamptz);
CREATE TABLE sample.truth (item_a text NOT NULL, item_b text NOT NULL, class text NOT NULL);
\copy sample.items FROM '$dir/source.copy'
\copy sample.truth FROM '$dir/truth.copy'
CREATE TEMP TABLE map (LIKE itemdup.institution_map);
\copy map FROM '$dir/institution_map.copy'
INSERT INTO itemdup.institution_map SELECT * FROM map
    ON CONFLICT (legacy_type) DO UPDATE SET institution_id = EXCLUDED.institution_id;
CREATE VIEW itemdup.source_items AS SELECT * FROM sample.items;
ANALYZE sample.items;
SQL

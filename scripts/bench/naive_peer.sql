-- naive_peer.sql — the SQL peer of the benchmark: Plaid's naive rule done
-- in the database.  Latest snapshot per item, removed items skipped;
-- accounts flattened from both payload shapes (jsonb source), names
-- normalised as far as SQL goes (NFKC, lower, white space), masks trimmed
-- and upper-cased; every (environment, institution, name, mask) key shared
-- by 2..1000 items is written out with its items.
DROP TABLE IF EXISTS public.peer_groups;
CREATE UNLOGGED TABLE public.peer_groups AS
WITH src AS (
    SELECT DISTINCT ON (s.item_id)
           s.item_id, s.environment,
           coalesce(s.institution_id, s.payload->'item'->>'institution_id',
                    m.institution_id, 'legacy:' || (s.payload->'accounts'->0->>'institution_type')) AS inst,
           s.payload
      FROM itemdup.source_items s
      LEFT JOIN itemdup.institution_map m
             ON m.legacy_type = s.payload->'accounts'->0->>'institution_type'
     WHERE s.removed_at IS NULL
     ORDER BY s.item_id, s.updated_at DESC
), acc AS (
    SELECT src.item_id, src.environment, src.inst,
           lower(regexp_replace(btrim(normalize(coalesce(a->'meta'->>'name', a->>'name'), NFKC)), '\s+', ' ', 'g')) AS name,
           upper(btrim(coalesce(a->'meta'->>'number', a->>'mask'))) AS mask
      FROM src,
           jsonb_array_elements(CASE WHEN jsonb_typeof(src.payload->'accounts') = 'array'
                                     THEN src.payload->'accounts' END) a
     WHERE jsonb_typeof(a) = 'object'
)
SELECT environment, inst, name, mask, array_agg(DISTINCT item_id) AS items
  FROM acc
 WHERE name <> '' AND mask ~ '^[0-9A-Z]{2,4}$' AND inst IS NOT NULL
 GROUP BY 1, 2, 3, 4
HAVING count(DISTINCT item_id) BETWEEN 2 AND 1000;

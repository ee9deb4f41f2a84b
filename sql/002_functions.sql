-- 002_functions.sql — functions for DBAs and analysts.

-- The environment of a Plaid token ([type]-[env]-[uuid]); null for anything
-- else (legacy tokens such as test_wells).  Lets a source view derive
-- environment without the token ever leaving the database.
CREATE FUNCTION itemdup.token_environment(token text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
SELECT CASE
         WHEN token OPERATOR(pg_catalog.~) '^(public|access|processor)-(sandbox|development|production)-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
         THEN pg_catalog.split_part(token, '-', 2)
       END
$$;
COMMENT ON FUNCTION itemdup.token_environment(text) IS
  'Environment (sandbox, development, production) of a [type]-[env]-[uuid] Plaid token; null otherwise';

-- Record an analyst's decision on a current group, with its members_hash.
CREATE FUNCTION itemdup.review_group(p_group_id bigint, p_status text, p_note text DEFAULT NULL)
RETURNS void LANGUAGE sql
AS $$
INSERT INTO itemdup.group_reviews (group_id, status, note, reviewed_by, reviewed_at, members_hash)
SELECT g.group_id, p_status, p_note, current_user, pg_catalog.now(), g.members_hash
  FROM itemdup.current_groups g
 WHERE g.group_id = p_group_id
ON CONFLICT (group_id) DO UPDATE
   SET status = EXCLUDED.status, note = EXCLUDED.note, reviewed_by = EXCLUDED.reviewed_by,
       reviewed_at = EXCLUDED.reviewed_at, members_hash = EXCLUDED.members_hash
$$;
COMMENT ON FUNCTION itemdup.review_group(bigint, text, text) IS
  'Record a review (open, confirmed, dismissed) of a current group with its current members_hash';

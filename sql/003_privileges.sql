-- 003_privileges.sql — reviews only through itemdup.review_group().
-- Applied by `itemdup migrate` in one transaction; the grants themselves are
-- in sql/grants.sql (run by every migrate).  docs/RELIABILITY.md "Least
-- privilege" lists what each role may do and the test that shows it.

-- Record an analyst's decision on a group of the published run.  SECURITY
-- DEFINER: analysts have no INSERT/UPDATE/DELETE on group_reviews, so the
-- reviewer (session_user: who logged in, not a SET ROLE), the time (now())
-- and members_hash (the group's current one) cannot be forged.  search_path
-- is pinned and every name is qualified.
CREATE OR REPLACE FUNCTION itemdup.review_group(p_group_id bigint, p_status text, p_note text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_hash text;
BEGIN
    IF p_status IS NULL OR p_status NOT IN ('open', 'confirmed', 'dismissed') THEN
        RAISE EXCEPTION 'review status must be open, confirmed or dismissed, not %',
              coalesce(quote_literal(p_status), 'null')
              USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT g.members_hash INTO v_hash
      FROM itemdup.current_groups g
     WHERE g.group_id = p_group_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'group % is not in the published run (itemdup.current_groups)',
              coalesce(p_group_id::text, 'null')
              USING ERRCODE = 'no_data_found';
    END IF;
    INSERT INTO itemdup.group_reviews (group_id, status, note, reviewed_by, reviewed_at, members_hash)
    VALUES (p_group_id, p_status, p_note, session_user, now(), v_hash)
    ON CONFLICT (group_id) DO UPDATE
       SET status = EXCLUDED.status, note = EXCLUDED.note, reviewed_by = EXCLUDED.reviewed_by,
           reviewed_at = EXCLUDED.reviewed_at, members_hash = EXCLUDED.members_hash;
END
$$;
COMMENT ON FUNCTION itemdup.review_group(bigint, text, text) IS
  'Record a review (open, confirmed, dismissed) of a current group: reviewer = session_user, time = now(), the group''s current members_hash';

-- Functions are executable by PUBLIC by default: a SECURITY DEFINER one must not be.
REVOKE EXECUTE ON FUNCTION itemdup.review_group(bigint, text, text) FROM PUBLIC;

ALTER TABLE itemdup.group_reviews ALTER COLUMN reviewed_by SET DEFAULT session_user;
COMMENT ON COLUMN itemdup.group_reviews.reviewed_by IS 'Who reviewed: the session_user that called itemdup.review_group()';
COMMENT ON COLUMN itemdup.rejects.reason IS 'not_json, not_object, no_accounts, too_deep, too_large, too_many_accounts, bad_item_id, bad_environment, nul_in_string, invalid_unicode, duplicate_key, null_payload, bad_timestamp';

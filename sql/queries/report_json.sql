-- report_json: tail of report_selected: per shown group one row (t = 0) with
-- the group and its members (timestamps ISO 8601 by json_build_object), then
-- one row (t = 1) per pair with its evidence, so no row holds more than one
-- group's members or one pair's evidence
SELECT t, json FROM (
 SELECT s.ord, 0 AS t, NULL::float8 AS score, NULL::text AS a, NULL::text AS b,
        json_build_object('group_id', s.group_id, 'environment', s.environment,
          'institution_id', s.institution_id, 'institution_name', s.institution_name,
          'size', s.size, 'owners', s.owners, 'kind', s.kind, 'max_score', s.max_score,
          'min_score', s.min_score, 'first_seen_run', s.first_seen_run,
          'first_seen_at', s.first_seen_at, 'review_status', s.review_status,
          'changed_since_review', s.changed_since_review, 'change', s.change,
          'items', (SELECT json_agg(json_build_object('item_id', i.item_id,
                      'owner_id', i.owner_id, 'accounts', i.accounts,
                      'matched_accounts', i.matched_accounts, 'created_at', i.created_at,
                      'suggested_action', i.suggested_action) ORDER BY i.item_id COLLATE "C")
                     FROM itemdup.run_group_items i
                    WHERE i.run_id = s.run_id AND i.group_id = s.group_id))::text AS json
   FROM shown s
 UNION ALL
 SELECT s.ord, 1, p.score, p.item_a, p.item_b,
        json_build_object('item_a', p.item_a, 'item_b', p.item_b, 'score', p.score,
                          'evidence', p.evidence)::text
   FROM shown s JOIN itemdup.run_pairs p ON p.run_id = s.run_id AND p.group_id = s.group_id
) u ORDER BY ord, t, score DESC, a COLLATE "C", b COLLATE "C"

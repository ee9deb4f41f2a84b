-- html_groups: tail of report_selected: the members of the shown groups with
-- the accounts (name, mask) each shares in the group's pairs, as a JSON array
, accts AS (SELECT p.group_id, x.item, jsonb_agg(DISTINCT jsonb_build_object(
                   'name', k->'name', 'mask', k->'mask')) AS a
   FROM shown s JOIN itemdup.run_pairs p ON p.run_id = s.run_id AND p.group_id = s.group_id
   CROSS JOIN LATERAL (VALUES (p.item_a), (p.item_b)) x(item)
   CROSS JOIN LATERAL jsonb_array_elements(p.evidence->'shared_keys') k
  GROUP BY 1, 2)
SELECT s.group_id, s.environment, s.institution_id, s.kind, s.size, s.owners,
       s.min_score, s.max_score, s.review_status, s.changed_since_review,
       i.item_id, i.owner_id, i.accounts, i.matched_accounts, i.suggested_action,
       s.ord, s.total, s.change, s.institution_name, ac.a::text
  FROM shown s
  JOIN itemdup.run_group_items i ON i.run_id = s.run_id AND i.group_id = s.group_id
  LEFT JOIN accts ac ON ac.group_id = i.group_id AND ac.item = i.item_id
 ORDER BY s.ord, i.item_id COLLATE "C"

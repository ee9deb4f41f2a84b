-- report_members: tail of report_selected: one row per member of the shown
-- groups (table and CSV), scores rounded for people (3 decimals)
SELECT s.group_id, s.environment, s.institution_id, s.size, s.owners, s.kind,
       round(s.max_score::numeric, 3), round(s.min_score::numeric, 3), s.first_seen_run,
       s.review_status, s.changed_since_review, i.item_id, i.owner_id, i.accounts,
       i.matched_accounts, i.created_at, i.suggested_action, s.institution_name, s.change
  FROM shown s
  JOIN itemdup.run_group_items i ON i.run_id = s.run_id AND i.group_id = s.group_id
 ORDER BY s.ord, i.item_id COLLATE "C"

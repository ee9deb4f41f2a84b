-- report_run_json: the figures of run $1 as one JSON object
SELECT json_build_object('run_id', run_id, 'kind', kind, 'status', status,
       'started_at', started_at, 'finished_at', finished_at, 'published_at', published_at,
       'items_read', items_read, 'items_skipped', items_skipped,
       'items_rejected', items_rejected, 'accounts_read', accounts_read,
       'accounts_unkeyable', accounts_unkeyable, 'hot_keys', hot_keys,
       'pairs_scored', pairs_scored, 'groups', groups, 'items_in_groups', items_in_groups,
       'groups_new', groups_new, 'groups_grown', groups_grown, 'groups_shrunk', groups_shrunk,
       'groups_merged', groups_merged, 'groups_split', groups_split,
       'groups_dissolved', groups_dissolved, 'groups_unchanged', groups_unchanged)::text
  FROM itemdup.runs WHERE run_id = $1::bigint

-- history_groups: the published run's groups (id, first seen run and time in
-- microseconds since the epoch) and the run id; one row with NULL group
-- columns when it has no group, none when nothing is published
SELECT g.group_id, g.first_seen_run,
       (EXTRACT(EPOCH FROM g.first_seen_at) * 1000000)::int8, p.run_id
  FROM itemdup.published p
  LEFT JOIN itemdup.result_groups g ON g.run_id = p.run_id

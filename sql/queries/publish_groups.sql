-- publish_groups: COPY the run's groups in (publish.c copy_groups)
COPY itemdup.result_groups (run_id, group_id, environment,
institution_id, size, owners, kind, max_score, min_score,
first_seen_run, first_seen_at, members_hash) FROM STDIN (FORMAT binary)

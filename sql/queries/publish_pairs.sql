-- publish_pairs: COPY the run's scored pairs in
COPY itemdup.result_pairs (run_id, group_id, item_a, item_b,
score, evidence) FROM STDIN (FORMAT binary)

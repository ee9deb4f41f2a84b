-- publish_near_misses: COPY the run's near misses in
COPY itemdup.result_near_misses (run_id, item_a, item_b,
score, sampled_as, evidence) FROM STDIN (FORMAT binary)

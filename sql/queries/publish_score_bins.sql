-- publish_score_bins: COPY the run's score histogram in
COPY itemdup.result_score_bins (run_id, score_from, score_to,
pairs) FROM STDIN (FORMAT binary)

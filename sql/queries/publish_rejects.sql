-- publish_rejects: COPY the run's rejects in
COPY itemdup.rejects (run_id, item_id, reason, detail) FROM STDIN (FORMAT binary)

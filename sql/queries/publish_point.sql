-- publish_point: point itemdup.published at run $1
INSERT INTO itemdup.published (run_id) VALUES ($1)

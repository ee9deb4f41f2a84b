-- run_register: $1 kind, $2 dry_run, $3 options (json), $4 version; the new run id and start (µs since epoch)
INSERT INTO itemdup.runs (kind, status, dry_run, options, version)
VALUES ($1, 'running', $2, $3::jsonb, $4)
RETURNING run_id, (EXTRACT(EPOCH FROM started_at) * 1000000)::int8

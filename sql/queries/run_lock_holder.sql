-- run_lock_holder: the running run whose run lock (class $2) backend pid $1 holds, and its start
SELECT r.run_id, pg_catalog.to_char(r.started_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
  FROM pg_catalog.pg_locks l JOIN itemdup.runs r ON r.run_id = l.objid::text::int8
 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
   AND l.pid = $1::int4 AND l.classid = $2::int8::oid AND r.status = 'running'
 ORDER BY r.run_id DESC LIMIT 1

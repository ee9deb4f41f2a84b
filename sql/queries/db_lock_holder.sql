-- db_lock_holder: the backend pid holding advisory lock (class $1, object $2) in this database
SELECT pid FROM pg_catalog.pg_locks WHERE locktype = 'advisory'
   AND granted AND objsubid = 2 AND classid = $1::int8::oid
   AND objid = $2::int8::oid AND database = (SELECT oid FROM pg_catalog.pg_database
   WHERE datname = pg_catalog.current_database()) LIMIT 1

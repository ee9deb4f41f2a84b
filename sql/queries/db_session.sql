-- db_session: session settings right after connecting (db.c); several statements
SET search_path = pg_catalog, pg_temp; SET TIME ZONE 'UTC';
SET DateStyle = ISO; SET extra_float_digits = 1;
SET client_connection_check_interval = '5s';
SET idle_in_transaction_session_timeout = '10min';
-- idle by design, never for long: the model's connection through the read,
-- the run's through matching
SET idle_session_timeout = 0

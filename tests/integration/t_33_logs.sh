plan 14
# logs: libpq's warnings and server warnings go through the logger (JSON logs
# stay JSON), each step's end line has its elapsed time, rejects are
# summarised per reason, a tripped guard names its top reasons, exit 75 names
# who holds the lock (README "Logs", docs/itemdup.1)
run_rc migrate >/dev/null
load_fixture basic

# all_json FILE — every line of FILE is a JSON object
all_json() { python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$1"; }
# json_lines FILE EXPR — EXPR over the list L of parsed lines
json_lines() { python3 -c "import json,sys; L=[json.loads(l) for l in open(sys.argv[1])]; print(eval(sys.argv[2]))" "$1" "$2"; }

# a .pgpass with group/world access: libpq warns on stderr while connecting
printf '*:*:*:*:x\n' >"$WORK/pgpass"
chmod 644 "$WORK/pgpass"
check_eq "a run with a world-readable PGPASSFILE exits 0" 0 "$(PGPASSFILE="$WORK/pgpass" run_rc run --log-format json)"
check "... every stderr line is still JSON" all_json "$WORK/err"
# one per connection that read the file: the run's and the published model's (src/publish.h)
check_eq "... libpq's warning is one of them, at warning level, once per connection" "[run] [model]" "$(json_lines "$WORK/err" '" ".join(l["msg"].split()[0] for l in L if l["level"] == "warning" and "has group or world access" in l["msg"])')"

# each step's end line carries its elapsed time
check_eq "8 step end lines, each with elapsed_s" "8" "$(json_lines "$WORK/err" 'sum(1 for l in L if l["msg"].endswith(" done") and isinstance(l.get("elapsed_s"), float))')"

# a server WARNING (raised by the source view) reaches the log as a warning
q "CREATE FUNCTION app.warn() RETURNS boolean LANGUAGE plpgsql AS \$\$ BEGIN RAISE WARNING 'careful: view under maintenance'; RETURN true; END \$\$"
q "CREATE VIEW app.warning_items AS SELECT * FROM app.items WHERE app.warn()"
check_eq "a run on a source that raises a warning exits 0" 0 "$(run_rc run --source app.warning_items --log-format json)"
check "... the server's warning is logged at warning level" test "$(json_lines "$WORK/err" 'sum(1 for l in L if l["level"] == "warning" and "careful: view under maintenance" in l["msg"])')" -ge 1

# rejects under the guard ratio: one warning with counts per reason
q "INSERT INTO app.items VALUES ('R1','u9','production',NULL,'{}','2024-01-01','2024-01-01',NULL), ('R2','u9','production',NULL,'[]','2024-01-01','2024-01-01',NULL)"
check_eq "run with 2 rejects under --max-reject-ratio 0.5 exits 0" 0 "$(run_rc run --max-reject-ratio 0.5 --log-format json)"
check_eq "... summarised at warning level with counts per reason" "1 1" "$(json_lines "$WORK/err" '" ".join(str(l["no_accounts"]) + " " + str(l["not_object"]) for l in L if l["level"] == "warning" and "rejected" in l["msg"])')"

# a tripped guard names the top reasons
q "INSERT INTO app.items SELECT 'R' || g, 'u9', 'production', NULL, '{}', '2024-01-01', '2024-01-01', NULL FROM generate_series(3, 6) g"
check_eq "the reject guard trips: exit 1" 1 "$(run_rc run)"
check "... the message names the top reasons with counts" grep -q 'top reasons: no_accounts 5, not_object 1' "$WORK/err"
check_eq "... and so does runs.error" "1" "$(q "SELECT count(*) FROM itemdup.runs WHERE error LIKE '%top reasons: no_accounts 5, not_object 1%'")"
q "DELETE FROM app.items WHERE item_id LIKE 'R%'"

# exit 75 names the holder: run id, pid, start
load_fixture slow
"$ITEMDUP" run --source app.slow_items >"$WORK/slow.out" 2>"$WORK/slow.err" &
slow=$!
for _ in $(seq 1 100); do [ "$(q "SELECT count(*) FROM itemdup.runs WHERE status = 'running'")" = 1 ] && break; sleep 0.1; done
holder=$(q "SELECT run_id FROM itemdup.runs WHERE status = 'running'")
# the session holding the lock (a publishing run has a second one: the model's)
pid=$(q "SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory' AND l.granted WHERE a.application_name = 'itemdup' LIMIT 1")
check_eq "a second run exits 75" 75 "$(run_rc run)"
check "... naming the holder's run id and pid" grep -q "holds the publish lock: run $holder (pid $pid, started 20" "$WORK/err"
kill $slow; wait $slow 2>/dev/null
check "sanitizers quiet" no_sanitizer_report

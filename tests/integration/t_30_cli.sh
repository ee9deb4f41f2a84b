plan 47
# the command line as a PostgreSQL user expects it: psql's -h -p -U -d, -? for
# help, options before the command, and every usage error exits 64 before
# anything is written (docs/itemdup.1, README "Commands")
run_rc migrate >/dev/null
load_fixture basic

# -h is the host, never help: a cron line "itemdup run -h db1" must not exit 0
check_eq "run -h HOST connects to HOST (69 for a host that is not there)" 69 "$(run_rc run -h /nonexistent -p 1)"
check_eq "run -h without a value: exit 64" 64 "$(run_rc run -h)"
check "... and the message points to -? for help" grep -q -- '-? or --help' "$WORK/err"

# psql's short options, without the PG* variables
noenv() { env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE "$ITEMDUP" "$@" >"$WORK/out" 2>"$WORK/err"; echo $?; }
check_eq "-h -p -U -d reach the server without PG* variables" 0 "$(noenv migrate -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d "$PGDATABASE")"
check_eq "long forms --host --port --username --dbname" 0 "$(noenv migrate --host "$PGHOST" --port "$PGPORT" --username "$PGUSER" --dbname "$PGDATABASE")"
check_eq "-d takes a connection string, as in psql" 0 "$(noenv migrate -d "host=$PGHOST port=$PGPORT user=$PGUSER dbname=$PGDATABASE")"
check_eq "--dsn overrides -d" 0 "$(run_rc migrate -d no_such_database --dsn "dbname=$PGDATABASE")"
check_eq "-d alone is used (a missing database: 69)" 69 "$(run_rc migrate -d no_such_database)"
check_eq "a password in -d is refused: 64" 64 "$(run_rc migrate -d "dbname=x password=hunter2secret")"
check "... and not echoed" bash -c "! grep -q hunter2secret '$WORK/err' '$WORK/out'"

# options before the command
check_eq "itemdup --dsn X migrate (global options first)" 0 "$(run_rc --dsn "dbname=$PGDATABASE" migrate)"
check_eq "itemdup -q --log-format json -d DB run" 0 "$(run_rc -q --log-format json -d "$PGDATABASE" run)"
check_eq "a command's own option before the command: 64" 64 "$(run_rc --source app.items run)"
check "... saying where it goes" grep -q 'go after it' "$WORK/err"

# help and version
check_eq "itemdup -? exits 0" 0 "$(run_rc '-?')"
check "... and lists the status command" grep -q '^  status' "$WORK/out"
check_eq "itemdup --help exits 0" 0 "$(run_rc --help)"
check_eq "itemdup run -? exits 0" 0 "$(run_rc run '-?')"
check "... with run's options" grep -q -- '--hot-key-cap' "$WORK/out"
check "... and the connection options" grep -q -- '-h, --host HOST' "$WORK/out"
check_eq "itemdup -? status shows status's help" "0 1" "$(run_rc '-?' status) $(grep -c -- '--max-age AGE' "$WORK/out")"
check_eq "itemdup --version" "0 1" "$(run_rc --version) $(grep -c '^itemdup [0-9]' "$WORK/out")"
check_eq "no command: 64" 64 "$(run_rc)"
check_eq "unknown command: 64" 64 "$(run_rc frobnicate)"

# usage errors: 64, and no runs row, for each
runs_before=$(q "SELECT count(*) FROM itemdup.runs")
usage_case() {
	local desc=$1; shift
	check_eq "$desc: exit 64" 64 "$(run_rc "$@")"
}
usage_case "unqualified --source" run --source items
usage_case "--source with three parts" run --source db.app.items
usage_case "--created-since not a date" run --kind backfill --created-since yesterday
usage_case "--created-since month 13" run --kind backfill --created-since 2024-13-01
usage_case "--created-since February 30" run --kind backfill --created-since 2024-02-30
usage_case "--created-until hour 25" run --kind backfill --created-until 2024-01-01T25:00
usage_case "--created-until with a bad zone" run --kind backfill --created-until "2024-01-01 10:00 EST"
usage_case "window since >= until" run --kind backfill --created-since 2024-06-01 --created-until 2024-01-01
usage_case "--publish with a window" run --kind backfill --publish --created-since 2024-01-01
usage_case "a window on a nightly run" run --created-since 2024-01-01
usage_case "--hot-key-cap 1 (out of range)" run --hot-key-cap 1
usage_case "--max-reject-ratio 1.5" run --max-reject-ratio 1.5
usage_case "--keep-runs 0" run --keep-runs 0
usage_case "--threshold nan" run --threshold nan
usage_case "--lock-timeout 10x" run --lock-timeout 10x
usage_case "-p 0" run -p 0
usage_case "--source-dsn with a password" run --source-dsn "dbname=x password=hunter2secret"
usage_case "a stray argument" run now
usage_case "report --format xml" report --format xml
usage_case "status --max-age soon" status --max-age soon
check_eq "none of them wrote a runs row" "$runs_before" "$(q "SELECT count(*) FROM itemdup.runs")"

# the strict ISO 8601 forms are accepted
check_eq "ISO 8601 window with Z and an offset" 0 "$(run_rc run --kind backfill --created-since 2024-01-01T00:00:00Z --created-until '2024-12-31 23:59:59.5+02:00')"
check "sanitizers quiet" no_sanitizer_report

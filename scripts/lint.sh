#!/bin/sh
# lint.sh — source rules `make test` enforces (docs/ARCHITECTURE.md):
#   1. no SQL statement text in src/*.c: statements live in sql/queries/NAME.sql
#      and are fetched by name (src/sql_query.h);
#   2. no function in src/*.c longer than LINT_MAX_LINES (80) lines, from its
#      opening "{" to its closing "}" (both in column 0, the house style);
#   3. edges do not know the CLI: only cli*.c/h and main.c include cli.h
#      (each edge takes its own config struct, built in cli_config.c);
#   4. every name given to sql_query()/sql_query_with() has its file in
#      sql/queries/, and every file there is used (by name or as
#      sql_file("queries/NAME.sql")).
# src/gen/ (the generator, not part of the job) is not checked.  Prints each
# offender as FILE:LINE: reason, and exits 1 when there is any.
set -eu
cd "$(dirname "$0")/.."
max=${LINT_MAX_LINES:-80}

sqlre='"[[:space:]]*[(,]?[[:space:]]*(SELECT|INSERT|UPDATE|DELETE|COPY|WITH|CREATE|ALTER|BEGIN|COMMIT|ROLLBACK|SET|LOCK|EXPLAIN|DO|TRUNCATE|DROP|GRANT|REVOKE|ANALYZE|VACUUM)([[:space:]";]|$)'
bad=0
for f in src/*.c; do
	hits=$(grep -nE "$sqlre" "$f" || true)
	if [ -n "$hits" ]; then
		echo "$hits" | sed "s|^|$f:|; s|\$|   <- SQL text in C: move it to sql/queries/NAME.sql|"
		bad=1
	fi
	if ! awk -v max="$max" -v file="$f" '
		/^[A-Za-z_][A-Za-z_0-9]*\(/ { name = $0; sub(/\(.*/, "", name) }
		$0 == "{" { start = NR; fn = name }
		$0 == "}" && start {
			n = NR - start + 1
			if (n > max) {
				printf "%s:%d: function %s is %d lines (at most %d)\n", file, start, fn, n, max
				over = 1
			}
			start = 0
		}
		END { exit over }' "$f"; then
		bad=1
	fi
done
for f in src/*.c src/*.h; do
	case "$f" in src/cli.h | src/cli.c | src/cli_*.[ch] | src/main.c) continue ;; esac
	hits=$(grep -n '^#include "cli.h"' "$f" || true)
	if [ -n "$hits" ]; then
		echo "$hits" | sed "s|^|$f:|; s|\$|   <- an edge includes cli.h: give it its own config struct|"
		bad=1
	fi
done
used=$(grep -ohE 'sql_query(_with)?\([^)]*\)|sql_file\("queries/[a-z_0-9]+' src/*.c |
	grep -oE '"(queries/)?[a-z_0-9]+' | sed 's|^"||; s|^queries/||' | sort -u)
for n in $used; do
	if [ ! -f "sql/queries/$n.sql" ]; then
		echo "src: sql_query(\"$n\")   <- no file sql/queries/$n.sql"
		bad=1
	fi
done
for f in sql/queries/*.sql; do
	n=$(basename "$f" .sql)
	if ! echo "$used" | grep -qx "$n"; then
		echo "$f   <- not used by any src/*.c: remove it"
		bad=1
	fi
done
if [ "$bad" -ne 0 ]; then
	echo "lint: failed (rules at the top of scripts/lint.sh)" >&2
	exit 1
fi
echo "lint: ok (no SQL text in src/*.c, no function over $max lines, cli.h only in the CLI, sql/queries/ names match)"

#!/bin/bash
# pgcluster.sh — a throwaway PostgreSQL cluster for tests and the demo.
#
#   eval "$(scripts/pgcluster.sh start)"   # prints export lines (PGHOST...)
#   scripts/pgcluster.sh stop "$ITEMDUP_PGDIR"
#
# initdb -E UTF8 --locale=C.UTF-8, -A trust, fsync off; unix socket only, in
# its own mktemp dir, on its own port (never 5432).  As root, the server runs
# as the unprivileged "postgres" user (PostgreSQL refuses root).
set -euo pipefail

bindir() {
	local d
	d=$(pg_config --bindir 2>/dev/null || true)
	if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
		d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	fi
	[ -x "$d/initdb" ] || { echo "pgcluster: initdb not found (install postgresql)" >&2; exit 1; }
	echo "$d"
}

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

start() {
	local bin dir port user
	bin=$(bindir)
	dir=$(mktemp -d /tmp/itemdup-pg.XXXXXX)
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$dir"
		user=postgres
	else
		user=$(id -un)
	fi
	chmod 755 "$dir"
	port=${ITEMDUP_PGPORT:-$((20000 + RANDOM % 30000))}
	# ITEMDUP_EXT_LIBDIR: load itemdup_check.so from this checkout's ext/
	# before the server's $libdir, so two checkouts testing at once on one
	# machine each run their own build (the control file names the module
	# without a directory; docs/OPERATIONS.md)
	local libpath='$libdir'
	if [ -n "${ITEMDUP_EXT_LIBDIR:-}" ] && [ -r "$ITEMDUP_EXT_LIBDIR/itemdup_check.so" ]; then
		libpath="$ITEMDUP_EXT_LIBDIR:\$libdir"
	fi
	as_owner "$bin/initdb" -D "$dir/data" -A trust --nosync -E UTF8 --locale=C.UTF-8 \
		-U "$user" >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses='' -k $dir -p $port -c fsync=off -c synchronous_commit=off \
		    -c full_page_writes=off -c max_connections=50 -c shared_buffers=256MB \
		    -c max_wal_size=4GB -c dynamic_library_path='$libpath'" \
		start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
	echo "export ITEMDUP_PGDIR='$dir' PGHOST='$dir' PGPORT='$port' PGUSER='$user' PGDATABASE=postgres"
}

stop() {
	local dir=$1 bin
	bin=$(bindir)
	case "$dir" in /tmp/itemdup-pg.*) ;; *) echo "pgcluster: refusing to remove $dir" >&2; exit 1;; esac
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}

case "${1:-}" in
	start) start ;;
	stop) stop "${2:?usage: pgcluster.sh stop DIR}" ;;
	*) echo "usage: pgcluster.sh start | stop DIR" >&2; exit 64 ;;
esac

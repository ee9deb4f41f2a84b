#!/bin/sh
# install-deps.sh [demo|tools|test] — install the Debian 12 packages a target
# needs, when missing.  Quick when everything is there.
#   demo   build and run the job on a throwaway PostgreSQL (make demo, make)
#   tools  demo + python3 (make eval, make bench)
#   test   tools + Check, man-db/groff (the man page test) and chromium (make test)
# chromium (large: ~140 MB download, ~35 s here) is only for t_11_html, which
# renders the HTML report headless; without it those checks are reported SKIPPED.
set -eu
DEMO="build-essential pkg-config libpq-dev libcjson-dev libxxhash-dev libutf8proc-dev
postgresql postgresql-contrib"
TOOLS="$DEMO python3"
TEST="$TOOLS check man-db groff-base chromium postgresql-server-dev-15"
case "${1:-test}" in
	demo) PKGS=$DEMO ;;
	tools) PKGS=$TOOLS ;;
	test) PKGS=$TEST ;;
	*) echo "usage: install-deps.sh [demo|tools|test]" >&2; exit 64 ;;
esac
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "install-deps: missing packages:$missing (run as root or install them)" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
# postgresql-server-dev-15 builds ext/ (itemdup.check_link in the server)
# the postgresql package may start a cluster on 5432: ours never use it

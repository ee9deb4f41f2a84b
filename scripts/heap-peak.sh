#!/bin/bash
# heap-peak.sh [itemdup run options ...] — where a run's memory is at its
# highest (docs/SCALING.md, "What matching, grouping and the writer held"):
# runs `build/itemdup run` (publishing, unless --dry-run is given) under
# heaptrack and prints the heap at its peak by allocating call site, the two
# callers above the allocator (xmalloc, vec_push, arena_strpack ...), largest
# first, with the run's own peak RSS after the read and after matching.  A
# site is its two frames nearest the allocator, in heaptrack's order (a call
# the compiler inlined can come before its caller).
#
# The heap counts what was allocated: a vector's room to grow and a table's
# empty pages count in full although the kernel gives them no memory until
# they are touched, so the heap total is above the RSS; read the two
# together.  Needs heaptrack (Debian: apt-get install heaptrack), build/itemdup
# and libpq's environment pointing at a migrated database with a source
# (scripts/load-sample.sh).  HEAP_PEAK_TOP=N prints N sites (default 25).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v heaptrack >/dev/null && command -v heaptrack_print >/dev/null || {
	echo "heap-peak.sh: heaptrack is not installed (apt-get install heaptrack)" >&2
	exit 69
}
work=$(mktemp -d /tmp/itemdup-heappeak.XXXXXX)
trap 'rm -rf "$work"' EXIT

heaptrack -o "$work/ht" build/itemdup run --log-format text "$@" >/dev/null 2>"$work/log"
heaptrack_print -f "$work"/ht.* --print-peaks 0 --print-allocators 0 --print-temporary 0 \
	--print-leaks 0 --flamegraph-cost-type peak -F "$work/stacks" >/dev/null 2>&1
run=$(psql -X -Atc "SELECT run_id || ' (' || status || '): peak RSS after the read ' ||
	(stats->>'peak_rss_kb_after_read') || ' KiB, after matching ' ||
	(stats->>'peak_rss_kb_after_match') || ' KiB' FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")
echo "run $run"
# stacks: "root;...;leaf bytes" — drop the allocators and unresolved frames,
# keep the two frames above them
awk -v top="${HEAP_PEAK_TOP:-25}" '
{
	bytes = $NF
	$NF = ""
	n = split($0, f, ";")
	k = 0
	for (i = n; i >= 1 && k < 2; i--)
	{
		g = f[i]
		sub(/^ +| +$/, "", g)
		if (g == "" || g ~ /^0x/ || g ~ /^(x(malloc|calloc|realloc)|vec_push|arena_(alloc|alloc_aligned|strpack|strdup|strndup)|malloc|calloc|realloc) /)
			continue
		site = (k == 0) ? g : site " | " g
		k++
	}
	sum[site] += bytes
	total += bytes
}
END {
	printf "heap at its peak: %.1f MB\n", total / 1e6
	for (s in sum)
		printf "%10.2f MB  %s\n", sum[s] / 1e6, s | ("sort -rn | head -n " top)
}' "$work/stacks"

# Peak memory per Item (issue 12 target 3; docs/SCALING.md "Memory model").
# Not a timed test: it bounds bytes, on the release build (the sanitizers'
# shadow memory would blur them), with a generous margin.  200,000
# generator Items: the read peaked at 506 B per Item before the compact
# data set (IdTables, packed text, 40-byte Items) and at 259 B after, of
# which ~40 B is the process's fixed 8 MB; the bound is 330 B, for the
# read and for the whole run: matching and grouping may add the pruning
# index (docs/MATCHING.md "Pruning": about 5 MB over the read's peak at 1 M)
# but the read-only tables are freed before them.
plan 7
BIN=build/itemdup
per_item() { q "SELECT (stats->>'peak_rss_kb_after_read')::bigint * 1024 / items_read FROM itemdup.runs ORDER BY run_id DESC LIMIT 1"; }
run_per_item() { q "SELECT greatest((stats->>'peak_rss_kb_after_read')::bigint, (stats->>'peak_rss_kb_after_match')::bigint, (stats->>'peak_rss_kb_after_group')::bigint) * 1024 / items_read FROM itemdup.runs ORDER BY run_id DESC LIMIT 1"; }
"$BIN" migrate --log-format text >/dev/null 2>&1
"$ITEMDUP_GEN" --items 200000 --seed 42 --out "$WORK/g65" 2>/dev/null
bash scripts/load-sample.sh "$WORK/g65" >/dev/null 2>&1
"$BIN" run --dry-run --log-format text >/dev/null 2>"$WORK/err65"
check_eq "a release dry run of 200,000 Items (flat path) exits 0" "0 flat" \
	"$? $(q "SELECT stats->>'read_path' FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")"
b=$(per_item)
check "... its read peaks at $b B per Item read, under 330 B" test "$b" -lt 330
b=$(run_per_item)
check "... matching and grouping included, the run peaks at $b B per Item read, under 330 B" test "$b" -lt 330
"$BIN" run --dry-run --read-path text --log-format text >/dev/null 2>"$WORK/err65"
check_eq "the same Items through the text path: exits 0" 0 "$?"
b=$(per_item)
check "... its read peaks at $b B per Item read, under 330 B" test "$b" -lt 330
b=$(run_per_item)
check "... matching and grouping included, the run peaks at $b B per Item read, under 330 B" test "$b" -lt 330
check_eq "both paths found the same groups" \
	"$(q "SELECT groups || ' ' || items_in_groups FROM itemdup.runs ORDER BY run_id LIMIT 1")" \
	"$(q "SELECT groups || ' ' || items_in_groups FROM itemdup.runs ORDER BY run_id DESC LIMIT 1")"

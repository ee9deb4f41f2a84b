# report --format html: one self-contained page (no external resource),
# inline SVG charts, the run diff, every group id, user data HTML-escaped;
# then rendered in headless Chromium (3 checks SKIPPED, not passed, without it)
plan 29
run_rc migrate >/dev/null
load_fixture basic
check_eq "run 1 exits 0" 0 "$(run_rc run)"
gC1=$(q "SELECT group_id FROM itemdup.current_group_items WHERE item_id = 'C1'")
# run 2 changes: an item whose id holds HTML special characters joins {I1 I2}
# (a copy of I1's payload), I5 joins {I3 I4}, C1 goes so {C1 L1} dissolves
q "INSERT INTO app.items SELECT 'I9<b>&\"x''', owner_id, environment, institution_id, payload, '2024-03-01', '2024-03-01', NULL FROM app.items WHERE item_id = 'I1'"
q "INSERT INTO app.items VALUES ('I5','u2','production',NULL,'{\"accounts\":[{\"name\":\"Premier Checking\",\"mask\":\"3333\"}],\"item\":{\"institution_id\":\"ins_2\"}}','2024-07-01','2024-07-01',NULL)"
q "DELETE FROM app.items WHERE item_id = 'C1'"
check_eq "run 2 exits 0" 0 "$(run_rc run)"
check_eq "run 2 diff: grown, dissolved, unchanged" "2|1|1" "$(q "SELECT concat_ws('|', groups_grown, groups_dissolved, groups_unchanged) FROM itemdup.runs WHERE run_id = 2")"
check_eq "the escaped item is grouped with I1" "1" "$(q "SELECT count(DISTINCT group_id) FROM itemdup.current_group_items WHERE item_id IN ('I1', 'I9<b>&\"x''')")"

H="$WORK/r.html"
check_eq "report --format html --output exits 0" 0 "$(run_rc report --format html --output "$H")"
check "sanitizers quiet" no_sanitizer_report
check_eq "nothing on stdout with --output" "0" "$(wc -c <"$WORK/out")"
check "a complete html document" bash -c "head -c 15 '$H' | grep -q '<!DOCTYPE html>' && tail -n 1 '$H' | grep -q '</html>'"
check "no external resource (src=/href= with http or //)" bash -c \
	"! grep -Eiq '(src|href|action|poster|srcset|xlink:href)[[:space:]]*=[[:space:]]*[\"'\'']?[[:space:]]*(https?:)?//' '$H'"
check "no script, stylesheet link, @import or url()" bash -c "! grep -Eiq '<script|<link|@import|url\\(' '$H'"
check "no http(s) url anywhere" bash -c "! grep -Eiq 'https?://' '$H'"
check "at least three inline svg charts" test "$(grep -o '<svg' "$H" | wc -l)" -ge 3
check "the threshold is marked on the score histogram" grep -q 'class="thr"' "$H"
missing=""
for g in $(q "SELECT DISTINCT group_id FROM itemdup.run_group_items WHERE run_id = 2"); do
	grep -q "id=\"g$g\"" "$H" || missing="$missing $g"
done
check_eq "every group id of the run has its row" "" "$missing"
check_eq "the diff lists the two grown groups" "2" "$(grep -o 'class="st">grown<' "$H" | wc -l)"
check "the diff lists the dissolved group by id" grep -q "<td class=\"n\">$gC1</td><td class=\"st\">dissolved<" "$H"
check "the pair evidence is readable (shared key, weight)" grep -q '“total checking” ··1111 (weight' "$H"
check "the html-special item id is escaped" grep -qF 'I9&lt;b&gt;&amp;&quot;x&#39;' "$H"
check "... and never raw" bash -c "! grep -qF '<b>&' '$H'"
check "no token in the page" bash -c "! grep -q test_wells '$H'"
check_eq "report --format html of run 1 (no previous run) exits 0" 0 "$(run_rc report --format html --run 1)"
check "... says every group is new" grep -q 'every group of this run is new' "$WORK/out"
check "sanitizers quiet" no_sanitizer_report
rm -f "$WORK/none.html"
check_eq "report --format html of a missing run exits 1" 1 "$(run_rc report --format html --run 999 --output "$WORK/none.html")"
check "... and writes no file" test ! -e "$WORK/none.html"
check_eq "an unknown --format is still a usage error" 64 "$(run_rc report --format xml)"

# render it
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	why="chromium not installed (scripts/install-deps.sh installs it)"
	skip "chromium --dump-dom shows at least three svg" "$why"
	skip "chromium renders the escaped id as text" "$why"
	skip "chromium screenshot is a 1200x900 png with more than 50 colours" "$why"
else
	prof=$(mktemp -d)
	flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
		--disable-component-update --disable-sync "--user-data-dir=$prof")
	timeout 120 "$CHROME" "${flags[@]}" --dump-dom "file://$H" >"$WORK/dom.html" 2>"$WORK/chromium.err"
	check "chromium --dump-dom shows at least three svg" test "$(grep -o '<svg' "$WORK/dom.html" | wc -l)" -ge 3
	check "chromium renders the escaped id as text" grep -qF 'I9&lt;b&gt;&amp;' "$WORK/dom.html"
	rm -f "$WORK/shot.png"
	timeout 120 "$CHROME" "${flags[@]}" --screenshot="$WORK/shot.png" --window-size=1200,900 \
		"file://$H" >/dev/null 2>>"$WORK/chromium.err"
	check "chromium screenshot is a 1200x900 png with more than 50 colours" python3 - "$WORK/shot.png" <<'EOF'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a png"
pos, idat, hdr = 8, b"", None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        hdr = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
w, h, depth, ctype, _, _, interlace = hdr
assert (w, h) == (1200, 900), (w, h)
assert depth == 8 and ctype in (2, 6) and interlace == 0, hdr
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), w * bpp
prev, colours = bytearray(stride), set()
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    colours.update(bytes(line[i:i + bpp]) for i in range(0, stride, bpp))
    prev = line
print("  screenshot colours:", len(colours))
sys.exit(0 if len(colours) > 50 else 1)
EOF
	echo "  chromium: $("$CHROME" --version 2>/dev/null)"
	rm -rf "$prof"
fi

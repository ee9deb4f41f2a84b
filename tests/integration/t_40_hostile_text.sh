# Hostile text in what people read (issue 10 point 3): ids and account names
# with ESC/OSC, CR, backspace, newline, tab, C1 and bidi controls, and CSV
# formula starters, through every report format and explain: nothing raw
# reaches stdout or a log line, CSV cells are neutralised, JSON stays valid
# and lossless, HTML shows bidi controls as text.
type plan >/dev/null 2>&1 || plan() { :; }
plan 41
RAW="python3 tests/integration/rawbytes.py"
run_rc migrate >/dev/null
load_fixture hostile_text
check_eq "run over the hostile fixture exits 0" 0 "$(run_rc run --max-reject-ratio 0.5)"
check_eq "five groups" 5 "$(q "SELECT count(*) FROM itemdup.current_groups")"

for f in table csv json html; do
	check_eq "report --format $f exits 0" 0 "$(run_rc report --format $f)"
	cp "$WORK/out" "$WORK/r.$f"
	check "report --format $f: no raw control or bidi character" $RAW "$WORK/r.$f"
done
check "sanitizers quiet" no_sanitizer_report

# table: the escaped forms are there (the data is shown, not dropped)
check "table shows the OSC owner escaped" grep -qF '\x1b]52;c;ZXZpbA==\x07own' "$WORK/r.table"
check "table shows the forged-line owner on one line" grep -qF 'own\x0d\x1b[2Kkeep\x08\x08\x0aforged' "$WORK/r.table"
check "table shows U+202E and U+009B escaped in the institution" grep -qF 'ins_\x1b[31mred\u009b2J\u202e' "$WORK/r.table"
check "table: no line starts with a forged keep row" bash -c "! grep -q '^forged' '$WORK/r.table'"

# csv: formula starters get a leading quote, NULL and empty stay distinct
check_eq "csv: 10 member rows" 10 "$(python3 -c 'import csv,sys; print(len(list(csv.DictReader(open(sys.argv[1], newline="")))))' "$WORK/r.csv")"
check_eq "csv: no user cell starts with = + - @ tab or CR" "" "$(python3 - "$WORK/r.csv" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1], newline="")):
    for col in ("item_id", "owner_id", "institution_id", "institution_name"):
        v = row[col]
        if v and v[0] in "=+-@\t\r":
            print(col, repr(v))
PY
)"
check "csv: =HYPERLINK is quoted with a leading '" grep -qF "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"click\"\")\"" "$WORK/r.csv"
check "csv: @SUM, +plus, -minus and -owner neutralised" bash -c "grep -qF \"\\\"'@SUM(A1:A9)\\\"\" '$WORK/r.csv' && grep -qF \"\\\"'+plus\\\"\" '$WORK/r.csv' && grep -qF \"\\\"'-minus\\\"\" '$WORK/r.csv' && grep -qF \"\\\"'-owner\\\"\" '$WORK/r.csv'"
check "csv: tab-led owner neutralised and escaped" grep -qF "\"'\\x09TAB\"" "$WORK/r.csv"
check "csv: NULL owner is an empty cell, empty owner is \"\"" bash -c "grep -q '^[0-9]*,production,ins_n,.*,n1,,1,1,' '$WORK/r.csv' && grep -q '^[0-9]*,production,ins_n,.*,n2,\"\",1,1,' '$WORK/r.csv'"
check_eq "report --format csv --csv-raw exits 0" 0 "$(run_rc report --format csv --csv-raw)"
check "csv-raw: the value exactly as stored (raw ESC, no quote prefix)" python3 - "$WORK/out" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
owners = {r["item_id"]: r["owner_id"] for r in rows}
assert owners["h1\u202eetadidnac_evomer"] == "\x1b]52;c;ZXZpbA==\x07own", owners
assert owners["-minus"] == "\rCR" and owners["=HYPERLINK(\"http://evil.example/\",\"click\")"] == "-owner"
PY

# json: parses, and the strings are exactly the stored values
check "json parses and holds the exact owner and item ids" python3 - "$WORK/r.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
items = {i["item_id"]: i for g in d["groups"] for i in g["items"]}
assert items["h2\u2066x"]["owner_id"] == "own\r\x1b[2Kkeep\b\b\nforged"
assert items["h3\u200e"]["owner_id"] == "same\u009b\u200f\u061cowner"
assert items["n1"]["owner_id"] is None and items["n2"]["owner_id"] == ""
inst = {g["institution_id"] for g in d["groups"]}
assert "ins_\x1b[31mred\u009b2J\u202e" in inst
names = [k["name"] for g in d["groups"] for p in g["pairs"] for k in p["evidence"]["shared_keys"]]
assert any("\x9b" in n and "\x1b" in n for n in names), names
PY

# html: markup and bidi both neutral
check "html: no raw U+202E anywhere (shown as \\u202e)" bash -c "! grep -q \$'\\u202e' '$WORK/r.html' && grep -qF 'h1\\u202eetadidnac_evomer' '$WORK/r.html'"

check "html: owner ids isolated (<bdi>) and ids in isolating <code>" bash -c "grep -qF 'owner <bdi>\\x1b]52;c;ZXZpbA==\\x07own</bdi>' '$WORK/r.html' && grep -q 'code,bdi,td{unicode-bidi:isolate}' '$WORK/r.html'"
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	type skip >/dev/null 2>&1 && skip "chromium render of the hostile page: chromium not installed"
	echo "  SKIPPED chromium render: chromium not installed"
else
	prof=$(mktemp -d)
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync "--user-data-dir=$prof" --dump-dom "file://$WORK/r.html" >"$WORK/dom.html" 2>/dev/null
	check "chromium's DOM of the page: the ids as escaped text, nothing raw" bash -c \
		"grep -qF 'h1\\u202eetadidnac_evomer' '$WORK/dom.html' && $RAW '$WORK/dom.html'"
	rm -rf "$prof"
fi

# explain, text and json, grouped and from the source
h1=$(q "SELECT item_id FROM itemdup.current_group_items WHERE item_id LIKE 'h1%'")
check_eq "explain h1 exits 0" 0 "$(run_rc explain "$h1")"
check "explain h1 text: no raw control or bidi character" $RAW "$WORK/out"
check "explain h1 text: the OSC owner escaped" grep -qF '\x1b]52;c;ZXZpbA==\x07own' "$WORK/out"
check_eq "explain h1 --format json exits 0" 0 "$(run_rc explain "$h1" --format json)"
check "explain json: no raw control or bidi character" $RAW "$WORK/out" --tabs
check "explain json parses with the exact ids" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["item_id"] == "h1\u202eetadidnac_evomer", d["item_id"]
assert d["group"]["institution_id"] == "ins_\x1b[31mred\u009b2J\u202e"' "$WORK/out"
check_eq "explain h1 h3 (two groups, from the source) exits 0" 0 "$(run_rc explain "$h1" "$(q "SELECT item_id FROM itemdup.current_group_items WHERE item_id LIKE 'h3%'")")"
check "explain h1 h3 text: no raw control or bidi character" $RAW "$WORK/out"
check_eq "explain h1 with an unknown hostile id exits 1" 1 "$(run_rc explain "$h1" $'zz\e]0;pwned\a\u202e' --log-format text)"
check "text log line: no raw control or bidi character" $RAW "$WORK/err"
check "text log line shows the id escaped" grep -qF 'zz\x1b]0;pwned\x07\u202e' "$WORK/err"
check_eq "same, with JSON log lines: exits 1" 1 "$(run_rc explain "$h1" $'zz\e]0;pwned\a\u202e' --log-format json)"
check "JSON log lines: each parses, none raw, the id exact" python3 - "$WORK/err" <<'PY'
import json, subprocess, sys
raw = open(sys.argv[1], "rb").read()
assert b"\x1b" not in raw and "\u202e".encode() not in raw
msgs = [json.loads(l)["msg"] for l in raw.decode().splitlines() if l.strip()]
assert any("zz\x1b]0;pwned\x07\u202e" in m for m in msgs), msgs
PY
check "sanitizers quiet" no_sanitizer_report

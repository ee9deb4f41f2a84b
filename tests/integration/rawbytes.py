#!/usr/bin/env python3
"""rawbytes.py FILE [--tabs] — exit 1 (naming what and where) when FILE holds a
raw control or bidi character that a terminal, spreadsheet or browser would
act on: C0 except newline (and tab with --tabs: JSON indentation), DEL, C1
(U+0080-U+009F), bidi controls U+061C, U+200E, U+200F, U+202A-U+202E,
U+2066-U+2069, separators U+2028/U+2029; or bytes that are not UTF-8."""
import re
import sys

data = open(sys.argv[1], "rb").read()
allowed = "\n\t" if "--tabs" in sys.argv[2:] else "\n"
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    print(f"not UTF-8 at byte {e.start}")
    sys.exit(1)
bad = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
for m in bad.finditer(text):
    if m.group() in allowed:
        continue
    line = text.count("\n", 0, m.start()) + 1
    print(f"raw U+{ord(m.group()):04X} on line {line}")
    sys.exit(1)
sys.exit(0)

#!/usr/bin/env python3
"""maxrss.py [--kib] OUT CMD... — run CMD with stdout to OUT; print its exit
code and peak resident set size in MiB, or KiB with --kib ("rc rss"), from
getrusage(RUSAGE_CHILDREN)."""
import resource
import subprocess
import sys

kib = sys.argv[1] == "--kib"
args = sys.argv[2:] if kib else sys.argv[1:]
with open(args[0], "wb") as out:
    rc = subprocess.run(args[1:], stdout=out, stderr=subprocess.DEVNULL).returncode
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(rc, peak if kib else peak // 1024)

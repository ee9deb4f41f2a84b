#!/usr/bin/env python3
"""maxrss.py OUT CMD... — run CMD with stdout to OUT; print its exit code
and peak resident set size in MiB ("rc rss"), from getrusage(RUSAGE_CHILDREN)."""
import resource
import subprocess
import sys

with open(sys.argv[1], "wb") as out:
    rc = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)

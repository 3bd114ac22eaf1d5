#!/usr/bin/env python3
"""Prints one closing line over meson test logs: 'tests: N passed, N failed, N skipped'."""
import json
import pathlib
import sys

passed = failed = skipped = 0
for build in sys.argv[1:]:
    log = pathlib.Path(build) / "meson-logs" / "testlog.json"
    if not log.exists():
        print(f"{log}: missing, the tests of {build} did not run", file=sys.stderr)
        failed += 1
        continue
    for line in log.read_text().splitlines():
        result = json.loads(line)["result"]
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or not passed else 0)

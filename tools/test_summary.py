#!/usr/bin/env python3
"""Prints one closing line over meson test logs: 'tests: N passed, N failed, N skipped'.

Under CI (the CI variable set) a skipped test fails the run: the integration tests must run there.
"""
import json
import os
import pathlib
import sys

# The tests against the real PostgreSQL, which meson leaves out when libpq is not found.
INTEGRATION = ("libpq-cluster", "libpq-cli", "provisioning-pg")

passed = failed = skipped = 0
for build in sys.argv[1:]:
    log = pathlib.Path(build) / "meson-logs" / "testlog.json"
    if not log.exists():
        print(f"{log}: missing, the tests of {build} did not run", file=sys.stderr)
        failed += 1
        continue
    results = [json.loads(line) for line in log.read_text().splitlines()]
    names = {r["name"] for r in results}
    for name in INTEGRATION:
        if os.environ.get("CI") and name not in names:
            print(f"{build}: the integration test {name} was not built (is libpq-dev installed?)", file=sys.stderr)
            failed += 1
    for result in (r["result"] for r in results):
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
if skipped and os.environ.get("CI"):
    print(f"{skipped} tests were skipped; under CI every test must run", file=sys.stderr)
    sys.exit(1)
sys.exit(1 if failed or not passed else 0)

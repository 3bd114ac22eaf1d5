#!/usr/bin/env bash
# The main job: builds the pgstore tool and checks the bundled example configurations.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh g++
pgstore=build/g++/pgstore

echo "== the good examples (sized for 8-core service machines): expect no errors"
$pgstore check --cores 8 examples/ekm-password.properties examples/ekm-cert.properties examples/wkd.properties

echo
echo "== examples/broken.properties: expect many findings and exit status 1"
status=0
$pgstore check --cores 8 examples/broken.properties || status=$?
if [ "$status" -ne 1 ]; then
  echo "demo: expected exit status 1 for the broken example, got $status" >&2
  exit 1
fi
echo "demo: pgstore check behaved as expected"

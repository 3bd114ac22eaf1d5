#!/usr/bin/env bash
# The main job: builds the pgstore tool and checks the bundled example configurations.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh g++
pgstore=build/g++/pgstore

echo "== the good examples (sized for 8-core service machines): expect no errors"
echo "   (ekm-cert names files under /etc/flowcrypt; --no-file-checks lints it without reading them)"
$pgstore check --cores 8 --no-file-checks examples/ekm-password.properties examples/ekm-cert.properties \
  examples/wkd.properties

echo
echo "== TLS client certificates: throw-away material made with openssl under build/demo-tls"
tools/tls-material.sh build/demo-tls
tls_pgstore=$PWD/$pgstore
echo "-- good.properties, examples/ekm-cert.properties pointing at good material: expect no findings"
(cd build/demo-tls && "$tls_pgstore" check --cores 8 good.properties)
echo "-- bad.properties: expect each mistake once, with its hint, and exit status 1"
status=0
(cd build/demo-tls && "$tls_pgstore" check --cores 8 bad.properties) || status=$?
if [ "$status" -ne 1 ]; then
  echo "demo: expected exit status 1 for the bad TLS material, got $status" >&2
  exit 1
fi

echo
echo "== examples/broken.properties: expect many findings and exit status 1"
status=0
$pgstore check --cores 8 examples/broken.properties || status=$?
if [ "$status" -ne 1 ]; then
  echo "demo: expected exit status 1 for the broken example, got $status" >&2
  exit 1
fi
echo "demo: pgstore check behaved as expected"

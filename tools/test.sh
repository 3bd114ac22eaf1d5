#!/usr/bin/env bash
# Runs every test: installs what is missing, builds with g++ and clang++, and runs both suites
# against a throw-away PostgreSQL primary and replica on loopback (stopped on exit).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh g++
tools/build.sh clang++ c++20

status=0
tests/pg/with-cluster.sh bash -c \
  'meson test -C build/g++ --print-errorlogs; a=$?; meson test -C build/clang++ --print-errorlogs; b=$?;
   exit $(( a || b ))' || status=$?

python3 tools/test_summary.py build/g++ build/clang++ || status=1
exit $status

#!/usr/bin/env bash
# Builds the libFuzzer target with clang++ (ASan + UBSan) and runs it for a bounded number of
# inputs, seeded with the example configurations: tools/fuzz.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200000}
out=build/fuzz
mkdir -p "$out/corpus"
cp examples/*.properties "$out/corpus/"
clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -Iinclude tests/fuzz/fuzz_properties.cpp -o "$out/fuzz_properties"
"$out/fuzz_properties" -runs="$runs" -max_len=4096 -timeout=10 -artifact_prefix="$out/" "$out/corpus" 2>&1 \
  | tail -n 3

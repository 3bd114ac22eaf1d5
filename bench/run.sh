#!/usr/bin/env bash
# Prints pgstore's figures next to hand-written Boost.Program_options code and the Java stack:
# compile cost, validation speed, start-up time and peak memory. Figures, not pass/fail.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
dir=build/bench
[ -f "$dir/build.ninja" ] || CXX=g++ meson setup "$dir" --buildtype=release -Dbenchmarks=enabled >/dev/null
meson compile -C "$dir" pgstore bench/bench_validate >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "== compile cost of one translation unit (g++ -O2, median of 3: seconds, peak compiler KB)"
for probe in compile_pgstore compile_handwritten; do
  for mode in "" "-DPGSTORE_HEADER_ONLY=0"; do
    [ "$probe" = compile_handwritten ] && [ -n "$mode" ] && continue
    secs=(); mem=()
    for _ in 1 2 3; do
      out=$( { /usr/bin/time -f "%e %M" g++ -std=c++17 -O2 $mode -Iinclude -c "bench/$probe.cpp" \
               -o /dev/null; } 2>&1 | tail -n 1)
      secs+=("${out% *}"); mem+=("${out#* }")
    done
    printf '  %-22s %-26s %6s s %8s KB\n' "$probe" "${mode:-header-only}" \
      "$(printf '%s\n' "${secs[@]}" | median)" "$(printf '%s\n' "${mem[@]}" | median)"
  done
done

echo
echo "== validation speed in process (Google Benchmark)"
"$dir/bench/bench_validate" --benchmark_min_time=0.2 2>/dev/null | grep -E '^(pgstore|handwritten)'

jars=/usr/share/java/HikariCP.jar:/usr/share/java/slf4j-api.jar:/usr/share/java/slf4j-nop.jar
classes=$dir/java
mkdir -p "$classes"
javac -d "$classes" -cp "$jars" bench/JavaStack.java
file=examples/ekm-password.properties

echo
echo "== Java stack in process (Properties.load + HikariConfig.validate, after warm-up)"
java -cp "$jars:$classes" JavaStack "$file" 200000

echo
echo "== one start-up check as a process (median of 10 runs: milliseconds, peak KB)"
for cmd in "$dir/pgstore check --cores 8 $file" "java -cp $jars:$classes JavaStack $file"; do
  ms=(); mem=()
  for _ in $(seq 10); do
    start=$(date +%s%N)
    out=$( { /usr/bin/time -f "%M" $cmd >/dev/null; } 2>&1 | tail -n 1)
    ms+=($(( ($(date +%s%N) - start) / 1000000 ))); mem+=("$out")
  done
  printf '  %-10s %6s ms %8s KB\n' "$(basename "${cmd%% *}")" \
    "$(printf '%s\n' "${ms[@]}" | median)" "$(printf '%s\n' "${mem[@]}" | median)"
done

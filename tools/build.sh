#!/usr/bin/env bash
# Configures (once) and builds pgstore with one compiler: tools/build.sh g++|clang++ [c++17|c++20]
set -euo pipefail
cd "$(dirname "$0")/.."
cxx=${1:-g++}
std=${2:-c++17}
dir=build/$cxx
if [ ! -f "$dir/build.ninja" ]; then
  CXX=$cxx meson setup "$dir" -Dcpp_std="$std" >/dev/null
else
  meson configure "$dir" -Dcpp_std="$std"
fi
meson compile -C "$dir" >/dev/null || meson compile -C "$dir"

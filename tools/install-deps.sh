#!/usr/bin/env bash
# Installs the Debian packages pgstore builds and tests with, when any is missing.
set -euo pipefail

packages=(
  meson ninja-build pkg-config g++ clang
  libboost-dev libboost-program-options-dev libssl-dev libpq-dev
  doctest-dev nlohmann-json3-dev
  python3 python3-jsonschema openssl
  default-jdk-headless libpostgresql-jdbc-java libhikaricp-java libslf4j-java
  postgresql
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Run CMD ARGS... against a fresh throw-away cluster (see cluster.sh), with DIR/env
# exported, and always tear the cluster down afterwards. Exits with CMD's status.
set -uo pipefail

[[ $# -ge 1 ]] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# Short base path: the unix socket paths inside DIR must stay under 108 bytes.
dir=$(mktemp -d "${TMPDIR:-/tmp}/pgstore-pg.XXXXXX") || exit 1

# shellcheck disable=SC2317  # invoked through the trap
cleanup() {
    "$here/cluster.sh" stop "$dir" >/dev/null 2>&1 || true
    rm -rf -- "$dir"
}
trap cleanup EXIT
# Turn signals into a normal exit so the EXIT trap does the teardown exactly once.
trap 'exit 130' INT
trap 'exit 143' TERM

# Progress goes to stderr so CMD's stdout (e.g. TAP output) stays clean.
"$here/cluster.sh" start "$dir" >&2 || exit

set -a
# shellcheck source=/dev/null
. "$dir/env"
set +a

rc=0
"$@" || rc=$?
exit "$rc"

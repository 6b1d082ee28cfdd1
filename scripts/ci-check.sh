#!/usr/bin/env bash
# `nestnet check` for CI jobs (action.yml, ci/gitlab-nestnet.yml): builds the self-contained
# binary once per NestNet source version (scripts/install.sh, a few minutes on 2 cores), keeps
# it in a cache folder the CI system saves between runs, then runs `nestnet check "$@"` with it.
#
#   scripts/ci-check.sh [CHECK ARGS ...]   # e.g. src --sarif nestnet.sarif --junit nestnet.xml
#   scripts/ci-check.sh --key              # prints the cache key (a hash of the sources)
#   scripts/ci-check.sh --bin              # builds if needed, prints the binary's path
#
# NESTNET_CACHE: the cache folder (default ~/.cache/nestnet). The exit status is nestnet's.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
key() { (cd "$SRC" && find Package.swift Sources -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16); }
if [ "${1:-}" = --key ]; then key; exit 0; fi
CACHE=${NESTNET_CACHE:-$HOME/.cache/nestnet}
DIR="$CACHE/$(key)"
BIN="$DIR/bin/nestnet"
if [ ! -x "$BIN" ]; then
  if ! pkg-config --exists libxml-2.0 2>/dev/null; then
    echo "ci-check: building nestnet needs libxml2-dev and pkg-config (apt-get install libxml2-dev pkg-config)" >&2; exit 2
  fi
  echo "ci-check: building nestnet once for this NestNet version (cached in $DIR)" >&2
  SCRATCH="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/nestnet-build" "$SRC/scripts/install.sh" "$DIR"
fi
if [ "${1:-}" = --bin ]; then echo "$BIN"; exit 0; fi
exec "$BIN" check "$@"

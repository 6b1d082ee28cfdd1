#!/usr/bin/env bash
# Builds `nestnet` as one self-contained file and installs it: the Swift runtime and Foundation
# are linked in (--static-swift-stdlib) and the default model is compiled in, so the binary runs
# on a machine without Swift, from any folder, with no build folder next to it. It needs only
# glibc and libxml2 (Debian: libxml2) at run time.
#
#   scripts/install.sh [PREFIX]     # installs PREFIX/bin/nestnet; PREFIX defaults to ~/.local
#
# Release builds target this machine's CPU (Package.swift); for a binary that moves to other
# x86-64 machines, build with NESTNET_PORTABLE=1 (AVX2 + FMA baseline). The build folder is
# .build-install (SCRATCH=... to change it), apart from the everyday .build.
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${1:-${PREFIX:-$HOME/.local}}
SCRATCH=${SCRATCH:-.build-install}
case "$PREFIX" in -*) echo "install.sh: usage: scripts/install.sh [PREFIX]" >&2; exit 2 ;; esac
echo "install: building nestnet (release, static Swift runtime) in $SCRATCH" >&2
swift build -c release --product nestnet --static-swift-stdlib --scratch-path "$SCRATCH" >&2
bin="$SCRATCH/release/nestnet"
if ldd "$bin" 2>/dev/null | grep -q 'libswift\|libFoundation'; then
  echo "install: $bin still links the Swift runtime dynamically" >&2; exit 1
fi
mkdir -p "$PREFIX/bin"
# Copy next to the target, then rename: a running nestnet or a failed copy never leaves half a file.
tmp=$(mktemp "$PREFIX/bin/.nestnet.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cp "$bin" "$tmp"
# Symbols off (81 MB → 61 MB: most of it is Foundation's ICU data); NESTNET_STRIP=0 keeps them.
if [ "${NESTNET_STRIP:-1}" = 1 ] && command -v strip >/dev/null; then strip "$tmp"; fi
chmod 755 "$tmp"
mv -f "$tmp" "$PREFIX/bin/nestnet"
trap - EXIT
echo "install: $PREFIX/bin/nestnet ($("$PREFIX/bin/nestnet" --version))" >&2

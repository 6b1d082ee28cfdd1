#!/usr/bin/env bash
# Throughput of `nestnet check` with the embedded model on a large real C file: Duktape's
# 3.7 MB amalgamation (duktape.c from Debian's duktape-dev package, fetched with
# `apt-get download`, never installed or committed). Prints MB/s for the model engine and the
# exact oracle, best of 3 runs each.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${WORK:-/tmp/nestnet-bench-check}
mkdir -p "$work"
if [ ! -f "$work/usr/share/duktape/duktape.c" ]; then
  (cd "$work" && apt-get download duktape-dev >/dev/null && dpkg -x duktape-dev_*.deb .)
fi
file="$work/usr/share/duktape/duktape.c"
swift build -c release --product nestnet >/dev/null
N=.build/release/nestnet
bytes=$(stat -c %s "$file")
for engine in model exact; do
  best=""
  for _ in 1 2 3; do
    s=$(date +%s.%N)
    $N check "$file" --engine "$engine" > "$work/out-$engine.txt" || true
    e=$(date +%s.%N)
    t=$(python3 -c "print($e - $s)")
    best=$(python3 -c "print(min(float('$t'), float('${best:-1e9}')))")
  done
  python3 -c "print(f'$engine: {$bytes/1e6:.2f} MB in {$best:.2f} s = {$bytes/1e6/$best:.2f} MB/s (whole command, best of 3)')"
  tail -1 "$work/out-$engine.txt"
done

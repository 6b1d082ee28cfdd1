#!/usr/bin/env bash
# Throughput of `nestnet check` with the embedded model on a large real C file: Duktape's
# 3.7 MB amalgamation (duktape.c from Debian's duktape-dev package, fetched with
# `apt-get download`, never installed or committed), several MB of generated valid C in one file
# (which the model reads to the end when it judges it valid; on a file it finds broken, check
# stops early, so that time is not a full read), and that file's first 400 KB (a lone file
# under 512 KiB: split into 32 KiB stretches since session 42, so both threads read it).
# Prints MB/s for the model engine with the embedded stack networks (the default; a file the
# first two break is read by the third too),
# with the first two alone (`--third-opinion none`), with the embedded LSTM pair at its default threshold
# (`--embedded lstm`) and reading the whole file (`--threshold 1e-9`: only a certain break
# stops it; a "1 valid" summary shows it read to the end), and for the exact oracle, best of 3
# runs each. A stack network reads a valid file to the end anyway (only its stack breaking stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${WORK:-/tmp/nestnet-bench-check}
mkdir -p "$work"
if [ ! -f "$work/usr/share/duktape/duktape.c" ]; then
  (cd "$work" && apt-get download duktape-dev >/dev/null && dpkg -x duktape-dev_*.deb .)
fi
swift build -c release --product nestnet >/dev/null
N=.build/release/nestnet
if [ ! -f "$work/generated.c" ]; then
  $N generate --language c --count 4000 --min-length 1500 --max-length 2500 --valid-fraction 1 --seed 77 --out "$work/gen.jsonl" --quiet
  # Texts with preprocessor conditionals are left out (a text may end inside an #if, valid on
  # its own, which would swallow the next one); `/* */` between texts closes a block comment a
  # text may end in.
  python3 -c "import json,sys; ts=[json.loads(l)['text'] for l in open(sys.argv[1])]; open(sys.argv[2],'w').write('\n/* */\n'.join(t for t in ts if '#if' not in t) + '\n')" "$work/gen.jsonl" "$work/generated.c"
fi
# A lone file under 512 KiB (one row on one thread before session 42; now 32 KiB stretches,
# as it is more than a thread's share of the run): the first 400,000 bytes of the generated
# file, cut after a text.
if [ ! -f "$work/generated-400k.c" ]; then
  python3 -c "import sys; t=open(sys.argv[1]).read(); open(sys.argv[2],'w').write(t[:t.index('\n/* */\n', 400000)] + '\n')" "$work/generated.c" "$work/generated-400k.c"
fi
for file in "$work/usr/share/duktape/duktape.c" "$work/generated.c" "$work/generated-400k.c"; do
bytes=$(stat -c %s "$file")
echo "$file"
for engine in model stack-pair lstm lstm-full-read exact; do
  case $engine in
    model) args=(--engine model) ;;
    stack-pair) args=(--engine model --third-opinion none) ;;
    lstm) args=(--engine model --embedded lstm) ;;
    lstm-full-read) args=(--engine model --embedded lstm --threshold 1e-9) ;;
    exact) args=(--engine exact) ;;
  esac
  best=""
  for _ in 1 2 3; do
    s=$(date +%s.%N)
    $N check "$file" "${args[@]}" > "$work/out-$engine.txt" || true
    e=$(date +%s.%N)
    t=$(python3 -c "print($e - $s)")
    best=$(python3 -c "print(min(float('$t'), float('${best:-1e9}')))")
  done
  python3 -c "print(f'$engine: {$bytes/1e6:.2f} MB in {$best:.2f} s = {$bytes/1e6/$best:.2f} MB/s (whole command, best of 3)')"
  tail -1 "$work/out-$engine.txt"
done
done

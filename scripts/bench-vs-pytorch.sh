#!/usr/bin/env bash
# Runs `nestnet bench` and ../shared/anchors/pytorch_rnn_bench.py side by side, in one sitting,
# on the issue's five configurations (E=16, B=32, T=512, 2 threads) and LSTM H=128 at T=4096,
# and prints a Markdown table of tokens/s and ratios. Needs a Python with torch (default
# /tmp/torch-venv/bin/python; set PYTHON=...). Each configuration alternates the two
# implementations REPEAT times and keeps each one's best run, so background noise hurts both
# alike. PyTorch runs with subnormals flushed to zero (scripts/torch-flush-denormal.py), as
# NestNet's training passes are; TORCH_FLUSH=0 runs it as it comes.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-/tmp/torch-venv/bin/python}
REPEAT=${REPEAT:-3}
STEPS=${STEPS:-20}
swift build -c release --product nestnet >/dev/null
N=.build/release/nestnet
FLUSH=(scripts/torch-flush-denormal.py)
[ "${TORCH_FLUSH:-1}" = 1 ] || FLUSH=()
best() { python3 -c 'import json,sys; print(max(json.loads(l)["tokens_per_sec"] for l in sys.stdin if l.startswith("{")))'; }
echo "| configuration | NestNet tokens/s | PyTorch $("$PY" -c 'import torch; print(torch.__version__)' 2>/dev/null) tokens/s | ratio |"
echo "|---|---|---|---|"
# The last row is long sequences, where more of the gradients late in BPTT are subnormal.
for cfg in "lstm 64 train 512" "lstm 64 infer 512" "rnn 64 train 512" "gru 64 train 512" "lstm 128 train 512" "lstm 128 train 4096"; do
  set -- $cfg
  steps=$(( STEPS * 512 / $4 > 2 ? STEPS * 512 / $4 : 2 ))
  args=(--arch "$1" --hidden "$2" --mode "$3" --embed 16 --batch 32 --seq-len "$4" --threads 2 --steps "$steps")
  ours=""; theirs=""
  for _ in $(seq "$REPEAT"); do
    ours+=$($N bench "${args[@]}")$'\n'
    theirs+=$("$PY" "${FLUSH[@]}" ../shared/anchors/pytorch_rnn_bench.py "${args[@]}" 2>/dev/null)$'\n'
  done
  a=$(printf '%s' "$ours" | best); b=$(printf '%s' "$theirs" | best)
  python3 -c "a,b=$a,$b; print(f'| $1 H=$2 $3$( [ "$4" = 512 ] || echo " T=$4") | {a:,.0f} | {b:,.0f} | {a/b:.2f}x |')"
done

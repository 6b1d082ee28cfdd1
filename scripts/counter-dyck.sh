#!/usr/bin/env bash
# Do leak-free counter units (train --counter-units) let an LSTM count past its training length?
# Dyck-1, 32 units, per-step targets, texts up to 256 bytes (curriculum from 32 over 20 epochs),
# 40 epochs of 10,000, Adam 0.005 cosine: the counting report's short arm, with and without 4
# of the 32 units made counters, and with the counters taught the depth (--counter-depth-loss 1);
# seeds 1-3, one thread each, two runs at a time; tested on 400 texts each of 1024, 2048 and
# 4096 bytes (seeds 771024, 772048, 774096). About 6 minutes on 2 cores.
#
#   scripts/counter-dyck.sh [OUT]      # default OUT=/tmp/nestnet-counter-dyck
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/nestnet-counter-dyck}
mkdir -p "$OUT"
if [ -z "${NESTNET:-}" ]; then swift build -c release --product nestnet >/dev/null; fi
N=${NESTNET:-.build/release/nestnet}
LENGTHS=(1024 2048 4096)
for L in "${LENGTHS[@]}"; do
  [ -s "$OUT/test$L.jsonl" ] || $N generate --language dyck1 --count 400 --min-length "$L" --max-length "$L" --seed "77$L" --out "$OUT/test$L.jsonl" --quiet
done
arm() {  # arm TAG SEED [extra train args]
  local tag=$1 seed=$2; shift 2
  $N train --language dyck1 --arch lstm --hidden 32 --embed 16 --min-length 1 --max-length 256 --curriculum 32 --curriculum-epochs 20 \
    --epochs 40 --examples-per-epoch 10000 --batch 32 --lr 0.005 --schedule cosine --step-loss 1 --valid-count 500 --seed "$seed" \
    --threads 1 --out "$OUT/$tag.safetensors" --force --quiet "$@"
}
ARMS=(plain counters depth)
declare -A EXTRA=([plain]="" [counters]="--counter-units 4" [depth]="--counter-units 4 --counter-depth-loss 1")
running=0
for s in 1 2 3; do
  for a in "${ARMS[@]}"; do
    [ -s "$OUT/$a$s.safetensors" ] && continue
    # shellcheck disable=SC2086
    arm "$a$s" "$s" ${EXTRA[$a]} &
    running=$((running + 1))
    if [ "$running" -ge 2 ]; then wait -n; running=$((running - 1)); fi
  done
done
wait
echo "| arm | seed | 1024 | 2048 | 4096 |"
echo "|---|---|---|---|---|"
for a in "${ARMS[@]}"; do
  for s in 1 2 3; do
    row="| $a | $s"
    for L in "${LENGTHS[@]}"; do
      acc=$($N eval --model "$OUT/$a$s.safetensors" --data "$OUT/test$L.jsonl" --format json | python3 -c "import json,sys; print('%.4f' % json.load(sys.stdin)['accuracy'])")
      row="$row | $acc"
    done
    echo "$row |"
  done
done

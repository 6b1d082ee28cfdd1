#!/usr/bin/env bash
# Do counters taught the depth (train --counter-depth-loss) count brackets in real code, given
# steps of their own? The shipped model widened to 144 units, the last 16 counters; they and the
# weights that read them train at 3e-3 (`--lr 3e-6 --counter-lr-scale 1000`: every other weight
# at a thousandth of that) for 2,000 steps on texts of at most 4 KB (70% from the corpus train
# packages, as stage 5 mixes them). About 9 minutes on 2 cores, then `scripts/counter-writes.py`
# on 60 windows of 16-64 KB of the valid packages (4-16 times the training length; about 3
# minutes per model) for the model after 2,000 steps (the run's state) and the best by
# validation (OUT/warmup.safetensors). Needs the corpus (scripts/corpus.py fetch) and numpy.
#
#   scripts/counter-warmup.sh [OUT]      # default OUT=/tmp/nestnet-counter-warmup
#
# EXAMPLES=N (examples per epoch, 4 epochs of batch 32; default 16000: 2,000 steps) and
# MAX_LENGTH=B (default 4096) change the warm-up; give them a new OUT (a finished one is reused).
# The longer warm-up of the README: EXAMPLES=32000 MAX_LENGTH=8192 (4,000 steps, 46 minutes).
# LR=R (default 3e-6, every other weight's rate) and COUNTER_SCALE=S (default 1000: the counters
# at R×S) likewise; the README's "rest of the model training with them": LR=3e-5 COUNTER_SCALE=100.
# INIT=M (default the shipped model) warms up counters beside another model; HIDDEN=N (default
# 144) is its width plus the 16 counters (HIDDEN=80 for a 64-unit model such as stage 5 of
# scripts/train-default.sh). THREADS=N (default 2) for the training.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/nestnet-counter-warmup}
mkdir -p "$OUT"
if [ -z "${NESTNET:-}" ]; then swift build -c release --product nestnet >/dev/null; fi
N=${NESTNET:-.build/release/nestnet}
python3 scripts/corpus.py list --split train > "$OUT/corpus-train.txt"
python3 scripts/corpus.py list --split valid > "$OUT/corpus-valid.txt"
mapfile -t VALID < "$OUT/corpus-valid.txt"
[ -s "$OUT/windows.jsonl" ] || $N dataset windows "${VALID[@]}" --count 60 --min-length 16384 --max-length 65536 \
  --seed 5 --out "$OUT/windows.jsonl" --quiet
if [ ! -s "$OUT/warmup.state" ] || [ ! -s "$OUT/warmup.safetensors" ]; then
  $N train --arch lstm --embed 16 --hidden "${HIDDEN:-144}" \
    --language c --min-length 1 --max-length "${MAX_LENGTH:-4096}" --lengths log --headers 0.4 --bucket 8 \
    --examples-per-epoch "${EXAMPLES:-16000}" --epochs 4 --valid-count 500 --bptt 4096 \
    --corpus "$OUT/corpus-train.txt" --valid-corpus "$OUT/corpus-valid.txt" --corpus-fraction 0.7 --corpus-whole-files 0.5 \
    --step-loss 1 --lr "${LR:-3e-6}" --schedule cosine --clip 1 --batch 32 --seed 20261402 --threads "${THREADS:-2}" \
    --init-from "${INIT:-Sources/DefaultModelBytes/default-lstm.safetensors}" --widen --counter-units 16 --counter-lr-scale "${COUNTER_SCALE:-1000}" \
    --counter-depth-loss 1 --out "$OUT/warmup.safetensors" --state "$OUT/warmup.state" --force
fi
for m in warmup.state warmup.safetensors; do
  echo "== $m"
  python3 scripts/counter-writes.py "$OUT/$m" "$OUT/windows.jsonl" --nestnet "$N"
done

#!/usr/bin/env bash
# Issue 16, part 3: counting past 3× the training length. The LSTM of the full sweep
# (scripts/sweep-full.json: Dyck-1, hidden 32, 40 epochs of 10,000 texts, Adam at 0.005 with
# cosine decay, the same fixed test sets, seeds 1–3), trained on ≤64 and ≤256 bytes, with and
# without the per-step oracle targets (`--step-losses 0,1`: at every byte, "nesting already
# broken" and "something open", next to the final label), tested to 4096 bytes (64× and 16×).
# The probe texts are 4096 bytes long, so the counter unit can be followed far past the depths
# of training (the report's "Counter drift" section).
#
# Then the same with per-step targets and three times the training (120 epochs instead of 40)
# in OUTDIR/long (a folder of its own: the epochs are not an axis, so the run ids would clash).
#
# 18 runs, about 25 minutes on 2 cores; interrupt it at any time, running it again goes on.
#
#   scripts/sweep-counting.sh OUTDIR
#   scripts/sweep-counting.sh /tmp/nestnet-counting   # how the committed report was made (the
#                                                     # folder then copied to reports/counting,
#                                                     # model files left out)
#
# The --expect claims are the hypotheses, fixed before the run (commit of this file): the
# script exits 1 when one does not hold; the report is written either way. They were written
# after pilot runs with `nestnet train` (same settings, --threads 1) that are not part of the
# report: with per-step targets, seeds 1–3 trained on ≤256 scored 1.000, 0.998 and 0.953 at
# 1024 bytes (4×), and seeds 1–2 trained on ≤64 scored 0.61 and 1.00 at 256 (4×).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: scripts/sweep-counting.sh OUTDIR}
swift build -c release --product nestnet >/dev/null
N=.build/release/nestnet
$N sweep --out "$OUT" --config scripts/sweep-full.json --languages dyck1 --archs lstm --train-lengths 64,256 \
  --test-lengths 64,128,256,512,1024,2048,4096 --step-losses 0,1 --probe-length 4096 --probe-count 16
NOTES=()
[ -f "$OUT/notes.md" ] && NOTES=(--notes "$OUT/notes.md")
# Hypotheses: with per-step targets the LSTM trained on ≤256 bytes keeps ≥ 0.95 at 4× (1024)
# (issue 16's target), and the one trained on ≤64 does not reliably (mean over seeds below
# 0.95 at 256); trained on the final label only, both are near chance at 4×, as in the full
# sweep; and at 16× (4096) even the per-step targets do not hold (the counter drifts).
$N report "$OUT" --title "NestNet: counting past the training length (Dyck-1, LSTM)" "${NOTES[@]}" \
  --junit "$OUT/junit.xml" \
  --expect 'dyck1:lstm+step1@1024/256>=0.95' --expect 'dyck1:lstm+step1@256/64<=0.95' \
  --expect 'dyck1:lstm@1024/256<=0.6' --expect 'dyck1:lstm@256/64<=0.6' --expect 'dyck1:lstm+step1@4096/256<=0.7' || status=$?

# Longer training. Written after the 12 runs above (4 of their 5 claims failed: the 4× numbers
# vary much more from seed to seed than the pilots suggested) and before these: three times
# the training makes the counter precise enough for 4× at both training lengths.
$N sweep --out "$OUT/long" --config scripts/sweep-full.json --languages dyck1 --archs lstm --train-lengths 64,256 \
  --test-lengths 64,128,256,512,1024,2048,4096 --step-losses 1 --epochs 120 --probe-length 4096 --probe-count 16
LONG_NOTES=()
[ -f "$OUT/long/notes.md" ] && LONG_NOTES=(--notes "$OUT/long/notes.md")
$N report "$OUT/long" --title "NestNet: counting past the training length, 120 epochs (Dyck-1, LSTM, per-step targets)" "${LONG_NOTES[@]}" \
  --junit "$OUT/long/junit.xml" \
  --expect 'dyck1:lstm+step1@256/64>=0.95' --expect 'dyck1:lstm+step1@1024/256>=0.95' || status=$?

# Where long valid texts fail: 100 fresh valid Dyck-1 texts of 3–4 KB (seed 4242, never used in
# training or testing) checked with every run's model (`nestnet check` names the byte where
# the model sees the nesting break, or the bracket it sees never closed); the oracle's depth
# at that byte is how many levels the model's count is off there. Writes DIR/failures.md.
failures() {
  local dir=$1 texts
  texts=$(mktemp -d)
  $N generate --language dyck1 --count 100 --min-length 3072 --max-length 4096 --valid-fraction 1 --seed 4242 \
    --out "$texts/v.jsonl" --quiet
  mkdir "$texts/t"
  python3 scripts/counting-failures.py split "$texts/v.jsonl" "$texts/t"
  for m in "$dir"/runs/*/model.safetensors; do
    $N check "$texts/t" --include '*.txt' --model "$m" --format json > "$texts/$(basename "$(dirname "$m")").json" || true
  done
  python3 scripts/counting-failures.py table "$texts" > "$dir/failures.md"
  rm -rf "$texts"
}
failures "$OUT"
failures "$OUT/long"
exit "${status:-0}"

#!/usr/bin/env bash
# The full sequence-length experiment: tanh RNN vs GRU vs LSTM on C, Dyck-1 and Dyck-2,
# trained on texts up to 64, 256 and 1024 bytes (final label only), tested from 32 to 4096
# bytes, 3 seeds each (81 runs, settings in scripts/sweep-full.json). About 45 minutes on
# 2 cores. Interrupt it at any time: running it again skips finished runs and resumes the
# interrupted one. Writes OUTDIR/index.md, index.html, charts/, results.csv and junit.xml.
#
#   scripts/sweep-full.sh OUTDIR
#   scripts/sweep-full.sh reports/sweep-full   # how the committed report was made
#
# The --expect claims below are the hypotheses the experiment tests, fixed before it ran;
# the script exits 1 when one does not hold (the report is written either way).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: scripts/sweep-full.sh OUTDIR}
swift build -c release --product nestnet >/dev/null
N=.build/release/nestnet
$N sweep --out "$OUT" --config scripts/sweep-full.json
NOTES=()
[ -f "$OUT/notes.md" ] && NOTES=(--notes "$OUT/notes.md")
$N report "$OUT" --title "NestNet sequence-length sweep: RNN vs GRU vs LSTM" "${NOTES[@]}" --junit "$OUT/junit.xml" \
  --expect 'dyck1:lstm@2048>=0.95' --expect 'rnn@4096<=0.6' --expect 'c:lstm@1024/1024>=0.8'

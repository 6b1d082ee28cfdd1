#!/usr/bin/env bash
# A small sweep that shows the effect in about 1.5 minutes on 2 quiet cores (1m30s measured;
# 3m17s on a fresh clone with a training run sharing the cores): tanh RNN vs LSTM on
# Dyck-1 and C, trained on texts up to 512 bytes (final label only), tested from 32 to 1024
# bytes (an LSTM generalises to about twice its training length; see reports/sweep-full),
# one seed. The RNN is near chance on the long texts while the LSTM holds.
#
#   scripts/sweep-quick.sh OUTDIR      # then open OUTDIR/index.html
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: scripts/sweep-quick.sh OUTDIR}
swift build -c release --product nestnet >/dev/null
N=.build/release/nestnet
$N sweep --out "$OUT" --languages dyck1,c --archs rnn,lstm --train-lengths 512 \
  --test-lengths 32,64,128,256,512,1024 --seeds 1 --hidden 32 --epochs 40 --examples-per-epoch 10000 \
  --lr 0.005 --curriculum 32 --test-count 400 --probe-length 512
$N report "$OUT" --title "NestNet quick sweep: RNN vs LSTM" --junit "$OUT/junit.xml" \
  --expect 'dyck1:lstm@1024>=0.9' --expect 'rnn@1024<=0.6' --expect 'c:lstm@1024>=0.7'

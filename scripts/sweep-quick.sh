#!/usr/bin/env bash
# A small sweep that shows the effect in a few minutes on 2 cores: tanh RNN vs LSTM on
# Dyck-1 and C, trained on texts up to 256 bytes (final label only), tested from 32 to
# 2048 bytes, one seed. The RNN stays near chance on long texts while the LSTM holds.
#
#   scripts/sweep-quick.sh OUTDIR      # then open OUTDIR/index.html
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: scripts/sweep-quick.sh OUTDIR}
swift build -c release --product nestnet >/dev/null
N=.build/release/nestnet
$N sweep --out "$OUT" --languages dyck1,c --archs rnn,lstm --train-lengths 256 \
  --test-lengths 32,64,128,256,512,1024,2048 --seeds 1 --hidden 32 --epochs 20 --examples-per-epoch 10000 \
  --lr 0.005 --curriculum 32 --test-count 400 --probe-length 512
$N report "$OUT" --title "NestNet quick sweep: RNN vs LSTM" --junit "$OUT/junit.xml" \
  --expect 'dyck1:lstm@2048>=0.9' --expect 'dyck1:rnn@2048<=0.6'

#!/usr/bin/env bash
# Cross-checks NestNet against PyTorch: trains a small model of each architecture, then
# compares NestNet's probabilities with ../shared/anchors/torch_crosscheck.py loading the same
# checkpoint into torch.nn. Needs a Python with torch (default /tmp/torch-venv/bin/python;
# set PYTHON=...). Prints the largest difference per architecture; fails above 1e-4.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-/tmp/torch-venv/bin/python}
ANCHOR=../shared/anchors/torch_crosscheck.py
work=$(mktemp -d)
swift build -c release --product nestnet >/dev/null
N=.build/release/nestnet
$N generate --count 600 --min-length 16 --max-length 700 --seed 11 --out "$work/train.jsonl" --quiet
$N generate --count 200 --min-length 24 --max-length 900 --seed 12 --out "$work/test.jsonl" --quiet
status=0
for arch in rnn irnn gru lstm; do
  $N train --arch "$arch" --train "$work/train.jsonl" --epochs 1 --hidden 32 --embed 8 --out "$work/$arch.safetensors" --quiet
  $N eval --model "$work/$arch.safetensors" --data "$work/test.jsonl" --predictions "$work/$arch.nestnet.jsonl" >/dev/null
  # The anchor knows rnn, lstm and gru; the IRNN is its RNN with ReLU (scripts/torch-crosscheck-irnn.py).
  A=$ANCHOR; [ "$arch" = irnn ] && A=scripts/torch-crosscheck-irnn.py
  "$PY" "$A" "$work/$arch.safetensors" "$work/test.jsonl" > "$work/$arch.torch.jsonl" 2>/dev/null
  python3 - "$arch" "$work/$arch.nestnet.jsonl" "$work/$arch.torch.jsonl" <<'PYEOF' || status=1
import json, sys
arch, a, b = sys.argv[1:]
x = [json.loads(l)["probability"] for l in open(a)]
y = [json.loads(l)["probability"] for l in open(b)]
assert len(x) == len(y) and x, "different counts"
d = max(abs(p - q) for p, q in zip(x, y))
print(f"{arch}: {len(x)} texts, max |p_nestnet - p_torch| = {d:.2e}")
sys.exit(0 if d <= 1e-4 else 1)
PYEOF
done
rm -rf "$work"
exit $status

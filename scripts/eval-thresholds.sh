#!/usr/bin/env bash
# What `nestnet check --threshold T` trades: for each T, the valid files of a real tree the
# model flags (false positives; the oracle is the judge) and, on broken generated C of
# 2048–8192 bytes written one text per file (seed 9002, the model card's test set), the share
# the model misses. Prints a markdown table, plus the false positives split into C++ trees and
# the rest when the tree is /usr/include.
#
#   scripts/eval-thresholds.sh                  # /usr/include, the embedded LSTM pair, thresholds 0.5 0.1 0.05 0.02 0.01
#   TREE=/usr/include/linux MODEL=m.safetensors scripts/eval-thresholds.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tree=${TREE:-/usr/include}
thresholds=(${THRESHOLDS:-0.5 0.1 0.05 0.02 0.01})
swift build -c release --product nestnet >/dev/null
N=.build/release/nestnet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$N generate --language c --count 1000 --min-length 2048 --max-length 8192 --seed 9002 --out "$work/test.jsonl" --quiet
python3 - "$work" <<'PY'
import json, os, sys
w = sys.argv[1]
os.makedirs(f"{w}/broken")
for i, l in enumerate(open(f"{w}/test.jsonl")):
    e = json.loads(l)
    if not e["valid"]:
        open(f"{w}/broken/{i:04d}.c", "w").write(e["text"])
PY
echo "| threshold | \`$tree\`: valid files flagged | of which in C++ trees (node, llvm-*, c++) | broken 2–8 KB texts missed |"
echo "|---|---|---|---|"
# The model: MODEL, else the embedded LSTM pair (the default stack networks have no threshold).
E=(${MODEL:+--model "$MODEL"}); [ -n "${MODEL:-}" ] || E=(--embedded lstm)
for t in "${thresholds[@]}"; do
  $N check "$tree" --engine both --threshold "$t" --format json "${E[@]}" > "$work/tree.json" || true
  $N check "$work/broken" --threshold "$t" --format json "${E[@]}" > "$work/broken.json" || true
  python3 - "$work" "$t" <<'PY'
import json, re, sys
w, t = sys.argv[1], sys.argv[2]
d = json.load(open(f"{w}/tree.json"))
valid = [f for f in d["files"] if f["status"] == "checked" and f["exact"] and f["exact"]["valid"]]
fp = [f for f in valid if f["valid"] is False]
cpp = re.compile(r"/usr/include/(node|llvm[^/]*|c\+\+)/")
vc = [f for f in valid if cpp.search(f["file"])]
fc = [f for f in fp if cpp.search(f["file"])]
b = json.load(open(f"{w}/broken.json"))
files = [f for f in b["files"] if f["status"] == "checked"]
missed = sum(f["valid"] is True for f in files)
print(f"| {t} | {len(fp)} of {len(valid)} ({len(fp)/max(1,len(valid)):.1%}) | {len(fc)} of {len(vc)}; rest {len(fp)-len(fc)} of {len(valid)-len(vc)} "
      f"({(len(fp)-len(fc))/max(1,len(valid)-len(vc)):.1%}) | {missed} of {len(files)} ({missed/max(1,len(files)):.1%}) |")
PY
done

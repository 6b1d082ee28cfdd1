#!/usr/bin/env bash
# How the model does on a tree of real C/C++ that compiles (so every file is valid as far as
# nesting goes): runs `nestnet check --engine both` and prints, by file size, how many files
# the model wrongly flags (the oracle is the judge), plus throughput.
#
#   scripts/eval-real-tree.sh /usr/include            # all C and C++ headers of the machine
#   scripts/eval-real-tree.sh /usr/include/linux      # plain C only
#   MODEL=m.safetensors scripts/eval-real-tree.sh DIR  # another checkpoint
set -euo pipefail
cd "$(dirname "$0")/.."
tree=${1:?usage: scripts/eval-real-tree.sh DIR}
swift build -c release --product nestnet >/dev/null
out=$(mktemp)
.build/release/nestnet check "$tree" --engine both --format json ${MODEL:+--model "$MODEL"} > "$out" || true
python3 - "$out" "$tree" <<'PY'
import json, math, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
bar = lambda t: f"at {t}" if t is not None else "read by its stack"  # a stack network has no threshold
rows = {}
for f in d["files"]:
    if f["status"] != "checked" or f["exact"] is None:
        continue
    k = 2 ** int(math.log2(max(f["bytes"], 1)))
    r = rows.setdefault(k, [0, 0, 0, 0])  # files, oracle-valid, model false positives, model misses
    r[0] += 1
    if f["exact"]["valid"]:
        r[1] += 1
        r[2] += f["valid"] is False
    else:
        r[3] += f["valid"] is True
print(f"{sys.argv[2]}: {s['files']} files, {s['checked']} checked, {s['bytes']/1e6:.1f} MB in {s['seconds']:.1f} s "
      f"({s['bytes']/1e6/max(s['seconds'],1e-9):.2f} MB/s), model {s['model']} {bar(s['threshold'])}"
      + "".join(f", {k} opinion {s[k + '_model']} {bar(s[k + '_threshold'])}" for k in ("second", "third") if s.get(k + "_model")))
print("| file size (bytes) | files | valid (oracle) | flagged invalid by the model | false-positive rate |")
print("|---|---|---|---|---|")
tot = [0, 0, 0, 0]
for k in sorted(rows):
    r = rows[k]
    tot = [a + b for a, b in zip(tot, r)]
    print(f"| {k}–{2*k-1} | {r[0]} | {r[1]} | {r[2]} | {r[2]/max(r[1],1):.3f} |")
print(f"| all | {tot[0]} | {tot[1]} | {tot[2]} | {tot[2]/max(tot[1],1):.3f} |")
print(f"oracle-invalid files the model called valid: {tot[3]} of {tot[0]-tot[1]}")
# Where the false positives sit: the first folder under the tree (files at its top count as ".").
root = sys.argv[2].rstrip("/") + "/"
folders = {}
for f in d["files"]:
    if f["status"] != "checked" or f["exact"] is None or not f["exact"]["valid"]:
        continue
    rel = f["file"][len(root):] if f["file"].startswith(root) else f["file"]
    k = rel.split("/")[0] if "/" in rel else "."
    c = folders.setdefault(k, [0, 0]); c[0] += 1; c[1] += f["valid"] is False
top = sorted(folders.items(), key=lambda kv: -kv[1][1])[:6]
print("most false positives: " + ", ".join(f"`{k}/` {c[1]} of {c[0]}" for k, c in top if c[1]))
PY
rm -f "$out"

#!/usr/bin/env bash
# The trade-off a threshold sets, on the corpus VALID packages (never the test ones; SPLIT=dev: the
# dev pool of datasets/corpus/dev.tsv, with its own OUT): for each
# threshold, valid whole files flagged and broken whole files caught, as `nestnet check` reads
# them, and its accuracy on generated C of seeds no training or test set uses (9201: 2000 texts
# of 64–1024 bytes; 9202: 1000 of 2048–8192). How the default model, `check --threshold` and
# the second opinion's settings were chosen (reports/default-model.md).
#
#   scripts/threshold-curve.sh [MODEL] [THRESHOLD ...]    # default: the embedded LSTM; 0.1 0.2 0.3 0.4 0.6 0.8
#
# HOLD=N passes `--hold N` (how long the step head must see a break; 0: the final head only).
# STEP_THRESHOLD=B passes `--step-threshold B` (the step head's own bar; default: each threshold).
# SECOND=CKPT|none and SECOND_THRESHOLD=T pass `--second-opinion` and `--second-threshold`; with
# neither, the embedded LSTM (no MODEL; `check --embedded lstm`, since the default stack networks
# has no threshold) runs with its embedded second opinion, a MODEL alone.
#
# Uses the edited whole files that `SPLIT=valid scripts/eval-real-code.sh` writes (made first
# when missing) and the corpus (scripts/corpus.py fetch).
set -euo pipefail
cd "$(dirname "$0")/.."
M=${1:-}; shift || true
TH=("$@"); [ ${#TH[@]} -gt 0 ] || TH=(0.1 0.2 0.3 0.4 0.6 0.8)
OUT=${OUT:-/tmp/nestnet-curve}
SPLIT=${SPLIT:-valid}
case $SPLIT in valid|dev) ;; *) echo "threshold-curve: SPLIT must be valid or dev (the test packages choose nothing)" >&2; exit 2 ;; esac
CORPUS=${NESTNET_CORPUS:-/tmp/nestnet-corpus}
if [ -z "${NESTNET:-}" ]; then swift build -c release --product nestnet >/dev/null; fi
N=${NESTNET:-.build/release/nestnet}
mkdir -p "$OUT"
if [ ! -f "$OUT/eval/whole-edited.json" ]; then
  echo "curve: making the edited whole files of the $SPLIT packages (scripts/eval-real-code.sh)" >&2
  SPLIT=$SPLIT QUICK=0 NESTNET="$N" OUT="$OUT/eval" scripts/eval-real-code.sh > /dev/null
fi
for g in "9201 2000 64 1024" "9202 1000 2048 8192"; do
  set -- $g
  if [ ! -d "$OUT/gen-$1" ]; then
    $N generate --language c --count "$2" --min-length "$3" --max-length "$4" --seed "$1" --out "$OUT/gen-$1.jsonl" --quiet
    mkdir -p "$OUT/gen-$1.part" && python3 scripts/texts-to-files.py "$OUT/gen-$1.jsonl" "$OUT/gen-$1.part" && mv "$OUT/gen-$1.part" "$OUT/gen-$1"
  fi
done
mapfile -t VALID < <(python3 scripts/corpus.py --cache "$CORPUS" list --split "$SPLIT")
echo "| threshold | valid files flagged | … of them ≥ 64 KB | broken files caught | … at the oracle's line | generated C 64–1024 / 2048–8192 |"
echo "|---|---|---|---|---|---|"
# `check`'s settings other than the threshold, the same for every set and threshold.
# A threshold is a bar on a final head's P(valid): without MODEL, the embedded LSTM pair (the
# default stack networks have no threshold).
C=(${M:+--model "$M"} ${HOLD:+--hold "$HOLD"} ${STEP_THRESHOLD:+--step-threshold "$STEP_THRESHOLD"} ${SECOND:+--second-opinion "$SECOND"}
   ${SECOND_THRESHOLD:+--second-threshold "$SECOND_THRESHOLD"} --engine both --format json)
[ -n "${M:-}" ] || C+=(--embedded lstm)
for t in "${TH[@]}"; do
  $N check "${VALID[@]}" --threshold "$t" "${C[@]}" > "$OUT/valid-$t.json" || true
  for set in eval/whole-edited:edited gen-9201:gen-9201 gen-9202:gen-9202; do
    $N check "$OUT/${set%%:*}" --threshold "$t" "${C[@]}" > "$OUT/${set##*:}-$t.json" || true
  done
  python3 - "$OUT/valid-$t.json" "$OUT/edited-$t.json" "$t" "$OUT/gen-9201-$t.json" "$OUT/gen-9202-$t.json" <<'PY'
import json, sys
v = [f for f in json.load(open(sys.argv[1]))["files"] if f["status"] == "checked" and f["exact"]["valid"]]
e = [f for f in json.load(open(sys.argv[2]))["files"] if f["status"] == "checked" and not f["exact"]["valid"]]
fp = sum(f["valid"] is False for f in v); big = [f for f in v if f["bytes"] >= 65536]; bfp = sum(f["valid"] is False for f in big)
c = [f for f in e if f["valid"] is False]
line = sum(1 for f in c if f["location"] and f["exact"]["location"] and f["location"]["line"] == f["exact"]["location"]["line"])
pct = lambda a, b: f"{a} of {b} ({a / max(b, 1):.1%})"
gen = [[f for f in json.load(open(p))["files"] if f["status"] == "checked"] for p in sys.argv[4:6]]
acc = " / ".join(f"{sum(f['valid'] == f['exact']['valid'] for f in g) / max(len(g), 1):.4f}" for g in gen)
print(f"| {sys.argv[3]} | {pct(fp, len(v))} | {pct(bfp, len(big))} | {pct(len(c), len(e))} | {pct(line, len(c))} | {acc} |")
PY
done

#!/usr/bin/env bash
# Ablation of the real-code stage (issue 12) at one training budget: the stage-4 fine-tune of
# the same stage-3 model (scripts/train-default.sh), with the same seeds, lengths and number
# of examples, on
#   generator  generated C only (--corpus-fraction 0),
#   corpus-10  generated C + 10% of the corpus train packages (a fixed seeded choice),
#   corpus-30  … 30%,
#   corpus-100 … all of them,
# each measured on the corpus test packages (valid whole files flagged by `nestnet check`) and
# on real windows and generated C. Writes reports/corpus-ablation.md.
#
#   STAGE3=/tmp/nestnet-default/stage3.safetensors EPOCHS=3 scripts/ablate-corpus.sh
#
# The budget is EPOCHS × 6000 examples per arm (default 3, a quarter of the shipped stage's 12,
# so the four arms fit in about 45 minutes on 2 cores); the shipped model's own numbers are in
# the model card.
set -euo pipefail
cd "$(dirname "$0")/.."
STAGE3=${STAGE3:-/tmp/nestnet-default/stage3.safetensors}
EPOCHS=${EPOCHS:-3}
OUT=${OUT:-/tmp/nestnet-ablation}
ARMS=${ARMS:-generator corpus-10 corpus-30 corpus-100}
[ -f "$STAGE3" ] || { echo "ablate-corpus: no stage-3 model at $STAGE3 (run scripts/train-default.sh, or set STAGE3)" >&2; exit 2; }
mkdir -p "$OUT"
if [ -z "${NESTNET:-}" ]; then swift build -c release --product nestnet >/dev/null; fi
N=${NESTNET:-.build/release/nestnet}
python3 scripts/corpus.py fetch | tail -1
python3 scripts/corpus.py list --split valid > "$OUT/valid.txt"
mapfile -t TEST < <(python3 scripts/corpus.py list --split test)
$N dataset windows "${TEST[@]}" --lengths log --min-length 64 --max-length 8192 --count 2000 --seed 9102 --out "$OUT/windows.jsonl" --quiet 2>/dev/null
$N generate --language c --count 1000 --min-length 2048 --max-length 8192 --seed 9002 --out "$OUT/gen-2048-8192.jsonl" --quiet
# Whole test files with one edit each, as files (the same set as scripts/eval-real-code.sh).
if [ ! -d "$OUT/whole-edited" ]; then
  $N dataset windows "${TEST[@]}" --whole-files 1 --lengths log --min-length 64 --max-length 4194304 \
    --count 1000 --seed 9101 --out "$OUT/whole-edited.jsonl" --quiet 2>/dev/null
  mkdir -p "$OUT/whole-edited.partial"
  python3 scripts/texts-to-files.py "$OUT/whole-edited.jsonl" "$OUT/whole-edited.partial"
  mv "$OUT/whole-edited.partial" "$OUT/whole-edited"
fi

for arm in $ARMS; do
  case $arm in
    generator) frac=0; list=1 ;;
    corpus-10) frac=0.6; list=0.1 ;;
    corpus-30) frac=0.6; list=0.3 ;;
    corpus-100) frac=0.6; list=1 ;;
    *) echo "ablate-corpus: unknown arm $arm" >&2; exit 2 ;;
  esac
  python3 scripts/corpus.py list --split train --fraction "$list" > "$OUT/$arm-train.txt"
  if [ ! -f "$OUT/$arm/done" ]; then
    mkdir -p "$OUT/$arm"
    echo "ablate-corpus: training $arm (progress in $OUT/$arm/train.log)" >&2
    start=$(date +%s)
    $N train --arch lstm --embed 16 --hidden 64 --language c --min-length 1 --max-length 262144 --lengths log \
      --headers 0.4 --bucket 8 --examples-per-epoch 6000 --epochs "$EPOCHS" --valid-count 1000 --bptt 4096 \
      --corpus "$OUT/$arm-train.txt" --valid-corpus "$OUT/valid.txt" --corpus-fraction "$frac" --valid-corpus-fraction 0.6 --corpus-whole-files 0.5 \
      --step-loss 1 ${STEP_OUTPUTS:+--step-outputs "$STEP_OUTPUTS"} --lr 1e-3 --schedule cosine --clip 1 --batch 32 \
      --seed 20261201 --threads 2 --init-from "$STAGE3" --out "$OUT/$arm/model.safetensors" --state "$OUT/$arm/model.state" --force 2> "$OUT/$arm/train.log"
    tail -1 "$OUT/$arm/train.log" >&2
    echo $(( $(date +%s) - start )) > "$OUT/$arm/seconds"
    touch "$OUT/$arm/done"
  fi
  M=(--model "$OUT/$arm/model.safetensors")
  [ -f "$OUT/$arm/test.json" ] || $N check "${TEST[@]}" --engine both --format json "${M[@]}" > "$OUT/$arm/test.json" || true
  [ -f "$OUT/$arm/edited.json" ] || $N check "$OUT/whole-edited" --engine both --format json "${M[@]}" > "$OUT/$arm/edited.json" || true
  $N eval --data "$OUT/windows.jsonl" --format json "${M[@]}" > "$OUT/$arm/windows.json"
  $N eval --data "$OUT/gen-2048-8192.jsonl" --format json "${M[@]}" > "$OUT/$arm/gen.json"
  echo "ablate-corpus: $arm done" >&2
done

python3 - "$OUT" "$EPOCHS" "$ARMS" <<'PY'
import json, os, sys
out, epochs, arms = sys.argv[1], sys.argv[2], sys.argv[3].split()
def mb(path):
    n = 0
    for d in open(path).read().split():
        for root, _, files in os.walk(d):
            n += sum(os.path.getsize(os.path.join(root, f)) for f in files if not f.startswith("."))
    return n / 1e6
rows = []
for arm in arms:
    d = json.load(open(f"{out}/{arm}/test.json"))
    valid = [f for f in d["files"] if f["status"] == "checked" and f["exact"] and f["exact"]["valid"]]
    fp = sum(f["valid"] is False for f in valid)
    big = [f for f in valid if f["bytes"] >= 65536]
    bfp = sum(f["valid"] is False for f in big)
    e = json.load(open(f"{out}/{arm}/edited.json"))["files"]
    broken = [f for f in e if f["status"] == "checked" and f["exact"] and not f["exact"]["valid"]]
    caught = sum(f["valid"] is False for f in broken)
    w = json.load(open(f"{out}/{arm}/windows.json"))["accuracy"]
    g = json.load(open(f"{out}/{arm}/gen.json"))["accuracy"]
    pk = len(open(f"{out}/{arm}-train.txt").read().split())
    corpus = "none" if arm == "generator" else f"{pk} packages, {mb(f'{out}/{arm}-train.txt'):.0f} MB"
    secs = open(f"{out}/{arm}/seconds").read().strip()
    rows.append(f"| {arm} | {corpus} | {fp} of {len(valid)} ({fp / len(valid):.1%}) | {bfp} of {len(big)} ({bfp / max(1, len(big)):.1%}) | {caught} of {len(broken)} ({caught / max(1, len(broken)):.1%}) | {w:.4f} | {g:.4f} | {secs} |")
text = f"""# Real-code ablation (issue 12)

Produced by `scripts/ablate-corpus.sh` (EPOCHS={epochs}): the stage-4 fine-tune of the same
stage-3 model, {epochs} epochs × 6000 examples per arm, same seeds, lengths (1 B–256 KB,
log-spread), validation and learning-rate schedule; only the training data differ. Measured on
the corpus test packages, which no arm reads: valid whole files that `nestnet check` flags
(default threshold), whole test files with one edit each that it catches (the 1000-file set of
`scripts/eval-real-code.sh`, seed 9101), windows of 64–8192 bytes (2000, seed 9102), generated C
of 2048–8192 bytes (1000, seed 9002).

| arm | real code in training | valid test files flagged | … ≥ 64 KB | broken whole files caught | real windows | generated 2048–8192 | training s |
|---|---|---|---|---|---|---|---|
""" + "\n".join(rows) + "\n"
open("reports/corpus-ablation.md", "w").write(text)
print(text)
PY

#!/usr/bin/env bash
# Measures a model on code written by people (issue 12's table): the corpus test packages,
# which no training run reads, whole and cut into windows; Duktape's 3.7 MB amalgamation;
# generated C; and tiny texts. Prints the table as Markdown; with CARD=FILE also writes it there.
#
#   scripts/eval-real-code.sh                          # the embedded models check reads with (the stack networks)
#   MODEL=m.safetensors scripts/eval-real-code.sh      # another checkpoint
#   QUICK=1 ...                                        # fewer examples (a rough look, not for the card)
#   SPLIT=valid ...                                    # the valid packages: for choosing settings
#   SPLIT=dev ...                                      # the dev pool (datasets/corpus/dev.tsv): the same
#   THRESHOLD=0.05 ...                                 # another `nestnet check --threshold`
#   HOLD=0 ...                                         # another `nestnet check --hold` (0: final head only)
#   EMBEDDED=lstm ...                                  # `check --embedded lstm`: the embedded LSTM pair
#   SECOND=none ...                                    # `check --second-opinion`: none, or a checkpoint
#   SECOND_THRESHOLD=0.4 ...                           # `check --second-threshold`
#   THIRD=none ...                                     # `check --third-opinion`: none, or a checkpoint
#   REPAIR=0 ...                                       # `check` and `eval --repair-budget` (stack networks;
#                                                      # 0: each network's own reading alone)
#
# Needs the corpus (scripts/corpus.py fetch; about 1 minute with a deb-src entry) and, for
# Duktape, `apt-get source` (same entry). Every number in the table comes from `nestnet check`,
# which is what a CI job runs (window, tiny and generated texts written out as files); the line
# under it gives `nestnet eval`'s figures for those sets too (the first model alone: its final
# head at 0.5, or a stack network, `train --stack-moves`, read by its stack).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/nestnet-realeval}
CORPUS=${NESTNET_CORPUS:-/tmp/nestnet-corpus}
mkdir -p "$OUT"
# NESTNET=path/to/nestnet uses that binary (e.g. one built elsewhere while training runs).
if [ -z "${NESTNET:-}" ]; then swift build -c release --product nestnet >/dev/null; fi
N=${NESTNET:-.build/release/nestnet}
M=(${MODEL:+--model "$MODEL"})
# `nestnet eval` scores the first model alone (a stack network by its stack, as check reads it).
# Without MODEL, check reads with the embedded stack networks, so eval (whose default is the
# embedded LSTM) would measure another model: it is left out, unless EMBEDDED=lstm.
ev() {
  [ -n "${MODEL:-}" ] || [ "${EMBEDDED:-}" = lstm ] || { rm -f "$OUT/$1.json"; return; }
  if ! $N eval --data "$OUT/$1.jsonl" --format json "${M[@]}" ${REPAIR:+--repair-budget "$REPAIR"} > "$OUT/$1.json" 2> "$OUT/$1.err"; then
    rm -f "$OUT/$1.json"; echo "eval: nestnet eval left out for $1: $(cat "$OUT/$1.err")" >&2
  fi
}
C=("${M[@]}" ${EMBEDDED:+--embedded "$EMBEDDED"} ${THRESHOLD:+--threshold "$THRESHOLD"} ${HOLD:+--hold "$HOLD"}
   ${SECOND:+--second-opinion "$SECOND"} ${SECOND_THRESHOLD:+--second-threshold "$SECOND_THRESHOLD"}
   ${THIRD:+--third-opinion "$THIRD"} ${REPAIR:+--repair-budget "$REPAIR"})  # for `check`; `eval` reads P(valid) at 0.5
# A JSONL set's texts as files (DIR/00000.c, …), checked like a tree: NAME.jsonl → NAME-check.json.
as_files() {
  rm -rf "$OUT/$1" && mkdir -p "$OUT/$1"
  python3 scripts/texts-to-files.py "$OUT/$1.jsonl" "$OUT/$1"
  $N check "$OUT/$1" --format json "${C[@]}" > "$OUT/$1-check.json" || true
}
n() { if [ "${QUICK:-0}" = 1 ]; then echo $(( $1 / 4 )); else echo "$1"; fi; }

SPLIT=${SPLIT:-test}
python3 scripts/corpus.py --cache "$CORPUS" fetch $([ "$SPLIT" = dev ] && echo --dev) | tail -1
mapfile -t TEST < <(python3 scripts/corpus.py --cache "$CORPUS" list --split "$SPLIT")

# 1. Every file of the test packages, whole, as `nestnet check` reads it.
echo "eval: checking the ${#TEST[@]} $SPLIT packages whole" >&2
$N check "${TEST[@]}" --engine both --format json "${C[@]}" > "$OUT/test-whole.json" || true

# 2. Whole test files with one edit each (half corrupted, half count-preserving among those;
#    half given a decoy edit), written out as files and checked like a tree.
$N dataset windows "${TEST[@]}" --whole-files 1 --lengths log --min-length 64 --max-length 4194304 \
  --count "$(n 1000)" --seed 9101 --out "$OUT/whole-edited.jsonl" --quiet 2>/dev/null
rm -rf "$OUT/whole-edited" && mkdir -p "$OUT/whole-edited"
python3 scripts/texts-to-files.py "$OUT/whole-edited.jsonl" "$OUT/whole-edited"
$N check "$OUT/whole-edited" --engine both --format json "${C[@]}" > "$OUT/whole-edited.json" || true

# 3. Windows of 64–8192 bytes at any depth, and tiny texts of 1–64 bytes.
$N dataset windows "${TEST[@]}" --lengths log --min-length 64 --max-length 8192 --count "$(n 4000)" --seed 9102 \
  --out "$OUT/windows.jsonl" --quiet 2>/dev/null
ev windows
as_files windows
$N dataset windows "${TEST[@]}" --lengths log --min-length 1 --max-length 64 --count "$(n 2000)" --seed 9103 \
  --out "$OUT/tiny.jsonl" --quiet 2>/dev/null
ev tiny
as_files tiny
: > "$OUT/named.txt"
for t in '{' 'int f(){}' 'f(]' '}' '()' 'a[i] = b[j];' 'if (x) { y(); }' 'f(a[0)]'; do
  printf '%s' "$t" > "$OUT/named.c"
  v=$($N check "$OUT/named.c" --format json "${C[@]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["files"][0]["valid"])' || true)
  e=$($N check "$OUT/named.c" --engine exact --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["files"][0]["valid"])' || true)
  printf '%s\t%s\t%s\n' "$t" "$v" "$e" >> "$OUT/named.txt"
done

# 4. Generated C, seeds no training run uses.
$N generate --language c --count "$(n 4000)" --min-length 64 --max-length 1024 --seed 9001 --out "$OUT/gen-64-1024.jsonl" --quiet
$N generate --language c --count "$(n 1000)" --min-length 2048 --max-length 8192 --seed 9002 --out "$OUT/gen-2048-8192.jsonl" --quiet
ev gen-64-1024
ev gen-2048-8192
as_files gen-64-1024
as_files gen-2048-8192

# 5. Duktape 2.7.0's duktape.c (3.7 MB; kept out of the corpus), pinned by hash.
DUK_SHA=90f8d2fa8b5567c6899830ddef2c03f3c27960b11aca222fa17aa7ac613c2890
if [ ! -f "$OUT/duktape/duktape.c" ]; then
  mkdir -p "$OUT/duktape" && (cd "$OUT/duktape" && apt-get source --download-only -qq duktape=2.7.0-2 >/dev/null 2>&1 || true)
  if echo "$DUK_SHA  $OUT/duktape/duktape_2.7.0.orig.tar.xz" | sha256sum -c --quiet 2>/dev/null; then
    tar -xJf "$OUT/duktape/duktape_2.7.0.orig.tar.xz" -C "$OUT/duktape" --strip-components=2 duktape-2.7.0/src/duktape.c
  else
    echo "eval: duktape 2.7.0-2 could not be downloaded or does not match its hash; its row is left out" >&2
  fi
fi
if [ -f "$OUT/duktape/duktape.c" ]; then
  $N check "$OUT/duktape/duktape.c" --engine both --format json "${C[@]}" > "$OUT/duktape.json" || true
fi

python3 - "$OUT" "${CARD:-}" "$SPLIT" <<'PY'
import json, math, os, sys
out, card, split = sys.argv[1], sys.argv[2], sys.argv[3]
def load(n): return json.load(open(f"{out}/{n}"))
whole = load("test-whole.json")
pkg_of = lambda path: path.split(f"/src/{split}/")[1].split("/")[0] if f"/src/{split}/" in path else "?"
valid = [f for f in whole["files"] if f["status"] == "checked" and f["exact"] and f["exact"]["valid"]]
fp = [f for f in valid if f["valid"] is False]
big = [f for f in valid if f["bytes"] >= 65536]
bigfp = [f for f in big if f["valid"] is False]
s = whole["summary"]
edited = load("whole-edited.json")
meta = [json.loads(l) for l in open(f"{out}/whole-edited.jsonl", encoding="utf-8")]
broken = [(f, m) for f, m in zip(edited["files"], meta) if f["status"] == "checked" and f["exact"] and not f["exact"]["valid"]]
caught = [(f, m) for f, m in broken if f["valid"] is False]
line_ok = [1 for f, m in caught if f.get("location") and f["exact"].get("location") and f["location"]["line"] == f["exact"]["location"]["line"]]
decoys = [f for f in edited["files"] if f["status"] == "checked" and f["exact"] and f["exact"]["valid"]]
decoy_fp = [f for f in decoys if f["valid"] is False]
def checked(name):
    """Accuracy of `check`'s verdicts on a set written out as files (DIR/00000.c is line 0)."""
    labels = [json.loads(l)["valid"] for l in open(f"{out}/{name}.jsonl", encoding="utf-8")]
    files = [f for f in load(f"{name}-check.json")["files"] if f["status"] == "checked"]
    ok = sum(f["valid"] == labels[int(os.path.basename(f["file"])[:-2])] for f in files)
    return {"accuracy": ok / max(len(labels), 1), "count": len(labels)}
win, tiny = checked("windows"), checked("tiny")
g1, g2 = checked("gen-64-1024"), checked("gen-2048-8192")
ev = {n: load(f"{n}.json")["accuracy"] for n in ["windows", "tiny", "gen-64-1024", "gen-2048-8192"] if os.path.exists(f"{out}/{n}.json")}
named = [l.rstrip("\n").split("\t") for l in open(f"{out}/named.txt")]
named_ok = sum(v == e for _, v, e in named)
duk = load("duktape.json") if os.path.exists(f"{out}/duktape.json") else None
pct = lambda a, b: f"{a} of {b} ({a / max(b, 1):.1%})"
rows = [
    (f"valid whole files of the {split} packages flagged", pct(len(fp), len(valid)), "≤ 2%"),
    ("… of them ≥ 64 KB", pct(len(bigfp), len(big)), "≤ 5%"),
    ("broken whole files caught (one edit each, half count-preserving)", pct(len(caught), len(broken)), "≥ 97%"),
    ("… at the oracle's line", pct(len(line_ok), len(caught)), "≥ 90%"),
    ("decoy-edited whole files flagged", pct(len(decoy_fp), len(decoys)), "(≤ 2%)"),
    ("real windows 64–8192 bytes, accuracy", f"{win['accuracy']:.4f} ({win['count']})", "≥ 0.99"),
    ("tiny texts 1–64 bytes, accuracy", f"{tiny['accuracy']:.4f} ({tiny['count']})", "≥ 0.99"),
    ("named tiny texts right (`{`, `int f(){}`, `f(]`, …)", f"{named_ok} of {len(named)}", "all"),
    ("generated C 64–1024, accuracy", f"{g1['accuracy']:.4f}", "≥ 0.99"),
    ("generated C 2048–8192, accuracy", f"{g2['accuracy']:.4f}", "≥ 0.98"),
]
if duk:
    f = duk["files"][0]
    rows.append(("Duktape 2.7.0 `duktape.c` (3.7 MB, valid)", ("valid" if f["valid"] else f"flagged at line {f['location']['line']}") + f", {duk['summary']['seconds']:.1f} s", "valid"))
largest = sorted(valid, key=lambda f: -f["bytes"])[:5]
for f in largest:
    rows.append((f"largest {split} file `{pkg_of(f['file'])}/…/{os.path.basename(f['file'])}` ({f['bytes'] / 1e6:.1f} MB)",
                 "valid" if f["valid"] else f"flagged at line {f['location']['line']}", "valid"))
# A stack network decides by its stack, not a threshold: check's JSON gives null there.
bar = lambda t: f"threshold {t}" if t is not None else "read by its stack"
second = "".join(f"; {k} opinion `{s[k + '_model']}` (SHA-256 `{s[k + '_model_sha256'][:16]}…`), {bar(s[k + '_threshold'])}"
                 for k in ("second", "third") if s.get(k + "_model"))
rb = s.get("repair_budget")
repair = "" if rb is None else ("; each stack network's own reading alone (`--repair-budget 0`)" if rb == 0
                                else f"; another reading of the moves within {rb:g} nats (`--repair-budget`)")
md = [f"Model: `{s['model']}` (SHA-256 `{s['model_sha256'][:16]}…`), {bar(s['threshold'])}{second}{repair}. "
      f"Whole {split} packages: {s['files']} files, {s['bytes'] / 1e6:.0f} MB in {s['seconds']:.0f} s "
      f"({s['bytes'] / 1e6 / max(s['seconds'], 1e-9):.2f} MB/s, `--engine both`, 2 threads).", "",
      "| measure | measured | target |", "|---|---|---|"]
md += [f"| {a} | {b} | {c} |" for a, b, c in rows]
md += ["", "The window, tiny and generated rows are `check`'s verdicts on the texts written out as files. "
       + ("`nestnet eval` on the same sets (the first model alone, "
          + ("its final head at 0.5" if s["threshold"] is not None else "read by its stack") + "): "
          + ", ".join(f"{n} {a:.4f}" for n, a in ev.items()) + "." if ev else
          "(`nestnet eval` is not run: `check` reads with the embedded models, `eval` with the embedded LSTM.)")]
md += ["", f"By file size (valid files of the {split} packages):", "", "| size | files | flagged |", "|---|---|---|"]
buckets = {}
for f in valid:
    k = 1 << max(10, min(20, int(math.log2(max(f["bytes"], 1)))))
    b = buckets.setdefault(k, [0, 0]); b[0] += 1; b[1] += f["valid"] is False
for k in sorted(buckets):
    name = "< 2 KB" if k == 1024 else ("≥ 1 MB" if k == 1 << 20 else f"{k // 1024}–{2 * k // 1024} KB")
    md.append(f"| {name} | {buckets[k][0]} | {pct(buckets[k][1], buckets[k][0])} |")
md += ["", f"By {split} package:", "", "| package | valid files | flagged |", "|---|---|---|"]
per = {}
for f in valid:
    p = per.setdefault(pkg_of(f["file"]), [0, 0]); p[0] += 1; p[1] += f["valid"] is False
for p in sorted(per):
    md.append(f"| {p} | {per[p][0]} | {pct(per[p][1], per[p][0])} |")
md += ["", "Named tiny texts (model / oracle):", ""] + [f"- `{t}`: {v} / {e}" for t, v, e in named]
text = "\n".join(md) + "\n"
print(text)
if card:
    open(card, "w").write(text)
PY

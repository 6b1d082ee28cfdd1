#!/usr/bin/env python3
"""Helpers of scripts/sweep-counting.sh: where long valid Dyck-1 texts fail.

  counting-failures.py split TEXTS.jsonl DIR    # one file per text: DIR/000.txt, …
  counting-failures.py table DIR                # DIR/<run>.json (nestnet check --format json
                                                # over those files) -> a Markdown table

For every flagged (valid) text: how far before its end the model places the error, and the
oracle's depth at that byte, i.e. how many levels the model's count is off there.
"""
import glob
import json
import os
import statistics
import sys


def split(jsonl, out):
    for i, line in enumerate(open(jsonl)):
        with open(os.path.join(out, f"{i:03d}.txt"), "w") as f:
            f.write(json.loads(line)["text"])


def table(d):
    print("100 fresh valid Dyck-1 texts of 3072–4096 bytes (seed 4242), checked with each run's model. For the "
          "flagged ones: how far before the end the model places the error, and the oracle's depth at that byte "
          "(how many levels its count is off there). Runs without per-step targets have no step head, so their "
          "only verdict is the final one, placed at the end of the text.\n")
    print("| run | flagged | bytes before the end (median, max) | depth there (median, range) | messages |")
    print("|---|---|---|---|---|")
    for path in sorted(glob.glob(os.path.join(d, "*.json"))):
        files = json.load(open(path))["files"]
        flagged = [x for x in files if x["valid"] is False]
        before, depth, kinds = [], [], {}
        for x in flagged:
            t = open(x["file"]).read()
            o = x["location"]["offset"] if x["location"] else len(t) - 1
            before.append(len(t) - 1 - o)
            depth.append(t[:o + 1].count("(") - t[:o + 1].count(")"))
            k = "unexpected closer" if "unexpected" in x["message"] or "breaks" in x["message"] else "something left open"
            kinds[k] = kinds.get(k, 0) + 1
        med = lambda v: f"{statistics.median(v):g}" if v else "—"
        rng = lambda v: f"{min(v)}–{max(v)}" if v else "—"
        run = os.path.basename(path)[:-len(".json")]
        print(f"| {run} | {len(flagged)} of {len(files)} | {med(before)}, {max(before) if before else '—'} | "
              f"{med(depth)}, {rng(depth)} | {', '.join(f'{k} {n}' for k, n in sorted(kinds.items())) or '—'} |")


if __name__ == "__main__":
    {"split": lambda: split(sys.argv[2], sys.argv[3]), "table": lambda: table(sys.argv[2])}[sys.argv[1]]()

#!/usr/bin/env python3
"""What two models would give as a pair that flags a file only when both flag it, read from the
reports `scripts/threshold-curve.sh` left for each of them, without running either again.

    scripts/pair-curve.py --first OUT [--first-alone] --second OUT [--second-alone] --out DIR

`nestnet check --second-opinion` gives exactly this verdict (the second model reads the files the
first flags with its own threshold and hold, and a file is invalid only when both say so), so a
pair's curve over many threshold pairs costs one curve per model. Each OUT holds `valid-T.json`,
`edited-T.json`, `gen-9201-T.json` and `gen-9202-T.json` per threshold T; a report's verdict is
its own pair's when it was run with a second opinion, or with --first-alone / --second-alone its
main model's alone (it flagged the files that carry a `second_opinion`). For every threshold A of
the first and B of the second, DIR gets the four reports named with threshold `A+B`: the first
model's records (location, P(valid)), with `valid` false only where both flag the file. Files are
matched by path (edited and generated texts by their set folder and name); a file missing from
either report is an error. `scripts/judge-candidate.py --candidate VALID_DIR DEV_DIR` reads them.
"""
import argparse
import json
import os
import sys

SETS = ("valid", "edited", "gen-9201", "gen-9202")


def fail(message):
    print(f"pair-curve: {message}", file=sys.stderr)
    sys.exit(2)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail(f"cannot read {path}: {e}")


def key(name, record):
    """The corpus path for valid files; set folder and name for texts each OUT writes itself."""
    path = record["file"]
    return path if name == "valid" else os.path.join(*path.split(os.sep)[-2:])


def flagged(record, alone):
    if alone:
        return record["valid"] is False or record.get("second_opinion") is not None
    return record["valid"] is False


def thresholds(folder):
    found = set()
    for name in os.listdir(folder):
        if name.startswith("valid-") and name.endswith(".json"):
            t = name[len("valid-"):-len(".json")]
            if all(os.path.isfile(os.path.join(folder, f"{s}-{t}.json")) for s in SETS):
                found.add(t)
    return sorted(found, key=lambda t: [float(x) for x in t.split("+")])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--first", required=True, metavar="OUT")
    ap.add_argument("--first-alone", action="store_true", help="the first report's main model alone")
    ap.add_argument("--second", required=True, metavar="OUT")
    ap.add_argument("--second-alone", action="store_true", help="the second report's main model alone")
    ap.add_argument("--out", required=True, metavar="DIR")
    a = ap.parse_args()
    for d in (a.first, a.second):
        if not os.path.isdir(d):
            fail(f"{d} is not a folder")
    if os.path.realpath(a.out) in {os.path.realpath(a.first), os.path.realpath(a.second)}:
        fail("--out must not be one of the folders read")
    first_t, second_t = thresholds(a.first), thresholds(a.second)
    if not first_t or not second_t:
        fail(f"{a.first if not first_t else a.second} holds no threshold with all four reports")
    os.makedirs(a.out, exist_ok=True)
    # Each report is read once: a set's second-model reports, keyed by file, then each first one.
    for s in SETS:
        seconds = {tb: {key(s, r): r for r in load(os.path.join(a.second, f"{s}-{tb}.json"))["files"]} for tb in second_t}
        for ta in first_t:
            first = load(os.path.join(a.first, f"{s}-{ta}.json"))
            keys = {key(s, r) for r in first["files"]}
            for tb, second in seconds.items():
                files = []
                for r in first["files"]:
                    other = second.get(key(s, r))
                    if other is None:
                        fail(f"{r['file']} is in {a.first}/{s}-{ta}.json but not in {a.second}/{s}-{tb}.json")
                    r = dict(r)
                    if r["status"] == "checked":
                        r["valid"] = not (flagged(r, a.first_alone) and flagged(other, a.second_alone))
                    files.append(r)
                extra = next((k for k in second if k not in keys), None)
                if extra is not None:
                    fail(f"{extra} is in {a.second}/{s}-{tb}.json but not in {a.first}/{s}-{ta}.json")
                summary = dict(first.get("summary", {}), pair_of=[f"{a.first}@{ta}", f"{a.second}@{tb}"])
                summary["invalid"] = sum(r.get("valid") is False for r in files)
                with open(os.path.join(a.out, f"{s}-{ta}+{tb}.json"), "w", encoding="utf-8") as f:
                    json.dump({"files": files, "summary": summary}, f)
    print(f"pair-curve: {len(first_t) * len(second_t)} threshold pairs in {a.out}")


if __name__ == "__main__":
    main()

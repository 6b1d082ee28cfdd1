#!/usr/bin/env python3
"""Focus points for `nestnet train --corpus-focus`: the places where a model misreads valid
real code. Reads a `nestnet check --engine both --format json` report of that model over the
corpus TRAIN packages (never the valid or test ones) and prints one line per valid file the
model flags, PATH<TAB>BYTE-OFFSET, where the model placed the error.

    nestnet check $(cat train.txt) --engine both --format json > train-check.json
    scripts/corpus-focus.py train-check.json > focus.tsv

Files the oracle calls invalid are left out (their labels are the oracle's, not a misreading),
as are files whose report has no offset. A summary goes to stderr.
"""
import json
import sys


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: corpus-focus.py CHECK.json > focus.tsv", file=sys.stderr)
        return 2
    try:
        report = json.load(open(sys.argv[1], encoding="utf-8"))
    except (OSError, ValueError) as e:
        print(f"corpus-focus: cannot read {sys.argv[1]}: {e}", file=sys.stderr)
        return 2
    files = report.get("files")
    if not isinstance(files, list):
        print(f"corpus-focus: {sys.argv[1]} is not a `nestnet check --format json` report", file=sys.stderr)
        return 2
    if any(f.get("status") == "checked" and "exact" not in f for f in files):
        print(f"corpus-focus: {sys.argv[1]} has no oracle verdicts: run check with --engine both", file=sys.stderr)
        return 2
    valid = [f for f in files if f.get("status") == "checked" and f["exact"]["valid"]]
    flagged = [f for f in valid if f["valid"] is False]
    out = 0
    for f in flagged:
        offset = (f.get("location") or {}).get("offset", (f.get("reason") or {}).get("offset"))
        if offset is None:
            continue
        sys.stdout.write(f"{f['file']}\t{offset}\n")
        out += 1
    print(f"corpus-focus: {len(valid)} valid files, {len(flagged)} flagged, {out} focus points", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

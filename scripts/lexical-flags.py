#!/usr/bin/env python3
"""Are a model's false alarms lexical? For every valid file (by the oracle) that a `check`
report flags, the first bracket the model's step head misreads (`nestnet probe lexical`: a code
bracket read as comment or string, or a comment's, string's, directive's or `#if 0` group's
bracket read as code) and whether it comes before the place the file was flagged.

    nestnet check DIR... --engine both --format json > check.json
    scripts/lexical-flags.py check.json [--model M]

`--model` must be the model the report was made with (default: the embedded one; NESTNET=path
picks the binary, default .build/release/nestnet). Prints one line per flagged file and a
summary; the first misread names a likely cause, not a proven one.
"""
import json
import os
import subprocess
import sys
from collections import Counter


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit("usage: lexical-flags.py CHECK.json [--model M]")
    report, extra = args[0], args[1:]
    try:
        files = json.load(open(report))["files"]
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"lexical-flags: {report}: not a `check --format json` report ({e})")
    if any(f.get("exact") is None for f in files if f.get("status") == "checked"):
        sys.exit("lexical-flags: the report has no oracle verdicts: make it with `check --engine both`")
    flagged = [f for f in files if f.get("status") == "checked" and (f.get("exact") or {}).get("valid")
               and f.get("valid") is False]
    if not flagged:
        print(f"lexical-flags: no valid file flagged in {report}")
        return
    n = os.environ.get("NESTNET", ".build/release/nestnet")
    out = subprocess.run([n, "probe", "lexical", "--format", "json", "--show", str(len(flagged)), *extra,
                          *[f["file"] for f in flagged]], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"lexical-flags: nestnet probe lexical failed: {out.stderr.strip()}")
    first = {w["text"]: w for w in json.loads(out.stdout)["worst"]}
    kinds, before, any_misread = Counter(), 0, 0
    for f in flagged:
        at = (f.get("reason") or {}).get("offset", f["bytes"])
        w = first.get(f["file"])
        if w is None:
            print(f"{f['file']}\t{f['bytes']} bytes\tflagged at byte {at}\tno misread bracket")
            continue
        any_misread += 1
        ahead = w["first_offset"] <= at
        if ahead:
            before += 1
            kinds[w["first_kind"]] += 1
        print(f"{f['file']}\t{f['bytes']} bytes\tflagged at byte {at}\t{w['misread']} misread, first at byte "
              f"{w['first_offset']} ({'before' if ahead else 'after'}): {w['first_kind']}")
    print(f"lexical-flags: {len(flagged)} valid files flagged; {any_misread} have a misread bracket, {before} before "
          f"the place flagged (first misread: " + ", ".join(f"{c} {k}" for k, c in kinds.most_common()) + ")")


if __name__ == "__main__":
    main()

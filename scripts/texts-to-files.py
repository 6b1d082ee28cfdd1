#!/usr/bin/env python3
"""Writes the texts of a JSONL dataset as files, line i as DIR/{i:05d}.c, so `nestnet check`
can read edited whole files as a tree. scripts/corpus-focus.py --missed relies on the names.

    scripts/texts-to-files.py edited.jsonl DIR
"""
import json
import sys


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: texts-to-files.py DATASET.jsonl DIR", file=sys.stderr)
        return 2
    for i, line in enumerate(open(sys.argv[1], encoding="utf-8")):
        with open(f"{sys.argv[2]}/{i:05d}.c", "wb") as f:
            f.write(json.loads(line)["text"].encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

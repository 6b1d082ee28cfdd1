#!/usr/bin/env python3
"""Where a model first breaks the valid files it flags: inside a later branch of a preprocessor
conditional, inside a first branch, or outside conditionals (reports/stack-network.md, session 48).

  break-regions.py NAME=CHECK.json [NAME=CHECK.json ...]

Each CHECK.json is `nestnet check --engine both --format json` (as `scripts/eval-real-code.sh`
writes to OUT/test-whole.json). For every file the oracle calls valid and the model flags, the
lines before the model's break are scanned for `#if`/`#ifdef`/`#ifndef`, `#elif`/`#else` and
`#endif` (a line whose first non-blank byte is `#`; comments, strings and `#if 0` are not
told apart, so the count is rough). Prints one Markdown row per report; a flagged file whose
report has no byte offset is counted under "no place".
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
COLUMNS = ["later branch", "first branch", "outside conditionals", "no place"]


def corpus_focus():
    """`scripts/corpus-focus.py` as a module: its reader of check reports (one-line errors for
    bad input) and its choice of flagged valid files and their offsets."""
    spec = importlib.util.spec_from_file_location("corpus_focus", os.path.join(HERE, "corpus-focus.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def region(text):
    """The conditional region at the end of `text` (bytes), by a scan of its directive lines."""
    stack = []
    for line in text.split(b"\n"):
        line = line.strip()
        if not line.startswith(b"#"):
            continue
        words = line[1:].split()
        if not words:
            continue
        if words[0] in (b"if", b"ifdef", b"ifndef"):
            stack.append(False)
        elif words[0] in (b"elif", b"else") and stack:
            stack[-1] = True
        elif words[0] == b"endif" and stack:
            stack.pop()
    return "later branch" if any(stack) else "first branch" if stack else "outside conditionals"


def count(focus, path):
    """(flagged valid files, {column: files}) of one report."""
    _, flagged = focus.flagged_valid(focus.load_report(path, tool="break-regions.py"))
    counts = dict.fromkeys(COLUMNS, 0)
    for f, offset in flagged:
        if offset is None:
            counts["no place"] += 1
            continue
        try:
            with open(f["file"], "rb") as handle:
                text = handle.read(offset)
        except OSError as e:
            raise SystemExit(f"break-regions.py: cannot read {f['file']} (named by {path}): {e.strerror}")
        counts[region(text)] += 1
    return len(flagged), counts


def main():
    args = sys.argv[1:]
    if args in (["-h"], ["--help"]):
        print(__doc__.rstrip())
        return 0
    if not args or any("=" not in a or a.startswith("=") or a.endswith("=") for a in args):
        print("usage: break-regions.py NAME=CHECK.json [NAME=CHECK.json ...]", file=sys.stderr)
        return 2
    focus = corpus_focus()
    rows = [(name, *count(focus, path)) for name, path in (a.split("=", 1) for a in args)]  # every report read before a line is printed
    print("| report | valid files flagged | " + " | ".join(COLUMNS) + " |")
    print("|---|---|" + "---|" * len(COLUMNS))
    for name, flagged, counts in rows:
        print(f"| {name} | {flagged} | " + " | ".join(str(counts[c]) for c in COLUMNS) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Focus points for `nestnet train --corpus-focus`: the places where a model misreads real
code, one PATH<TAB>BYTE-OFFSET line each. Two kinds, from reports over the corpus TRAIN
packages (never the valid or test ones):

    # valid files the model flags, at the place it put the error
    nestnet check $(cat train.txt) --engine both --format json > train-check.json
    scripts/corpus-focus.py train-check.json > focus.tsv

    # breaks the model misses: whole files of the train packages with one edit each
    # (`dataset windows --whole-files 1`, which records each text's source), written out
    # one file per line of the JSONL by scripts/texts-to-files.py and checked as a tree
    scripts/corpus-focus.py --missed edited.jsonl edited-check.json >> focus.tsv

    # brackets the step head misreads (code read as comment or string, or the reverse): the
    # first misread of each file of a (sampled) `probe lexical` report, `#if 0` groups left out
    nestnet probe lexical $(cat train.txt) --sample 18000 --seed 20261404 --show 100000 --format json > lex.json
    scripts/corpus-focus.py --lexical lex.json >> focus.tsv

    # the same for a lexer (`train --lexer-only`): every first misread, `#if 0` ones too
    scripts/corpus-focus.py --lexical --with-if0 lex.json >> focus.tsv

A missed break's point is the edited byte in the original file (source offset + edit offset),
so `train --corpus-focus` cuts texts that cover it and edits them afresh. Files the oracle
calls invalid are left out of the first kind (their labels are the oracle's, not a
misreading), as are files whose report has no offset. A lexical report must list every file
with a misread (`--show` at least its `texts_misread`); a first misread inside an `#if 0`
group gives no point (the model reads most disabled code as code, which is harmless to a
checker when it is balanced) unless `--with-if0` is given: a lexer must read those groups too,
since an exact stack behind it breaks on an unbalanced one. A summary goes to stderr.
"""
import json
import os
import sys


def read_json(path, tool="corpus-focus"):
    """A JSON file's value; a one-line error (prefixed with `tool`) when it cannot be read."""
    try:
        return json.load(open(path, encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise SystemExit(f"{tool}: cannot read {path}: {e}")


def load_report(path, tool="corpus-focus"):
    """The files of a `nestnet check --engine both --format json` report; a one-line error
    (prefixed with `tool`) when it cannot be read or is not such a report."""
    report = read_json(path, tool)
    files = report.get("files") if isinstance(report, dict) else None
    if not isinstance(files, list):
        raise SystemExit(f"{tool}: {path} is not a `nestnet check --format json` report")
    if any(f.get("status") == "checked" and "exact" not in f for f in files):
        raise SystemExit(f"{tool}: {path} has no oracle verdicts: run check with --engine both")
    return files


def flagged_valid(files):
    """(the files of a check report the oracle calls valid, [(file, offset)] of those the model
    flags, offset the byte of its error or None when the report gives none)."""
    valid = [f for f in files if f.get("status") == "checked" and f["exact"]["valid"]]
    return valid, [(f, (f.get("location") or {}).get("offset", (f.get("reason") or {}).get("offset")))
                   for f in valid if f["valid"] is False]


def flagged_points(report_path):
    valid, flagged = flagged_valid(load_report(report_path))
    out = 0
    for f, offset in flagged:
        if offset is None:
            continue
        sys.stdout.write(f"{f['file']}\t{offset}\n")
        out += 1
    print(f"corpus-focus: {len(valid)} valid files, {len(flagged)} flagged, {out} focus points", file=sys.stderr)


def missed_points(jsonl_path, report_path):
    by_name = {os.path.basename(f["file"]): f for f in load_report(report_path)}
    broken = missed = 0
    try:
        lines = open(jsonl_path, encoding="utf-8").read().splitlines()
    except OSError as e:
        raise SystemExit(f"corpus-focus: cannot read {jsonl_path}: {e}")
    for i, line in enumerate(lines):
        e = json.loads(line)
        if e["valid"]:
            continue
        src, edit = e.get("source"), e.get("edit")
        if not src or not edit:
            raise SystemExit(f"corpus-focus: {jsonl_path}:{i + 1} has no \"source\" or \"edit\" (make it with `nestnet dataset windows`)")
        f = by_name.get(f"{i:05d}.c")
        if f is None or f.get("status") != "checked":
            raise SystemExit(f"corpus-focus: {report_path} has no checked result for line {i + 1} ({i:05d}.c)")
        broken += 1
        if f["valid"] is True:
            sys.stdout.write(f"{src['path']}\t{src['offset'] + edit['offset']}\n")
            missed += 1
    print(f"corpus-focus: {broken} broken files, {missed} missed: {missed} focus points", file=sys.stderr)


def lexical_points(probe_paths, with_if0=False):
    files = points = 0
    for path in probe_paths:
        report = read_json(path)
        worst = report.get("worst") if isinstance(report, dict) else None
        if not isinstance(worst, list) or "texts_misread" not in report:
            raise SystemExit(f"corpus-focus: {path} is not a `nestnet probe lexical --format json` report")
        if len(worst) < report["texts_misread"]:
            raise SystemExit(f"corpus-focus: {path} lists {len(worst)} of its {report['texts_misread']} files with a misread: "
                             f"run probe lexical with --show {report['texts_misread']} or more")
        files += report["texts"]
        for w in worst:
            if "#if 0" in w["first_kind"] and not with_if0:
                continue
            sys.stdout.write(f"{w['text']}\t{w['first_offset']}\n")
            points += 1
    where = "" if with_if0 else " outside #if 0 groups"
    print(f"corpus-focus: {files} files read, {points} first misreads{where}: {points} focus points", file=sys.stderr)


def main() -> int:
    args = sys.argv[1:]
    usage = ("usage: corpus-focus.py CHECK.json > focus.tsv\n"
             "       corpus-focus.py --missed EDITED.jsonl EDITED-CHECK.json >> focus.tsv\n"
             "       corpus-focus.py --lexical [--with-if0] PROBE.json [PROBE.json ...] >> focus.tsv")
    if args in (["-h"], ["--help"]):
        print(__doc__.rstrip() + "\n\n" + usage)
        return 0
    if len(args) == 1 and not args[0].startswith("-"):
        flagged_points(args[0])
    elif len(args) == 3 and args[0] == "--missed":
        missed_points(args[1], args[2])
    elif len(args) >= 3 and args[:2] == ["--lexical", "--with-if0"]:
        lexical_points(args[2:], with_if0=True)
    elif len(args) >= 2 and args[0] == "--lexical" and not args[1].startswith("-"):
        lexical_points(args[1:])
    else:
        print(usage, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

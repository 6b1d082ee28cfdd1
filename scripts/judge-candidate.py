#!/usr/bin/env python3
"""Applies the rule a candidate model must meet to replace the release (README, "How the next
candidate is judged"), to the reports `scripts/threshold-curve.sh` leaves in its OUT folders.

    scripts/judge-candidate.py --release VALID_OUT DEV_OUT --at 0.5 --candidate VALID_OUT DEV_OUT

Each OUT holds `valid-T.json`, `edited-T.json`, `gen-9201-T.json` and `gen-9202-T.json` per
threshold T (SPLIT=valid and SPLIT=dev runs of threshold-curve.sh). The valid packages and the
dev pool count together. The release is read at --at; the candidate at every threshold both
of its folders have. A threshold passes when, against the release's point, it flags at most as
many valid and long (≥ 64 KB) files and catches at least 10 more broken ones, or flags at
least 12 fewer valid files for at most as many long ones and at least as many catches; and
generated C (both seeds) is within 0.003 of the release's. Prints one line per threshold and
exits 0 when one passes, 1 when none does, 2 on a missing or unreadable report.
"""
import argparse
import json
import os
import sys

LONG = 65536


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [r for r in json.load(f)["files"] if r["status"] == "checked" and r.get("exact")]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"judge-candidate: cannot read {path}: {e}", file=sys.stderr)
        sys.exit(2)


def point(folders, t):
    """Valid files flagged, long ones flagged, broken ones caught and caught at the oracle's line,
    summed over the folders, and generated-C accuracy per seed (9201, 9202), at threshold string t."""
    fp = long_fp = caught = at_line = 0
    gen = []
    for d in folders:
        valid = [r for r in load(os.path.join(d, f"valid-{t}.json")) if r["exact"]["valid"]]
        fp += sum(r["valid"] is False for r in valid)
        long_fp += sum(r["valid"] is False for r in valid if r["bytes"] >= LONG)
        hits = [r for r in load(os.path.join(d, f"edited-{t}.json")) if not r["exact"]["valid"] and r["valid"] is False]
        caught += len(hits)
        at_line += sum(1 for r in hits if (r.get("location") or {}).get("line") is not None
                       and r["location"]["line"] == (r["exact"].get("location") or {}).get("line"))
    # Both folders read the same generated texts (threshold-curve.sh's fixed seeds): once.
    for seed in ("9201", "9202"):
        g = load(os.path.join(folders[0], f"gen-{seed}-{t}.json"))
        gen.append(sum(r["valid"] == r["exact"]["valid"] for r in g) / max(len(g), 1))
    return fp, long_fp, caught, at_line, gen


def thresholds(folder):
    return {n[len("valid-"):-len(".json")] for n in os.listdir(folder) if n.startswith("valid-") and n.endswith(".json")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--release", nargs=2, metavar=("VALID_OUT", "DEV_OUT"), required=True)
    ap.add_argument("--at", required=True, help="the release's threshold, as in its report names (0.5)")
    ap.add_argument("--candidate", nargs=2, metavar=("VALID_OUT", "DEV_OUT"), required=True)
    a = ap.parse_args()
    for d in a.release + a.candidate:
        if not os.path.isdir(d):
            print(f"judge-candidate: {d} is not a folder", file=sys.stderr)
            sys.exit(2)
    rfp, rlong, rcaught, rline, rgen = point(a.release, a.at)
    print(f"release at {a.at}: {rfp} valid files flagged, {rlong} long, {rcaught} broken caught ({rline} at the oracle's line), "
          f"generated C {' / '.join(f'{g:.4f}' for g in rgen)}")
    common = thresholds(a.candidate[0]) & thresholds(a.candidate[1])
    if not common:
        print("judge-candidate: the candidate's folders share no threshold", file=sys.stderr)
        sys.exit(2)
    passed = False
    # A pair's reports (scripts/pair-curve.py) are named by both thresholds, `A+B`.
    for t in sorted(common, key=lambda t: [float(x) for x in t.split("+")]):
        fp, lfp, c, line, gen = point(a.candidate, t)
        more_caught = fp <= rfp and lfp <= rlong and c >= rcaught + 10
        fewer_flagged = fp <= rfp - 12 and lfp <= rlong and c >= rcaught
        gen_ok = all(g >= r - 0.003 for g, r in zip(gen, rgen))
        ok = (more_caught or fewer_flagged) and gen_ok
        passed |= ok
        why = "passes" if ok else "does not pass" + ("" if gen_ok else " (generated C)")
        print(f"candidate at {t}: {fp} flagged ({fp - rfp:+d}), {lfp} long ({lfp - rlong:+d}), {c} caught ({c - rcaught:+d}; {line} at the line), "
              f"generated C {' / '.join(f'{g:.4f}' for g in gen)}: {why}")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()

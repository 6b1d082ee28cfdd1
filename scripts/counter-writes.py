#!/usr/bin/env python3
"""What a checkpoint's counter units hold and write, against the oracle's depth.

  counter-writes.py MODEL.safetensors DATA.jsonl [--counters K] [--count N] [--round] [--nestnet PATH]

For the first N valid examples of DATA (default 60), reads each with the checkpoint's one-layer
LSTM (NumPy, float64, PyTorch's gate order) and prints, per counter (the last K units, default
16, as `train --counter-units K` makes them): the mean |c − depth| over the first 1 KB, the first
16 KB and the whole text, Pearson r with the depth, and the mean step of the cell (what it
writes) at code openers and code closers (±1 for a counter that counts brackets) and at every
other byte; then, per counter, the share of texts it follows at every byte (|c − depth| < 0.5)
and how many texts at least one counter follows so. With --round each counter's write (i·g) is
rounded to −1, 0 or +1 and its forget gate set to 1 as the model is read (what a counter that
writes whole brackets would hold; the engine itself has no such mode). The depth is the
oracle's, from `nestnet probe counter --trace` (NESTNET or --nestnet: default
.build/release/nestnet), at most its first 65,536 bytes per text.

  dataset windows --count 60 --min-length 16384 --max-length 65536 --seed 5 (valid packages)
  and the counters taught the depth for one epoch (README, not-kept): within 0.24-0.44 of the
  depth over the first KB, but +0.05 to +0.24 written at a code opener; scripts/counter-warmup.sh
  runs it after a warm-up of the counters alone.
Needs numpy only.
"""
import argparse, importlib.util, json, os, subprocess, sys, tempfile
import numpy as np

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model"); ap.add_argument("data")
    ap.add_argument("--counters", type=int, default=16); ap.add_argument("--count", type=int, default=60)
    ap.add_argument("--round", action="store_true", help="round the counters' writes to -1, 0, +1 as the model is read")
    ap.add_argument("--nestnet", default=os.environ.get("NESTNET", ".build/release/nestnet"))
    a = ap.parse_args()
    if a.counters < 1 or a.count < 1: sys.exit("counter-writes.py: --counters and --count must be at least 1")
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("fg", os.path.join(here, "forget-gates.py"))
    fg = importlib.util.module_from_spec(spec); spec.loader.exec_module(fg)
    try:
        w, meta = fg.load(a.model)
    except OSError as e:
        sys.exit(f"counter-writes.py: {a.model}: {e.strerror}")
    except (ValueError, KeyError, UnicodeDecodeError):
        sys.exit(f"counter-writes.py: {a.model}: not a safetensors checkpoint")
    if meta.get("arch") != "lstm" or "rnn.weight_hh_l1" in w:
        sys.exit("counter-writes.py: needs a one-layer LSTM checkpoint")
    H = w["rnn.weight_hh_l0"].shape[1]; K = a.counters
    if K > H: sys.exit(f"counter-writes.py: --counters {K} is more than the model's {H} units")
    if not os.access(a.nestnet, os.X_OK): sys.exit(f"counter-writes.py: {a.nestnet}: no nestnet binary (build it, or give --nestnet)")
    try:
        with open(a.data, encoding="utf-8") as f: rows = [json.loads(l) for l in f if l.strip()]
    except OSError as e:
        sys.exit(f"counter-writes.py: {a.data}: {e.strerror}")
    except (ValueError, UnicodeDecodeError):
        sys.exit(f"counter-writes.py: {a.data}: not JSONL")
    rows = [r for r in rows if isinstance(r, dict) and r.get("valid") is True and isinstance(r.get("text"), str)][:a.count]
    if not rows: sys.exit(f"counter-writes.py: {a.data}: no valid examples")
    err = {"1 KB": [], "16 KB": [], "whole": []}; rs = []; writes = {"code opener": [], "code closer": [], "other byte": []}
    follows = []  # per text: which counters stay within 0.5 of the depth at every byte
    with tempfile.TemporaryDirectory() as tmp:
        one = os.path.join(tmp, "one.jsonl")
        for n, ex in enumerate(rows):
            with open(one, "w", encoding="utf-8") as f: f.write(json.dumps(ex) + "\n")
            out = subprocess.run([a.nestnet, "probe", "counter", "--model", a.model, "--data", one, "--count", "1", "--format", "json"],
                                 capture_output=True, text=True)
            if out.returncode != 0: sys.exit(f"counter-writes.py: nestnet probe counter: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else 'failed'}")
            depth = np.array([r[1] for r in json.loads(out.stdout)["trace"]["rows"]], dtype=np.float64)
            b = ex["text"].encode("utf-8")[:len(depth)]
            C = fg.read(w, b, round_last=K if a.round else 0)[1][:, H - K:]
            e = np.abs(C - depth[:, None])
            follows.append((e < 0.5).all(0))
            for name, at in (("1 KB", 1024), ("16 KB", 16384)):
                if len(b) >= at: err[name].append(e[:at].mean(0))
            err["whole"].append(e.mean(0))
            if depth.std() > 0: rs.append([np.corrcoef(C[:, k], depth)[0, 1] if C[:, k].std() > 0 else 0.0 for k in range(K)])
            step = np.diff(np.vstack([np.zeros(K), C]), axis=0); dd = np.diff(np.concatenate([[0.0], depth]))
            for name, m in (("code opener", dd > 0), ("code closer", dd < 0), ("other byte", dd == 0)):
                if m.any(): writes[name].append(step[m])
            print(f"read {n + 1}/{len(rows)} ({len(b)} bytes)", file=sys.stderr, flush=True)
    fmt = lambda v: " ".join(f"{x:7.3f}" for x in v)
    print(f"counters (units {H - K}-{H - 1}), {len(rows)} valid texts of {a.data}" + (", writes rounded to -1/0/+1" if a.round else ""))
    for name, v in err.items():
        if v: print(f"mean |c - depth|, {name:5s} ({len(v):2d} texts): {fmt(np.mean(v, 0))}")
    if rs: print(f"Pearson r with the depth:          {fmt(np.mean(rs, 0))}")
    for name, v in writes.items():
        if v: print(f"mean write, {name:11s}:          {fmt(np.concatenate(v).mean(0))}")
    f = np.array(follows)
    print(f"share of texts followed throughout: {fmt(f.mean(0))}")
    print(f"texts some counter follows throughout: {int(f.any(1).sum())} of {len(rows)} (mean share over counters {f.mean():.2f})")


if __name__ == "__main__":
    main()

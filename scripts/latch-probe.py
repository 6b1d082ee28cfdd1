#!/usr/bin/env python3
"""How the step head behaves at the breaks `nestnet check` missed: does it see them, and hold on?

  latch-probe.py REPORT.json [--model M.safetensors] [--windows 8192,32768] [--hold 128]

REPORT.json is `nestnet check --engine both --format json` over broken files (the oracle's
break is in each file's "exact" field). For every file broken by a bad closer (unexpected or
mismatched: a break the step head can see where it happens) that the model passed, it reads the
file with PyTorch (`torch.nn.LSTM` with the checkpoint's weights, as
`../shared/anchors/torch_crosscheck.py` loads them) and prints, at the oracle's break:

  peak  the highest P(broken) from 2 bytes before the break to 64 after (did the model see it?)
  run   the longest run of bytes with P(broken) > 0.5 starting within those bytes, in the
        20,000 or so read after the break (did it hold on? `check` needs --hold bytes in a row)

once for the whole file before the break, and once for each window: the text read from a fresh
state at the start of the line after a `}` line (a function's end) at least that many bytes
before the break. The summary counts the breaks seen and held in each reading. Needs torch
(`scripts/trace-steps.py` shows the same outputs byte by byte without it, at about 30 KB/s:
too slow for a whole report).
"""
import importlib.util, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load_report(path):
    """`scripts/corpus-focus.py`'s reader of check reports (one-line errors for bad input)."""
    spec = importlib.util.spec_from_file_location("corpus_focus", os.path.join(HERE, "corpus-focus.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.load_report(path, tool="latch-probe.py")


USAGE = "usage: latch-probe.py REPORT.json [--model M.safetensors] [--windows 8192,32768] [--hold 128]"


def parse(argv):
    """(report, model, windows, hold) from the command line; a one-line error for anything else."""
    if argv in (["-h"], ["--help"]):
        print(__doc__.rstrip())
        sys.exit(0)
    if not argv or argv[0].startswith("-"):
        sys.exit(USAGE)
    opts = {"--model": os.path.join(HERE, "..", "Sources", "DefaultModelBytes", "default-lstm.safetensors"),
            "--windows": "8192,32768", "--hold": "128"}
    rest = argv[1:]
    while rest:
        if rest[0] not in opts or len(rest) < 2:
            sys.exit(f"latch-probe.py: unknown option or missing value: {rest[0]} (see --help)")
        opts[rest[0]] = rest[1]
        rest = rest[2:]
    try:
        windows = [int(w) for w in opts["--windows"].split(",")]
        hold = int(opts["--hold"])
    except ValueError:
        sys.exit("latch-probe.py: --windows takes whole numbers separated by commas, --hold a whole number")
    if hold < 1 or any(w < 1 for w in windows):
        sys.exit("latch-probe.py: --windows and --hold must be positive")
    return argv[0], opts["--model"], windows, hold


def main():
    report, model, windows, hold = parse(sys.argv[1:])
    try:
        import torch
        import torch.nn as nn
        sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "anchors"))
        from torch_crosscheck import read_safetensors
    except ImportError as e:
        sys.exit(f"latch-probe.py: needs torch and ../shared/anchors/torch_crosscheck.py ({e})")
    files = load_report(report)
    try:
        meta, t = read_safetensors(model)
    except (OSError, ValueError, KeyError, RuntimeError) as e:
        sys.exit(f"latch-probe.py: cannot read {model}: {e}")
    if meta.get("arch") != "lstm" or int(meta.get("layers", "1")) != 1 or "step_head.weight" not in t:
        sys.exit(f"latch-probe.py: {model}: needs a one-layer LSTM with a step head")
    torch.set_num_threads(int(os.environ.get("THREADS", "2")))
    E, H = t["embedding.weight"].shape[1], t["rnn.weight_hh_l0"].shape[1]
    emb = nn.Embedding(256, E); emb.weight.data = t["embedding.weight"]
    rnn = nn.LSTM(E, H, batch_first=True)
    for k in ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]:
        getattr(rnn, k).data = t["rnn." + k]
    sw, sb = t["step_head.weight"], t["step_head.bias"]

    def at_break(text, k):
        """(peak, run) of P(broken) at byte k of text, read from a fresh state."""
        end = min(len(text), k + 20_064)
        with torch.no_grad():
            h, _ = rnn(emb(torch.tensor(list(text[:end])).unsqueeze(0)))
            p = torch.sigmoid(h[0, max(0, k - 2):] @ sw[0] + sb[0]).tolist()
        peak = max(p[:66])
        best = run = 0
        for i, v in enumerate(p):
            if v > 0.5:
                run += 1
                best = max(best, run)
            else:
                if i >= 66:
                    break
                run = 0
        return peak, best

    passed = [f for f in files if f["status"] == "checked" and f["exact"] and not f["exact"]["valid"]
              and f["valid"] and f["exact"]["location"]]
    # Only a bad closer is a break the step head can see where it happens; an unclosed opener
    # (or a conditional mismatch) shows only at the end of the file.
    missed = [f for f in passed if f["exact"]["kind"] in ("unexpected-closer", "mismatched-closer")]
    others = len(passed) - len(missed)
    names = ["whole"] + [f"{w // 1024} KB" for w in windows]
    seen = {n: 0 for n in names}; held = {n: 0 for n in names}
    print("| file | bytes | break | " + " | ".join(f"{n}: peak, run" for n in names) + " |")
    print("|---|---|---|" + "---|" * len(names))
    for f in missed:
        try:
            text = open(f["file"], "rb").read()
        except OSError as e:
            sys.exit(f"latch-probe.py: cannot read {f['file']}: {e}")
        k = f["exact"]["location"]["offset"]
        cells = []
        for n, w in zip(names, [None] + windows):
            start = 0
            if w is not None and k > w:
                j = text.rfind(b"\n}\n", 0, k - w)
                start = j + 3 if j >= 0 else 0
            peak, run = at_break(text[start:], k - start)
            seen[n] += peak > 0.5; held[n] += run >= hold
            cells.append(f"{peak:.2f}, {run}")
        print(f"| {os.path.basename(f['file'])} | {f['bytes']} | {f['exact']['kind']} at {k} | " + " | ".join(cells) + " |", flush=True)
    print(f"\n{len(missed)} bad closers missed (and {others} unclosed openers or conditional mismatches, not probed). Seen (peak > 0.5) / held (run >= {hold}) when read from:")
    for n in names:
        print(f"- {n}: seen {seen[n]}, held {held[n]}")


if __name__ == "__main__":
    main()

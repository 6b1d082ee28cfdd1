#!/usr/bin/env python3
"""How long an LSTM checkpoint's units remember: each unit's forget gate over a real file.

  forget-gates.py MODEL.safetensors FILE [--bytes N] [--top K]

Reads the first N bytes of FILE (default 60000) with the checkpoint's one-layer LSTM (NumPy,
float64, PyTorch's gate order i, f, g, o) and prints, for the K units with the longest memory
(default 12), the mean log forget gate per byte, what share of its cell a unit keeps over
1 KB at that rate, the forget gate's median and 1st percentile, and the share of bytes where
it is 1.0 (a counter made by `train --counter-units` has f = σ(20) at every byte: 1 − 2e-9 in
this float64 reading, 1 − 6e-8 in the engine's Float sigmoid). On the
first 60 KB of tcl8.6's generic/tclBasic.c (corpus valid package) the shipped second model's
longest memories keep 54%, 37% and 11% per KB, the shipped first model's 18%, 3.0% and 0.3%:
no unit can carry a count across a long function by itself, so the models re-derive depth from
local cues (indentation, keywords).
Needs numpy only.
"""
import argparse, json, struct, sys
import numpy as np

def load(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    w = {}
    for k, v in header.items():
        if k == "__metadata__": continue
        a, b = v["data_offsets"]
        w[k] = np.frombuffer(raw[base + a:base + b], dtype="<f4").reshape(v["shape"]).astype(np.float64)
    return w, header.get("__metadata__", {})

def read(w, data, hidden=False, round_last=0):
    """Layer 0 of a one-layer LSTM checkpoint (`load`'s tensors) over the bytes `data`, in float64:
    the forget gates and the cells after every byte, [len(data), H] each (with `hidden`, the
    hidden states too, for the heads: scripts/lexical-probe.py). `round_last` K > 0 reads the last
    K units as counters that write whole brackets: their writes i·g rounded to -1, 0 or +1 and
    their forget gates 1 (scripts/counter-writes.py --round; the engine has no such mode)."""
    H = w["rnn.weight_hh_l0"].shape[1]
    x = w["embedding.weight"][np.frombuffer(data, dtype=np.uint8)] @ w["rnn.weight_ih_l0"].T \
        + w["rnn.bias_ih_l0"] + w["rnn.bias_hh_l0"]
    whh = w["rnn.weight_hh_l0"]
    sig = lambda z: 1 / (1 + np.exp(-z))
    h = np.zeros(H); c = np.zeros(H)
    f_all = np.empty((len(data), H)); c_all = np.empty((len(data), H))
    h_all = np.empty((len(data), H)) if hidden else None
    for t in range(len(data)):
        z = x[t] + whh @ h
        i, f, g, o = sig(z[:H]), sig(z[H:2 * H]), np.tanh(z[2 * H:3 * H]), sig(z[3 * H:])
        wr = i * g
        if round_last:
            wr[H - round_last:] = np.round(wr[H - round_last:]); f[H - round_last:] = 1.0
        c = f * c + wr; h = o * np.tanh(c)
        f_all[t] = f; c_all[t] = c
        if hidden: h_all[t] = h
    return (f_all, c_all, h_all) if hidden else (f_all, c_all)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model"); ap.add_argument("file")
    ap.add_argument("--bytes", type=int, default=60000); ap.add_argument("--top", type=int, default=12)
    a = ap.parse_args()
    if a.bytes < 1: sys.exit("forget-gates.py: --bytes must be at least 1")
    try:
        w, meta = load(a.model)
    except OSError as e:
        sys.exit(f"forget-gates.py: {a.model}: {e.strerror}")
    except (ValueError, KeyError, struct.error, UnicodeDecodeError):
        sys.exit(f"forget-gates.py: {a.model}: not a safetensors checkpoint")
    if meta.get("arch") != "lstm" or "rnn.weight_hh_l1" in w:
        sys.exit("forget-gates.py: needs a one-layer LSTM checkpoint")
    try:
        with open(a.file, "rb") as f: data = f.read(a.bytes)
    except OSError as e:
        sys.exit(f"forget-gates.py: {a.file}: {e.strerror}")
    if not data: sys.exit("forget-gates.py: the file is empty")
    H = w["rnn.weight_hh_l0"].shape[1]
    f_all, _ = read(w, data)
    logf = np.log(np.maximum(f_all, 1e-300)).mean(0)
    print(f"{a.model}: {H} units, {len(data)} bytes of {a.file}")
    print("unit  mean log f   kept per KB   median f     1st pct f    f == 1.0")
    for u in np.argsort(logf)[::-1][:a.top]:
        f = f_all[:, u]
        print(f"{u:4d}  {logf[u]:11.3e}  {np.exp(logf[u] * 1024):11.4f}  {np.median(f):.7f}  {np.percentile(f, 1):.7f}  {(f == 1.0).mean():8.3f}")

if __name__ == "__main__":
    main()

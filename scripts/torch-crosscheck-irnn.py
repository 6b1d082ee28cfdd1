#!/usr/bin/env python3
"""../shared/anchors/torch_crosscheck.py for an `irnn` checkpoint.

The anchor builds torch.nn.RNN (tanh) for arch "rnn". NestNet's IRNN is the same module with
nonlinearity="relu" and the same tensor layout, so this wrapper changes only that and runs
the anchor's own loading and reading unchanged. Same arguments as the anchor; run from the
project's root (the anchor is found at $ANCHORS, default ../shared/anchors).
"""
import functools, os, sys

sys.path.insert(0, os.environ.get("ANCHORS", "../shared/anchors"))
import torch
import torch_crosscheck as anchor

tanh_rnn = torch.nn.RNN
read = anchor.read_safetensors


def read_irnn(path):
    meta, tensors = read(path)
    if meta.get("arch") == "irnn":
        meta["arch"] = "rnn"
        anchor.nn.RNN = functools.partial(tanh_rnn, nonlinearity="relu")
    return meta, tensors


anchor.read_safetensors = read_irnn
anchor.main()

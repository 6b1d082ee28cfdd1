"""Runs a Python script with PyTorch flushing subnormal floats to zero, as NestNet's training
passes do, so bench-vs-pytorch.sh compares like with like: on CPUs where subnormal arithmetic
is slow (Intel), either side would otherwise lose several times its speed to gradients that
have vanished late in backpropagation through time.

Usage: python scripts/torch-flush-denormal.py SCRIPT [ARGS...]
"""
import runpy
import sys

import torch

if len(sys.argv) < 2:
    sys.exit("torch-flush-denormal.py: usage: torch-flush-denormal.py SCRIPT [ARGS...]")
if not torch.set_flush_denormal(True):
    sys.exit("torch-flush-denormal.py: this CPU cannot flush subnormals (torch.set_flush_denormal)")
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")

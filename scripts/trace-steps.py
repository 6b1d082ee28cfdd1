#!/usr/bin/env python3
"""Per-byte step-head outputs of a one-layer NestNet LSTM checkpoint on a file: where the model
starts to see a break or an open bracket (issue 12's false-positive analysis). A plain numpy
re-implementation of the cell (torch.nn gate order i, f, g, o), one byte at a time, reading the
safetensors file directly; slow (about 30 KB/s) but independent of the Swift engine.

    scripts/trace-steps.py MODEL FILE [FROM [TO]]

Reads FILE up to TO (default: its end), prints the final head's P(valid) there and, for every
byte from FROM (default: 200 before TO), the byte and sigmoid of each step output (`broken`,
`open`, `inert`, ...). Also prints the mean and maximum of `broken` per 4 KB block."""
import json, struct, sys
import numpy as np

def load(path):
    b = open(path, 'rb').read()
    n = struct.unpack('<Q', b[:8])[0]
    h = json.loads(b[8:8 + n])
    W = {}
    for k, v in h.items():
        if k == '__metadata__': continue
        s, e = v['data_offsets']
        W[k] = np.frombuffer(b[8 + n + s:8 + n + e], dtype=np.float32).reshape(v['shape'])
    return W

def run(W, data):
    E = W['embedding.weight']; Wi = W['rnn.weight_ih_l0']; Wh = W['rnn.weight_hh_l0']
    bias = W['rnn.bias_ih_l0'] + W['rnn.bias_hh_l0']
    H = Wh.shape[1]
    X = E[np.frombuffer(data, dtype=np.uint8)] @ Wi.T + bias  # [T, 4H]
    h = np.zeros(H, np.float32); c = np.zeros(H, np.float32)
    S = W['step_head.weight']; sb = W['step_head.bias']
    out = np.zeros((len(data), S.shape[0]), np.float32)
    sig = lambda x: 1 / (1 + np.exp(-x))
    for t in range(len(data)):
        g = X[t] + Wh @ h
        i, f, gg, o = sig(g[:H]), sig(g[H:2*H]), np.tanh(g[2*H:3*H]), sig(g[3*H:])
        c = f * c + i * gg
        h = o * np.tanh(c)
        out[t] = S @ h + sb
    p = sig(W['head.weight'] @ h + W['head.bias'])[0]
    return sig(out), p, c

def main() -> int:
    if len(sys.argv) < 3:
        print('usage: trace-steps.py MODEL FILE [FROM [TO]]', file=sys.stderr)
        return 2
    try:
        data = open(sys.argv[2], 'rb').read()
        W = load(sys.argv[1])
    except OSError as e:
        print(f'trace-steps: {e}', file=sys.stderr)
        return 2
    except (ValueError, KeyError, struct.error):
        print(f'trace-steps: {sys.argv[1]} is not a safetensors file', file=sys.stderr)
        return 2
    if 'rnn.weight_hh_l0' not in W or W['rnn.weight_hh_l0'].shape[0] != 4 * W['rnn.weight_hh_l0'].shape[1] or 'step_head.weight' not in W:
        print(f'trace-steps: {sys.argv[1]} is not a one-layer LSTM with a step head', file=sys.stderr)
        return 2
    end = min(len(data), int(sys.argv[4])) if len(sys.argv) > 4 else len(data)
    if end == 0:
        print(f'trace-steps: {sys.argv[2]} is empty', file=sys.stderr)
        return 2
    steps, p, _ = run(W, data[:end])
    print('final P(valid) over', end, 'bytes:', p)
    a = int(sys.argv[3]) if len(sys.argv) > 3 else max(0, end - 200)
    for t in range(max(0, a), end):
        ch = chr(data[t]) if 32 <= data[t] < 127 else repr(chr(data[t]))
        print(t, ch, ' '.join(f'{x:.3f}' for x in steps[t]))
    print('per 4 KB block: offset, mean and max of broken')
    for b in range(0, end, 4096):
        print(b, f'{steps[b:b + 4096, 0].mean():.3f}', f'{steps[b:b + 4096, 0].max():.3f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())

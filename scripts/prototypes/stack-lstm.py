#!/usr/bin/env python3
"""A prototype outside the Swift engine: a character-level LSTM against the same LSTM with a
soft stack beside it (Joulin & Mikolov 2015: at every byte a softmax over push / pop / no-op
moves a stack of D slots of K numbers, what is pushed is tanh of a projection of h, and the
LSTM reads the top two slots at the next byte), trained on short labelled texts and measured on
longer ones, with the stack's moves as trained (soft) and rounded to the likelier move (hard).

    python3 -m venv /tmp/jax-venv && /tmp/jax-venv/bin/pip install jax==0.10.2 numpy   # CPU
    nestnet generate --count 40000 --min-length 32 --max-length 1024 --lengths log --habits 0.5 --seed 1 --out train.jsonl
    nestnet generate --count 400 --min-length 1024 --max-length 4096 --habits 0.5 --seed 12 --out test-1024.jsonl
    /tmp/jax-venv/bin/python scripts/prototypes/stack-lstm.py --arch stack --steps 15000 --train train.jsonl --tests test-1024.jsonl

Each model: embedding 16, one LSTM layer of `--hidden` units, a final head (on h and, with the
stack, its top two slots) and a per-step head trained on "the text is broken by here" (from
the line's error offset); Adam with clipping at norm 1, warm-up and a cosine schedule, batches
of `--batch` texts of similar length; seeded. `--st` trains with hard moves forward and soft
gradients back (straight-through); `--supervise W` adds W times a loss on the moves (push at a
code opener, pop at a code closer, no-op elsewhere, from `code_moves`, a small C lexer in this
file: an approximation of the oracle's, for this experiment only), and `--teacher` also moves
the stack by those moves in training (teacher forcing: the model's own moves only at test
time). With the stack, it also
prints how decided the moves are. Set XLA_FLAGS="--xla_cpu_multi_thread_eigen=false
intra_op_parallelism_threads=1" to keep a run on one core.

The README's runs (session 32; one seed each, 400 texts per test set): generated C as above,
tests of 1–4, 4–16 and 16–64 KB (`--min-length 1024 --max-length 4096 --seed 12`, `4096 16384
--seed 13`, `16384 65536 --seed 14`, each `--count 400 --habits 0.5`), `--steps 15000` for
`--arch lstm`, `--arch stack`, and `--steps 8000` for `--arch stack --st --supervise 1` and
`--arch stack --supervise 1 --teacher`; real code,
`nestnet dataset windows CORPUS/src/train --count 40000 --min-length 32 --max-length 1024
--lengths log --seed 7` to train on, `dataset windows CORPUS/src/valid --count 400 --min-length
1024 --max-length 4096 --seed 9` and `… --count 400 --min-length 4096 --max-length 32768
--whole-files 1 --seed 8` to test, `--steps 10000` for each arch and `--steps 8000` for
`--arch stack --supervise 1 --teacher`.
"""
import argparse
import json
import math
import time

import jax
import jax.numpy as jnp
import numpy as np

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("--arch", choices=["lstm", "stack"], default="stack")
ap.add_argument("--hidden", type=int, default=64)
ap.add_argument("--depth", type=int, default=32, help="stack slots D")
ap.add_argument("--width", type=int, default=4, help="numbers per slot K")
ap.add_argument("--steps", type=int, default=2000)
ap.add_argument("--batch", type=int, default=32)
ap.add_argument("--lr", type=float, default=3e-3)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--out", default=None, help="save the parameters (.npz)")
ap.add_argument("--load", default=None, help="start from saved parameters (--steps 0: measure only)")
ap.add_argument("--supervise", type=float, default=0, help="weight of the loss on the stack's moves")
ap.add_argument("--st", action="store_true", help="straight-through hard moves in training")
ap.add_argument("--teacher", action="store_true", help="in training the stack takes the lexer's moves (needs --supervise)")
ap.add_argument("--train", default="train.jsonl")
ap.add_argument("--tests", default="test-1024.jsonl,test-4096.jsonl,test-16384.jsonl")
a = ap.parse_args()
if a.teacher and not a.supervise:
    ap.error("--teacher needs --supervise (the moves it forces are the ones taught)")

PUSH, POP, NOOP = 0, 1, 2


def code_moves(b):
    """Push at code openers, pop at code closers, no-op elsewhere, from a small C lexer (line and
    block comments, string and char literals with escapes; directive lines count as code)."""
    out = np.full(len(b), NOOP, np.int32)
    state, i, n = "code", 0, len(b)
    while i < n:
        ch = b[i]
        if state == "code":
            if ch == 47 and i + 1 < n and b[i + 1] in (47, 42):
                state = "line" if b[i + 1] == 47 else "block"
                i += 2
                continue
            if ch == 34: state = "string"
            elif ch == 39: state = "char"
            elif ch in b"([{": out[i] = PUSH
            elif ch in b")]}": out[i] = POP
        elif state == "line":
            if ch == 10: state = "code"
        elif state == "block":
            if ch == 42 and i + 1 < n and b[i + 1] == 47:
                state = "code"
                i += 2
                continue
        else:
            if ch == 92:
                i += 2
                continue
            if (state == "string" and ch == 34) or (state == "char" and ch == 39) or ch == 10:
                state = "code"
        i += 1
    return out


def load(path, moves=False):
    """Texts as byte arrays, labels, error offsets (−1 for valid texts) and, with `moves`, the taught moves."""
    xs, ys, es, ms = [], [], [], []
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        b = r["text"].encode("utf-8")
        xs.append(np.frombuffer(b, dtype=np.uint8))
        ms.append(code_moves(b) if moves else None)
        ys.append(1.0 if r["valid"] else 0.0)
        es.append(r["error"]["offset"] if r.get("error") else -1)
    return xs, np.array(ys, np.float32), es, ms


E, H, D, K = 16, a.hidden, a.depth, a.width
STACK = a.arch == "stack"
rng = np.random.default_rng(a.seed)


def init(shape, fan):
    return jnp.asarray(rng.uniform(-1 / math.sqrt(fan), 1 / math.sqrt(fan), size=shape).astype(np.float32))


READ = 2 * K if STACK else 0  # the top two slots, flattened
p = {"emb": jnp.asarray(rng.normal(0, 1, (256, E)).astype(np.float32)),
     "wi": init((E + READ, 4 * H), H), "wh": init((H, 4 * H), H), "b": jnp.zeros(4 * H).at[H:2 * H].set(1.0),
     "hw": init((H + READ, 1), H), "hb": jnp.zeros(1),
     "sw": init((H, 1), H), "sb": jnp.zeros(1)}
if STACK:
    p.update({"aw": init((H, 3), H), "ab": jnp.array([0.0, 0.0, 2.0]), "vw": init((H, K), H), "vb": jnp.zeros(K)})
if a.load:
    p = {k: jnp.asarray(v) for k, v in np.load(a.load).items()}


def run(p, x, mask, hard=False, straight=False, forced=None):
    """x, mask [B, T] → final logits [B], step logits [B, T], move logits [B, T, 3].

        a_t = [emb(x_t); S_{t−1}[0:2]]·W_i + h_{t−1}·W_h + b → LSTM → h_t       [B, 4H]
        u_t = softmax(h_t·W_a + b_a)   (push, pop, no-op)                       [B, 3]
        v_t = tanh(h_t·W_v + b_v)                                               [B, K]
        S_t = u_push·[v_t; S_{t−1}[0:D−1]] + u_pop·[S_{t−1}[1:D]; 0] + u_noop·S_{t−1}   [B, D, K]
    """
    B, T = x.shape
    if forced is None:
        forced = jnp.full((B, T), -1, jnp.int32)

    def step(carry, inp):
        h, c, S = carry
        xt, mt, ft = inp
        e = p["emb"][xt]
        if STACK:
            e = jnp.concatenate([e, S[:, :2, :].reshape(B, READ)], axis=1)
        z = e @ p["wi"] + h @ p["wh"] + p["b"]
        i, f, g, o = jnp.split(z, 4, axis=1)
        c2 = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h2 = jax.nn.sigmoid(o) * jnp.tanh(c2)
        S2 = S
        al = jnp.zeros((B, 3))
        if STACK:
            al = h2 @ p["aw"] + p["ab"]
            u = jax.nn.softmax(al, 1)
            if hard:
                u = jax.nn.one_hot(jnp.argmax(al, 1), 3)
            elif straight:
                u = u + jax.lax.stop_gradient(jax.nn.one_hot(jnp.argmax(al, 1), 3) - u)
            u = jnp.where(ft[:, None] >= 0, jax.nn.one_hot(ft, 3), u)  # teacher forcing
            v = jnp.tanh(h2 @ p["vw"] + p["vb"])
            push = jnp.concatenate([v[:, None, :], S[:, :-1, :]], axis=1)
            pop = jnp.concatenate([S[:, 1:, :], jnp.zeros((B, 1, K))], axis=1)
            S2 = u[:, PUSH, None, None] * push + u[:, POP, None, None] * pop + u[:, NOOP, None, None] * S
        m = mt[:, None]  # padding steps keep the state
        h2 = m * h2 + (1 - m) * h
        c2 = m * c2 + (1 - m) * c
        if STACK:
            S2 = m[:, :, None] * S2 + (1 - m[:, :, None]) * S
        return (h2, c2, S2), ((h2 @ p["sw"] + p["sb"])[:, 0], al)

    start = (jnp.zeros((B, H)), jnp.zeros((B, H)), jnp.zeros((B, D, K)))
    (h, c, S), (sl, al) = jax.lax.scan(step, start, (x.T, mask.T, forced.T))
    feat = jnp.concatenate([h, S[:, :2, :].reshape(B, READ)], axis=1) if STACK else h
    return (feat @ p["hw"] + p["hb"])[:, 0], sl.T, al.transpose(1, 0, 2)


def loss_fn(p, x, mask, y, broken, moves):
    z, sl, al = run(p, x, mask, straight=a.st, forced=moves if a.teacher else None)
    final = jnp.mean(jax.nn.softplus(-z) * y + jax.nn.softplus(z) * (1 - y))
    steps = jnp.sum((jax.nn.softplus(-sl) * broken + jax.nn.softplus(sl) * (1 - broken)) * mask) / jnp.sum(mask)
    picked = jnp.take_along_axis(jax.nn.log_softmax(al, -1), moves[..., None], -1)[..., 0]
    return final + steps + a.supervise * (-jnp.sum(picked * mask) / jnp.sum(mask))


grad_fn = jax.jit(jax.value_and_grad(loss_fn))
outputs = jax.jit(lambda p, x, m: run(p, x, m))
outputs_hard = jax.jit(lambda p, x, m: run(p, x, m, hard=True))


def batchify(data, idx):
    """Rows `idx`, padded to the next power of two: bytes, mask, labels, broken-by-here, moves."""
    xs, ys, es, ms = data
    T = int(2 ** math.ceil(math.log2(max(max(len(xs[i]) for i in idx), 16))))
    x = np.zeros((len(idx), T), np.int32)
    m = np.zeros((len(idx), T), np.float32)
    broken = np.zeros((len(idx), T), np.float32)
    mv = np.full((len(idx), T), NOOP, np.int32)
    for j, i in enumerate(idx):
        n = len(xs[i])
        x[j, :n] = xs[i]
        m[j, :n] = 1
        if es[i] >= 0: broken[j, es[i]:n] = 1
        if ms[i] is not None: mv[j, :n] = ms[i]
    return jnp.asarray(x), jnp.asarray(m), jnp.asarray(ys[idx]), jnp.asarray(broken), jnp.asarray(mv)


@jax.jit
def adam(p, g, mom, vel, t, lr):
    norm = jnp.sqrt(sum(jnp.sum(v * v) for v in jax.tree.leaves(g)))
    g = jax.tree.map(lambda v: v * jnp.minimum(1.0, 1.0 / (norm + 1e-6)), g)
    mom = jax.tree.map(lambda m, v: 0.9 * m + 0.1 * v, mom, g)
    vel = jax.tree.map(lambda m, v: 0.999 * m + 0.001 * v * v, vel, g)
    p = jax.tree.map(lambda w, m, v: w - lr * (m / (1 - 0.9 ** t)) / (jnp.sqrt(v / (1 - 0.999 ** t)) + 1e-8), p, mom, vel)
    return p, mom, vel


if a.steps > 0:
    train = load(a.train, moves=a.supervise > 0)
    order = np.argsort([len(t) for t in train[0]])
    buckets = [order[i:i + a.batch] for i in range(0, len(order) - a.batch + 1, a.batch)]  # similar lengths
    mom, vel = jax.tree.map(jnp.zeros_like, p), jax.tree.map(jnp.zeros_like, p)
    t0, smooth = time.time(), 0.0
    for s in range(1, a.steps + 1):
        l, g = grad_fn(p, *batchify(train, buckets[rng.integers(len(buckets))]))
        lr = a.lr * min(1.0, s / 100) * (0.5 * (1 + math.cos(math.pi * s / a.steps)))
        p, mom, vel = adam(p, g, mom, vel, s, lr)
        smooth = 0.98 * smooth + 0.02 * float(l)
        if s % 100 == 0:
            print(f"step {s} loss {smooth / (1 - 0.98 ** s):.4f} {time.time() - t0:.0f}s", flush=True)


def accuracy(path, hard=False):
    data = load(path)
    order, correct = np.argsort([len(t) for t in data[0]]), 0
    for i in range(0, len(order), 16):
        x, m, y, _, _ = batchify(data, order[i:i + 16])
        z = np.asarray((outputs_hard if hard else outputs)(p, x, m)[0])
        correct += int(np.sum((z > 0) == (np.asarray(y) > 0.5)))
    return correct / len(data[0])


tests = a.tests.split(",")
if STACK:
    # How decided the moves are, on the first test set's first 64 texts.
    data = load(tests[0])
    x, m, _, _, _ = batchify(data, np.arange(min(64, len(data[0]))))
    u = np.asarray(jax.nn.softmax(outputs(p, x, m)[2], -1))
    real = np.asarray(m) > 0
    bracket = np.isin(np.asarray(x), np.frombuffer(b"()[]{}", np.uint8)) & real
    sure = u.max(-1) > 0.99
    print(f"moves with P > 0.99: bracket bytes {sure[bracket].mean():.3f}, other bytes {sure[real & ~bracket].mean():.3f}; "
          f"mean P(push, pop, no-op) at brackets {u[bracket].mean(0).round(3).tolist()}, "
          f"elsewhere {u[real & ~bracket].mean(0).round(3).tolist()}", flush=True)
for path in tests:
    line = f"{path}: soft {accuracy(path):.4f}"
    if STACK:
        line += f" hard {accuracy(path, True):.4f}"
    print(line, flush=True)
if a.out:
    np.savez(a.out, **{k: np.asarray(v) for k, v in p.items()})

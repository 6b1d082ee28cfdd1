#!/usr/bin/env python3
"""Does a model know where comments and strings end? Its step head's `inert` output at the code
brackets after real code's lexical habits.

  lexical-probe.py MODEL.safetensors [MODEL ...]

Each case is a short valid C function whose last lines hold one habit (an unspaced `/*opt =*/`,
code commented out, an empty `//` line, adjacent strings `"+""n:"`, quotes inside a comment); the
script reads it with the checkpoint's one-layer LSTM (NumPy, as scripts/forget-gates.py) and
prints P(inert) at every bracket after the function's first lines, with `*` marking a code
bracket the model takes for comment or string (P > 0.5) and `!` a bracket in a comment or string
it takes for code. A model that has learned the lexer prints no marks. The shipped model marks
9 code brackets in 5 of the 8 cases (the `generate --habits` option teaches these habits).
Needs numpy only.
"""
import importlib.util, os, struct, sys
import numpy as np

spec = importlib.util.spec_from_file_location("fg", os.path.join(os.path.dirname(os.path.abspath(__file__)), "forget-gates.py"))
fg = importlib.util.module_from_spec(spec); spec.loader.exec_module(fg)

PREFIX = "static int f(int a)\n{\n\tint x = 0;\n\tif (a > 1) {\n\t\tx = g(a, 2);\n\t}\n"
CASES = {
    "spaced tag": "\tx = h(/* NULL, */ a, b);\n\treturn x;\n}\n",
    "unspaced tag": "\tx = h(/*NULL,*/ a, b);\n\treturn x;\n}\n",
    "tag first": "\t/*opt =*/ h(a, b);\n\treturn x;\n}\n",
    "code commented": "\t/*if (a)*/ {\n\t\tx = 1;\n\t}\n\treturn x;\n}\n",
    "empty //": "\t// TODO ----\n\t//\n\tif (a) {\n\t\tx = 1;\n\t}\n\treturn x;\n}\n",
    "adjacent strings": "\tx = h(a, \"+\"\"n:+c:\", b);\n\treturn x;\n}\n",
    "quotes in comment": "\t/* \"ln -s A/B/\" is like\n\t * \"ln -s A/B/ C\"\n\t */\n\tx = h(a, b);\n\treturn x;\n}\n",
    "slashes in comment": "\t/* see /proc/self/mountinfo\n\t * to find it */\n\t}\n\treturn x;\n}\n",
}

def inert_truth(s):
    """1 for bytes inside a comment, string or char literal (a plain C lexer: enough for CASES)."""
    out, i, n = [0] * len(s), 0, len(s)
    while i < n:
        if s.startswith("//", i):
            j = s.find("\n", i); j = n if j < 0 else j
        elif s.startswith("/*", i):
            j = s.find("*/", i + 2) + 2
        elif s[i] in "\"'":
            j = i + 1
            while s[j] != s[i]: j += 2 if s[j] == "\\" else 1
            j += 1
        else:
            i += 1; continue
        for k in range(i, j): out[k] = 1
        i = j
    return out

def step_outputs(w, text):
    """The step head's outputs after every byte of `text`, [len, outputs]."""
    h = fg.read(w, text.encode(), hidden=True)[2]
    return 1 / (1 + np.exp(-(h @ w["step_head.weight"].T + w["step_head.bias"])))

def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stdout if len(sys.argv) > 1 else sys.stderr); sys.exit(0 if len(sys.argv) > 1 else 2)
    for path in sys.argv[1:]:
        try:
            w, _ = fg.load(path)
        except (OSError, ValueError, KeyError, struct.error) as e:
            sys.exit(f"lexical-probe: cannot read {path}: {e}")
        if "step_head.weight" not in w or w["step_head.weight"].shape[0] < 3 or "rnn.weight_hh_l1" in w or "rnn.weight_ih_l0" not in w:
            sys.exit(f"lexical-probe: {path} is not a one-layer LSTM with a step head (train --step-loss)")
        print(f"== {path}")
        wrong = 0
        for name, case in CASES.items():
            text = PREFIX + case; p = step_outputs(w, text)[:, 2]; truth = inert_truth(text)
            marks = []
            for j in range(len(PREFIX), len(text)):
                if text[j] in "(){}[]":
                    bad = (p[j] > 0.5) != bool(truth[j]); wrong += bad
                    marks.append(f"{text[j]}{p[j]:.2f}{('!' if truth[j] else '*') if bad else ''}")
            print(f"  {name:18s} {' '.join(marks)}")
        print(f"  brackets misread: {wrong}")

if __name__ == "__main__":
    main()

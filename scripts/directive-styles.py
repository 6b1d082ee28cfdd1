#!/usr/bin/env python3
"""How a stack network's false alarms fall by the way files write their preprocessor lines.

Sorts every C-like file of the given folders by its directives (`#if`, `#ifdef`, `#ifndef`,
`#else`, `#elif`, `#endif`, `#define`, `#include`): "plain" when none has blanks before or after
its `#`, "some" when up to a fifth do, "indented" when more do (libpng's `#  ifdef`), "none"
when it has no directive. With --probe, a `probe lexical --format json --show N` report of a
stack network over the same folders (N at least the texts it breaks), it also counts the valid
texts that network's stack breaks in each group.

    nestnet probe lexical --model M DIR... --format json --show 100000 > probe.json
    scripts/directive-styles.py --probe probe.json DIR...
"""
import argparse, json, os, re, sys

EXTENSIONS = ('.c', '.h', '.cc', '.cpp', '.cxx', '.hpp', '.hh', '.hxx', '.m', '.mm', '.ino', '.cu',
              '.C', '.H', '.c++', '.h++', '.ipp', '.tcc', '.inl')
DIRECTIVE = re.compile(rb'(?m)^([ \t]*)#([ \t]*)(if|ifdef|ifndef|else|elif|endif|define|include)\b')
GROUPS = ['plain', 'some', 'indented', 'none']


def style(path):
    found = DIRECTIVE.findall(open(path, 'rb').read())
    if not found:
        return 'none'
    blanks = sum(1 for before, after, _ in found if before or after)
    return 'indented' if blanks > len(found) / 5 else 'some' if blanks else 'plain'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--probe', help='probe lexical --format json report of a stack network')
    ap.add_argument('folders', nargs='+')
    a = ap.parse_args()
    files = []
    for d in a.folders:
        if os.path.isfile(d):
            files.append(d)
            continue
        if not os.path.isdir(d):
            sys.exit(f'directive-styles: {d}: no such file or folder')
        for root, _, names in os.walk(d):
            files += [os.path.join(root, n) for n in names if n.endswith(EXTENSIONS)]
    broken = set()
    if a.probe:
        report = json.load(open(a.probe))
        if 'valid_breaks' not in report:
            sys.exit(f'directive-styles: {a.probe}: no valid_breaks (not a stack network\'s probe report)')
        broken = {b['text'] for b in report['valid_breaks']}
        if len(broken) < report.get('stack_breaks_model_lexed', 0):
            sys.exit(f'directive-styles: {a.probe} lists {len(broken)} of the {report["stack_breaks_model_lexed"]} '
                     'texts the stack breaks: make it again with a larger --show')
    counts = {g: [0, 0] for g in GROUPS}
    for f in files:
        g = style(f)
        counts[g][0] += 1
        if f in broken:
            counts[g][1] += 1
    print('directives | files | broken by the stack' if a.probe else 'directives | files')
    for g in GROUPS:
        n, b = counts[g]
        print(f'{g} | {n} | {b} ({100 * b / n:.1f}%)' if a.probe and n else f'{g} | {n}')


if __name__ == '__main__':
    main()

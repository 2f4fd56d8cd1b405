#!/usr/bin/env python3
"""0.7.0's learning curve from several `ana bench shift` runs (one held-out style, or some of its +N, per run).

usage: curve_mean.py OUT_DIR...   (each holding the results.json an `ana bench shift --out OUT_DIR` wrote)

Prints, per style and for the mean of the styles, macro-F1 / mAP at `ana finetune`'s thresholds (the
package's below 200 signed, prevalence-matched from 200, as the bench's row "the same at `ana finetune`'s
thresholds"), the held-out negatives read negative, and how each fine-tuning went (epochs, the one kept).
"""
import json
import sys

PREVALENCE_FROM = 200  # PREVALENCE_THRESHOLDS_FROM_SIGNED_CASES

styles = {}
for out in sys.argv[1:]:
    for s in json.load(open(f'{out}/results.json'))['styles']:
        if s['role'] != 'held-out':
            continue
        st = styles.setdefault(s['style'], {'zero': s['zeroShot'], 'zero_errors': s['zeroShotErrors'], 'cells': {}, 'runs': {}})
        for cell, run in zip(s['networkSigned'], s['networkTraining']):
            prevalence = cell['thresholds'].get('prevalence') if cell['n'] >= PREVALENCE_FROM else None
            st['cells'][cell['n']] = prevalence or cell
            st['runs'][cell['n']] = run

ns = sorted({n for st in styles.values() for n in st['cells']})
def fmt(c):
    return f"{c['f1Macro']:.3f} / {c['map']:.3f}"
print('| 0.7.0, macro-F1 / mAP | zero-shot | ' + ' | '.join(f'+{n}' for n in ns) + ' |')
print('|---' * (len(ns) + 2) + '|')
for name, st in styles.items():
    print(f'| {name} | {fmt(st["zero"])} | ' + ' | '.join(fmt(st['cells'][n]) if n in st['cells'] else '—' for n in ns) + ' |')
complete = [n for n in ns if all(n in st['cells'] for st in styles.values())]
mean = lambda cs, k: sum(c[k] for c in cs) / len(cs)
zs = [st['zero'] for st in styles.values()]
print(f'| **held-out mean** | {mean(zs, "f1Macro"):.3f} / {mean(zs, "map"):.3f} | ' + ' | '.join(
    (lambda cs: f'{mean(cs, "f1Macro"):.3f} / {mean(cs, "map"):.3f}')([st['cells'][n] for st in styles.values()]) if n in complete else '—' for n in ns) + ' |')
negatives = lambda st: st['zero_errors']['falseCalls']['negative']['fields']
read_negative = lambda st, c: round(c['negativesCalledNegative'] * negatives(st))
print(f'| held-out negatives read negative ({sum(negatives(st) for st in styles.values())}) | {sum(read_negative(st, st["zero"]) for st in styles.values())} | ' + ' | '.join(
    str(sum(read_negative(st, st['cells'][n]) for st in styles.values())) if n in complete else '—' for n in ns) + ' |')
print()
print('| style | ' + ' | '.join(f'+{n}' for n in ns) + ' |')
print('|---' * (len(ns) + 1) + '|')
for name, st in styles.items():
    def run(n):
        r = st['runs'].get(n)
        return f"{r['epochs']} ({r['bestEpoch']}); {r['learningRate']}; {r['blend']}; {r['seconds']} s" if r else '—'
    print(f'| {name} | ' + ' | '.join(run(n) for n in ns) + ' |')

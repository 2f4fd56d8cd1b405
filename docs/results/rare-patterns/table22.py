#!/usr/bin/env python3
"""Rule 22: K (thresholds-only fine-tuning keeps 0.7.0's threshold for a pattern too few cases hold)
against J (every pattern re-fitted), per held-out style and R (fields of each rare pattern among the
300), on the style's 100 test fields, and rule22.md's bars. python3 table22.py with $WORK as for
arms22.sh (the runs in $WORK/rule22)."""
import json, os
WORK = os.environ.get('WORK', '/tmp/rare8')
STYLES = ['routine-20x-colour-jpeg', 'mercury-hotspot-12bit', 'research-40x-mono16']
RARE = ['nuclear_dots', 'mitochondrial']
SIX = ['homogeneous', 'speckled', 'centromere', 'nucleolar', 'nuclear_envelope', 'golgi']
mean = lambda v: sum(v) / len(v) if v else float('nan')

def load(s, r, arm):
    d = f'{WORK}/rule22/{s}-r{r}-{arm}'
    return json.load(open(f'{d}/eval.json')), json.load(open(f'{d}/manifest.json'))

def rare(e, q): return mean([e['per_class'][k][q] for k in RARE])

print('| style, R | thresholds kept (K) | nuclear dots / mitochondrial threshold J → K | rare F1 J → K | rare recall J → K | rare precision J → K | all eight J → K | six others J, K |')
print('|---|---|---|---|---|---|---|---|')
f1, rec, eight, six_same = [], {}, [], True
for s in STYLES:
    for r in (3, 10):
        try: (ej, mj), (ek, mk) = load(s, r, 'J'), load(s, r, 'K')
        except FileNotFoundError: continue
        kept = mk['provenance']['thresholds'].get('kept', [])
        th = ' / '.join(f"{mj['thresholds'][k]:.3f} → {mk['thresholds'][k]:.3f}" for k in RARE)
        six = [mean([e['per_class'][k]['f1'] for k in SIX]) for e in (ej, ek)]
        six_same &= all(mj['thresholds'][k] == mk['thresholds'][k] for k in SIX)
        print(f"| {s}, {r} | {', '.join(kept) or 'none'} | {th} | {rare(ej, 'f1'):.3f} → {rare(ek, 'f1'):.3f} | {rare(ej, 'recall'):.3f} → {rare(ek, 'recall'):.3f} | "
              f"{rare(ej, 'precision'):.3f} → {rare(ek, 'precision'):.3f} | {ej['f1_macro']:.3f} → {ek['f1_macro']:.3f} | {six[0]:.3f}, {six[1]:.3f} |")
        f1.append(rare(ek, 'f1') - rare(ej, 'f1')); eight.append(ek['f1_macro'] - ej['f1_macro'])
        if r == 10: rec[s] = rare(ek, 'recall') - rare(ej, 'recall')
if f1:
    per_style = ', '.join('%s %+.3f' % (s.split('-')[0], v) for s, v in rec.items())
    bars = [mean(f1) >= 0.05, min(f1) >= -0.02, mean(eight) >= 0, all(v >= -0.02 for v in rec.values())]
    print(f"\nK − J over {len(f1)} runs: rare F1 {mean(f1):+.3f} (bar +0.05), worst run {min(f1):+.3f} (bar −0.02); all eight {mean(eight):+.3f} (bar 0); "
          f"six others' thresholds the same in both arms: {six_same}; R = 10 rare recall K − J per style: {per_style} (bar −0.02 each)")
    print('verdict: ' + ('ships (every bar met)' if all(bars) else f"not shipped (bars met: {bars})"))

#!/usr/bin/env python3
"""Rule 22: K (thresholds-only fine-tuning keeps 0.7.0's threshold for a pattern too few cases hold)
against J (every pattern re-fitted), per held-out style and R (fields of each rare pattern among the
300), on the style's 100 test fields, and rule22.md's bars. python3 table22.py with $WORK as for
arms22.sh (the runs in $WORK/rule22). Rule 23: RULE=23 ARMS=J,L RS=2,4 (rule23.md's bars)."""
import json, os
WORK = os.environ.get('WORK', '/tmp/rare8')
STYLES = ['routine-20x-colour-jpeg', 'mercury-hotspot-12bit', 'research-40x-mono16']
RARE = ['nuclear_dots', 'mitochondrial']
SIX = ['homogeneous', 'speckled', 'centromere', 'nucleolar', 'nuclear_envelope', 'golgi']
mean = lambda v: sum(v) / len(v) if v else float('nan')
RULE = os.environ.get('RULE', '22')
A, B = os.environ.get('ARMS', 'J,K').split(',')
RS = [int(r) for r in os.environ.get('RS', '3,10').split(',')]

def load(s, r, arm):
    d = f'{WORK}/rule{RULE}/{s}-r{r}-{arm}'
    return json.load(open(f'{d}/eval.json')), json.load(open(f'{d}/manifest.json'))

def rare(e, q): return mean([e['per_class'][k][q] for k in RARE])

print(f'| style, R | thresholds kept ({B}) | nuclear dots / mitochondrial threshold {A} → {B} | rare F1 {A} → {B} | rare recall {A} → {B} | rare precision {A} → {B} | all eight {A} → {B} | six others {A}, {B} |')
print('|---|---|---|---|---|---|---|---|')
f1, rec, eight, six_same = [], {}, [], True
for s in STYLES:
    for r in RS:
        try: (ej, mj), (ek, mk) = load(s, r, A), load(s, r, B)
        except FileNotFoundError: continue
        kept = mk['provenance']['thresholds'].get('kept', [])
        th = ' / '.join(f"{mj['thresholds'][k]:.3f} → {mk['thresholds'][k]:.3f}" for k in RARE)
        six = [mean([e['per_class'][k]['f1'] for k in SIX]) for e in (ej, ek)]
        six_same &= all(mj['thresholds'][k] == mk['thresholds'][k] for k in SIX)
        print(f"| {s}, {r} | {', '.join(kept) or 'none'} | {th} | {rare(ej, 'f1'):.3f} → {rare(ek, 'f1'):.3f} | {rare(ej, 'recall'):.3f} → {rare(ek, 'recall'):.3f} | "
              f"{rare(ej, 'precision'):.3f} → {rare(ek, 'precision'):.3f} | {ej['f1_macro']:.3f} → {ek['f1_macro']:.3f} | {six[0]:.3f}, {six[1]:.3f} |")
        f1.append(rare(ek, 'f1') - rare(ej, 'f1')); eight.append(ek['f1_macro'] - ej['f1_macro'])
        if r == 10 and RULE == '22': rec[s] = rare(ek, 'recall') - rare(ej, 'recall')
if f1:
    per_style = ', '.join('%s %+.3f' % (s.split('-')[0], v) for s, v in rec.items())
    bars = [mean(f1) >= 0.05, min(f1) >= -0.02, mean(eight) >= 0, all(v >= -0.02 for v in rec.values())]
    print(f"\n{B} − {A} over {len(f1)} runs: rare F1 {mean(f1):+.3f} (bar +0.05), worst run {min(f1):+.3f} (bar −0.02); all eight {mean(eight):+.3f} (bar 0); "
          f"six others' thresholds the same in both arms: {six_same}" + (f"; R = 10 rare recall {B} − {A} per style: {per_style} (bar −0.02 each)" if rec else ''))
    print('verdict: ' + ('ships (every bar met)' if all(bars) else f"not shipped (bars met: {bars})"))

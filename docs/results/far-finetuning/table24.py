#!/usr/bin/env python3
"""Rule 24: X (fine-tuning with the style augmentation's fast form) against M (rule 17 as shipped, re-run beside it) on the far
package, paired by style and seed, and on 0.7.0 (research-40x): python3 table24.py. Runs STYLE-{X,M}far-sN and STYLE-{X,M}070-s1
in $WORK24; seconds per epoch from each run's train log (both arms on the same two-core machine, two runs at a time).
ARM=N pairs rule 25's N (flips and quarter turns only) with the same M runs instead."""
import json, os, re
W = os.environ.get('WORK24', '/tmp/rare24')
STYLES = ['routine-20x-colour-jpeg', 'mercury-hotspot-12bit', 'research-40x-mono16']
SIX = ['homogeneous', 'speckled', 'centromere', 'nucleolar', 'nuclear_envelope', 'golgi']
TWO = ['nuclear_dots', 'mitochondrial']
A = os.environ.get('ARM', 'X')
bar = lambda text: f' (bar {text})' if A == 'X' else ''  # rule 24's bars; rule 25 is an exploration
mean = lambda v: sum(v) / len(v) if v else float('nan')
def load(d):
    if not os.path.exists(f'{d}/eval.json'): return None
    e, p = json.load(open(f'{d}/eval.json')), json.load(open(f'{d}/manifest.json'))['provenance']
    secs = [float(s) for s in re.findall(r'^epoch +\d+ .* ([\d.]+) s$', open(f'{d}.train.log').read(), re.M)]
    f1 = lambda ks: mean([e['per_class'][k]['f1'] for k in ks])
    return {'eight': e['f1_macro'], 'map': e['map'], 'six': f1(SIX), 'two': f1(TWO), 'how': f"{p['epochs']} ({p['bestEpoch']}), {p['blend']}", 'sec': mean(secs)}
cell = lambda r: f"{r['eight']:.3f} / {r['map']:.3f} / {r['six']:.3f} / {r['two']:.3f}; {r['how']}; {r['sec']:.0f} s"
print(f'| style, seed | M (rule 17): all eight / mAP / six trained / two left out; epochs (kept), blend; s an epoch | {A} | {A} − M all eight / six trained |')
print('|---|---|---|---|')
d = {q: [] for q in ('eight', 'map', 'six', 'two')}; per_seed = {}; worst_six = []; ratio = []
for s in STYLES:
    for n in (1, 2, 3):
        m, x = load(f'{W}/{s}-Mfar-s{n}'), load(f'{W}/{s}-{A}far-s{n}')
        if not (m and x): continue
        print(f"| {s.split('-')[0]}, {n} | {cell(m)} | {cell(x)} | {x['eight'] - m['eight']:+.3f} / {x['six'] - m['six']:+.3f} |")
        for q in d: d[q].append(x[q] - m[q])
        per_seed.setdefault(n, []).append(x['six'] - m['six']); ratio.append(x['sec'] / m['sec'])
if d['eight']:
    print(f"\nfar package, {A} − M over {len(d['eight'])} paired runs (of nine): six trained {mean(d['six']):+.3f}{bar('+0.02')}, all eight {mean(d['eight']):+.3f}{bar('+0.01')}, "
          f"mAP {mean(d['map']):+.3f}{bar('+0.01')}, two left out {mean(d['two']):+.3f}; worst run's six {min(d['six']):+.3f}{bar('-0.05')}")
    print('per seed, six trained (mean over the styles run): ' + ', '.join(f'{n}: {mean(v):+.3f} ({len(v)})' for n, v in sorted(per_seed.items())))
    print(f"seconds an epoch, {A} / M: {', '.join(f'{r:.2f}' for r in ratio)}")
m, x = load(f'{W}/research-40x-mono16-M070-s1'), load(f'{W}/research-40x-mono16-{A}070-s1')
if m and x: print(f"\n0.7.0, research-40x seed 1: M {cell(m)}; {A} {cell(x)}; {A} − M all eight {x['eight'] - m['eight']:+.3f}{bar('-0.01')}")
for tag in ('Mfar-s1b', 'M17at-e8ff189-s1'):
    r = load(f'{W}/research-40x-mono16-{tag}')
    if r: print(f"research-40x, {tag}: {cell(r)}")

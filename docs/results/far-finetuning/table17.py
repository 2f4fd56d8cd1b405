#!/usr/bin/env python3
"""Rule 17: M (epoch kept by early-stopping mAP as read) against F (overall score) on the far package, seeds 1-3,
paired by seed: python3 table17.py [far|070]. Runs in $WORK17 as STYLE-Mfar-sN / STYLE-Ffar[-sN] (070: STYLE-M070-s1 / STYLE-F070)."""
import json, os, sys
W = os.environ.get('WORK17', '/tmp/rare17')
STYLES = ['routine-20x-colour-jpeg', 'mercury-hotspot-12bit', 'research-40x-mono16']
SIX = ['homogeneous', 'speckled', 'centromere', 'nucleolar', 'nuclear_envelope', 'golgi']
pkg = sys.argv[1] if len(sys.argv) > 1 else 'far'
SEEDS = [1, 2, 3] if pkg == 'far' else [1]
def arm(tag, s, n):
    if pkg == 'far': return f'{W}/{s}-{tag}far' + ('' if tag == 'F' and n == 1 else f'-s{n}')
    return f'{W}/{s}-{tag}070' + ('' if tag == 'F' else f'-s{n}')
def load(d):
    try: return json.load(open(f'{d}/eval.json')), json.load(open(f'{d}/manifest.json'))['provenance']
    except FileNotFoundError: return None
def six(e): return sum(e['per_class'][k]['f1'] for k in SIX) / len(SIX)
mean = lambda v: sum(v) / len(v) if v else float('nan')
print('| style, seed | F: epochs (kept), blend | M: epochs (kept), blend | F all eight / mAP / six others | M all eight / mAP / six others | M − F all eight |')
print('|---|---|---|---|---|---|')
d = {q: [] for q in ['eight', 'map', 'six']}; per_seed = {n: [] for n in SEEDS}
got = {a: {} for a in 'FM'}  # arm -> (style, seed) -> (all eight, mAP, six others)
for s in STYLES:
    for n in SEEDS:
        f, m = load(arm('F', s, n)), load(arm('M', s, n))
        if not (f and m): continue
        fig = lambda r: f"{r[0]['f1_macro']:.3f} / {r[0]['map']:.3f} / {six(r[0]):.3f}"
        how = lambda r: f"{r[1]['epochs']} ({r[1]['bestEpoch']}), {r[1]['blend']}"
        diff = m[0]['f1_macro'] - f[0]['f1_macro']
        print(f'| {s}, {n} | {how(f)} | {how(m)} | {fig(f)} | {fig(m)} | {diff:+.3f} |')
        for a, r in (('F', f), ('M', m)): got[a][s, n] = (r[0]['f1_macro'], r[0]['map'], six(r[0]))
        d['eight'].append(diff); d['map'].append(m[0]['map'] - f[0]['map']); d['six'].append(six(m[0]) - six(f[0])); per_seed[n].append(diff)
if d['eight']:
    print(f"{pkg} M − F over {len(d['eight'])} runs: all eight {mean(d['eight']):+.3f} (worst run {min(d['eight']):+.3f}), mAP {mean(d['map']):+.3f}, six others {mean(d['six']):+.3f}")
    print('per seed, all eight (three-style mean): ' + ', '.join(f'{n}: {mean(v):+.3f} ({len(v)} styles)' for n, v in per_seed.items() if v))
    for a, runs in got.items():
        col = lambda q, keep=lambda k: True: mean([v[q] for k, v in runs.items() if keep(k)])
        seeds = ', '.join(f'{n}: {col(0, lambda k: k[1] == n):.3f}' for n in SEEDS)
        spread = ', '.join(f'{s.split("-")[0]} {max(v[0] for k, v in runs.items() if k[0] == s) - min(v[0] for k, v in runs.items() if k[0] == s):.3f}' for s in STYLES if any(k[0] == s for k in runs))
        print(f'{a}: mean over {len(runs)} runs all eight / mAP / six others {col(0):.3f} / {col(1):.3f} / {col(2):.3f}; three-style mean per seed {seeds}; range over seeds per style {spread}')
